// The client against a real node:http server on 127.0.0.1.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ApiKeyState,
  AuthenticationError,
  BadRequestError,
  ComposioApiError,
  ComposioError,
  ComposioTimeoutError,
  ComposioValidationError,
  createComposioClient,
  createComposioTransport,
  createConnectedAccount,
  retrieveConnectedAccount,
  InternalServerError,
  NotFoundError,
  NotImplementedError,
  OAuth2State,
  RateLimitError,
  UnprocessableEntityError,
  type CreateConnectedAccountParams,
  VERSION,
} from "../src/index.js";
import { createdBody, errorBody, json, serverPerTest, type Handler } from "./helpers/server.js";
import { createRawClient } from "../src/raw.js";
import { validateRequest } from "../src/validate.js";
import { MAY_HAVE_MADE_ACCOUNT } from "../src/answers.js";

const API_KEY = "ak_PLANTED_project_key_7f3a";
const SERVICE_KEY = "svc_PLANTED_service_key_91c2";
const body: CreateConnectedAccountParams = {
  auth_config: { id: "ac_1a2b3c4d5e6f" },
  connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: SERVICE_KEY }) },
};

const serve = serverPerTest();

async function clientFor(handler: Handler, options: { maxRetries?: number } = {}) {
  const server = await serve(handler);
  return createComposioClient({ apiKey: API_KEY, baseUrl: server.url, ...options });
}

describe("createComposioClient options", () => {
  it("refuses no credential, both credentials, an empty one, and a credential in headers", () => {
    expect(() => createComposioClient({} as never)).toThrow(
      "createComposioClient: pass `apiKey` (your project API key, sent as x-api-key) or `userApiKey`.",
    );
    expect(() => createComposioClient({ apiKey: API_KEY, userApiKey: "other" } as never)).toThrow(
      "createComposioClient: pass `apiKey` or `userApiKey`, not both.",
    );
    expect(() => createComposioClient({ apiKey: " " })).toThrow(/`apiKey` is empty/);
    expect(() => createComposioClient({ apiKey: API_KEY, headers: { "X-User-Api-Key": "x" } })).toThrow(
      "createComposioClient: headers: may not set X-User-Api-Key; pass the key as `apiKey` or `userApiKey`.",
    );
    expect(() => createComposioClient({ apiKey: API_KEY, maxRetries: -1 })).toThrow(
      /`maxRetries` must be a whole number ≥ 0/,
    );
  });

  it("never puts the key in a construction error", () => {
    try {
      createComposioClient({ apiKey: API_KEY, userApiKey: SERVICE_KEY } as never);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ComposioError);
      expect(String((error as Error).stack)).not.toContain(API_KEY);
      expect(String((error as Error).stack)).not.toContain(SERVICE_KEY);
    }
  });
});

describe("connectedAccounts.create", () => {
  it("posts the JSON body with x-api-key and resolves to the 201 body", async () => {
    const client = await clientFor((_req, res) => json(res, 201, createdBody()));
    const account = await client.connectedAccounts.create(body);
    expect(account.id).toBe("ca_test123");
    const [seen] = serve.last.requests;
    expect(seen!.method).toBe("POST");
    expect(seen!.url).toBe("/api/v3.1/connected_accounts");
    expect(seen!.headers["x-api-key"]).toBe(API_KEY);
    expect(seen!.headers["x-user-api-key"]).toBeUndefined();
    expect(seen!.headers["content-type"]).toBe("application/json");
    expect(seen!.headers["user-agent"]).toBe(`composio-connected-accounts/${VERSION}`);
    expect(VERSION).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
    expect(JSON.parse(seen!.body)).toEqual({
      auth_config: { id: "ac_1a2b3c4d5e6f" },
      connection: {
        user_id: "user_42",
        state: { authScheme: "API_KEY", val: { api_key: SERVICE_KEY, status: "ACTIVE" } },
      },
    });
  });

  it("sends x-user-api-key alone when built with userApiKey, plus the client's and the request's headers", async () => {
    const server = await serve((_req, res) => json(res, 200, { items: [], next_cursor: null }));
    const client = createComposioClient({
      userApiKey: API_KEY,
      baseUrl: `${server.url}/`,
      headers: { "x-team": "a" },
    });
    await client.connectedAccounts.list({}, { headers: { "x-trace": "t1" } });
    const seen = server.requests[0]!;
    expect(seen.url).toBe("/api/v3.1/connected_accounts");
    expect(seen.headers["x-user-api-key"]).toBe(API_KEY);
    expect(seen.headers["x-api-key"]).toBeUndefined();
    expect(seen.headers["x-team"]).toBe("a");
    expect(seen.headers["x-trace"]).toBe("t1");
  });

  it("returns an OAuth redirect that narrows on authScheme and status", async () => {
    const redirect = "https://backend.composio.dev/api/v3/s/abc123";
    const client = await clientFor((_req, res) =>
      json(
        res,
        201,
        createdBody({
          connectionData: { authScheme: "OAUTH2", val: { status: "INITIATED", redirectUrl: redirect } },
        }),
      ),
    );
    const account = await client.connectedAccounts.create({
      ...body,
      connection: { state: OAuth2State.initializing() },
    });
    const data = account.connectionData;
    expect(
      data.authScheme === "OAUTH2" && data.val.status === "INITIATED" ? data.val.redirectUrl : undefined,
    ).toBe(redirect);
  });

  it("lets auth schemes, statuses and fields it does not know reach the caller", async () => {
    const future = createdBody({
      connectionData: {
        authScheme: "QUANTUM_AUTH",
        val: { status: "PENDING_REVIEW", novel: { deep: [1, 2] } },
      },
      status: "PENDING_REVIEW",
      brand_new_field: true,
    });
    const client = await clientFor((_req, res) => json(res, 201, future));
    await expect(client.connectedAccounts.create(body)).resolves.toEqual(future);
  });

  it("throws ComposioApiError when a 201 body is not JSON", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(201, { "content-type": "text/html" });
      res.end("<html>proxy says hi</html>");
    });
    const error = await client.connectedAccounts.create(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioApiError);
    expect((error as ComposioApiError).status).toBe(201);
    // A 201 says the server acted: the account may exist, and the message says how to find it.
    expect((error as Error).message).toBe(
      "createConnectedAccount: 201 response is not JSON: <html>proxy says hi</html>. The server may have made the connected account: before making another, look for it with connectedAccounts.list({ user_ids: [userId], auth_config_ids: [authConfigId] }), newest first.",
    );
  });
});

describe("error statuses", () => {
  const cases = [
    [400, BadRequestError, "ConnectedAccount_BadRequest"],
    [401, AuthenticationError, "Unauthorized"],
    [404, NotFoundError, "AuthConfig_NotFound"],
    [422, UnprocessableEntityError, "ConnectedAccount_UnprocessableEntity"],
    [500, InternalServerError, "InternalServerError"],
    [501, NotImplementedError, "NotImplemented"],
  ] as const;

  for (const [status, ErrorClass, slug] of cases) {
    it(`${status} throws ${ErrorClass.name} with the envelope's fields on top`, async () => {
      const client = await clientFor((_req, res) =>
        json(
          res,
          status,
          errorBody(status, slug, "It went wrong", {
            request_id: "req_1",
            suggested_fix: "Fix it",
            errors: ["a", "b"],
          }),
        ),
      );
      const error = (await client.connectedAccounts
        .create(body)
        .catch((e: unknown) => e)) as ComposioApiError;
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(ComposioApiError);
      expect(error.status).toBe(status);
      expect(error.slug).toBe(slug);
      expect(error.code).toBe(status === 400 ? 600 : 10000 + status);
      expect(error.requestId).toBe("req_1");
      expect(error.suggestedFix).toBe("Fix it");
      expect(error.errors).toEqual(["a", "b"]);
      // A 500 after a create may come after it made the account (a 501: the API does not do this).
      const unsure = status === 500 ? `.${MAY_HAVE_MADE_ACCOUNT}` : "";
      expect(error.message).toBe(
        `${status} ${slug}: It went wrong (a; b) — Fix it (request_id req_1)${unsure}`,
      );
      expect(error.stack).not.toContain(API_KEY);
      expect(error.stack).not.toContain(SERVICE_KEY);
      // 5xx may have created the account: not retried by default.
      expect(serve.last.requests).toHaveLength(1);
    });
  }

  it("takes the request id from x-request-id when the body has none, and cuts a long non-JSON body", async () => {
    const client = await clientFor((_req, res) => {
      res.writeHead(502, { "content-type": "text/html", "x-request-id": "req_hdr" });
      res.end(`<html>${"bad gateway ".repeat(100)}</html>`);
    });
    const error = (await client.connectedAccounts.create(body).catch((e: unknown) => e)) as ComposioApiError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.requestId).toBe("req_hdr");
    expect(error.message.startsWith("502 <html>bad gateway bad gateway")).toBe(true);
    expect(error.message).toMatch(/… \(1213 chars\)\. The server may have made the connected account/);
    expect(error.message.length).toBeLessThan(240 + MAY_HAVE_MADE_ACCOUNT.length);
  });
});

describe("retries", () => {
  it("retries a 429 after its Retry-After, re-sending the whole body", async () => {
    const client = await clientFor((_req, res, attempt) =>
      attempt === 1
        ? json(res, 429, errorBody(429, "RateLimited", "Slow down"), { "retry-after-ms": "20" })
        : json(res, 201, createdBody()),
    );
    await expect(client.connectedAccounts.create(body)).resolves.toMatchObject({ id: "ca_test123" });
    expect(serve.last.requests).toHaveLength(2);
    expect(serve.last.requests[1]!.body).toBe(serve.last.requests[0]!.body);
  });

  it("honours maxRetries per request over the client's", async () => {
    const client = await clientFor(
      (_req, res) => json(res, 429, errorBody(429, "RateLimited", "Slow down"), { "retry-after": "0" }),
      {
        maxRetries: 5,
      },
    );
    const error = await client.connectedAccounts.create(body, { maxRetries: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(serve.last.requests).toHaveLength(2);
  });
});

describe("createRawClient (composio-connected-accounts/raw)", () => {
  it("checks its options as createComposioClient does", () => {
    expect(() => createRawClient({ apiKey: API_KEY, userApiKey: "u" } as never)).toThrow(
      "createRawClient: pass `apiKey` or `userApiKey`, not both.",
    );
    expect(() => createRawClient({ apiKey: API_KEY, baseUrl: "http://api.example.com" })).toThrow(
      /plain http/,
    );
  });

  it("is the openapi-fetch client with the same credential and base URL", async () => {
    await clientFor((_req, res) => json(res, 404, errorBody(404, "AuthConfig_NotFound", "No such config")));
    const raw = createRawClient({ apiKey: API_KEY, baseUrl: serve.last.url });
    const { data, error, response } = await raw.POST("/api/v3.1/connected_accounts", { body });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error?.error?.slug).toBe("AuthConfig_NotFound");
    expect(serve.last.requests[0]!.headers["x-api-key"]).toBe(API_KEY);
  });

  it("retries through the same loop, re-sending the body", async () => {
    await clientFor((_req, res, attempt) =>
      attempt === 1
        ? json(res, 429, errorBody(429, "RateLimited", "Slow down"), { "retry-after": "0" })
        : json(res, 201, createdBody()),
    );
    const raw = createRawClient({ apiKey: API_KEY, baseUrl: serve.last.url });
    const { data } = await raw.POST("/api/v3.1/connected_accounts", { body });
    expect(data?.id).toBe("ca_test123");
    expect(serve.last.requests).toHaveLength(2);
    expect(JSON.parse(serve.last.requests[1]!.body)).toEqual(JSON.parse(serve.last.requests[0]!.body));
  });

  it("retries a read after a 500, but not a create, as the main client does", async () => {
    await clientFor((req, res, attempt) =>
      attempt === 1 || req.method === "POST"
        ? json(res, 500, errorBody(500, "Oops", "Failed"))
        : json(res, 200, { ...createdBody(), status: "ACTIVE" }),
    );
    const raw = createRawClient({ apiKey: API_KEY, baseUrl: serve.last.url, logger: null });
    const read = await raw.GET("/api/v3.1/connected_accounts/{nanoid}", {
      params: { path: { nanoid: "ca_1" } },
    });
    expect(read.data?.status).toBe("ACTIVE");
    expect(serve.last.requests).toHaveLength(2);
    const created = await raw.POST("/api/v3.1/connected_accounts", { body });
    expect(created.response.status).toBe(500);
    expect(serve.last.requests).toHaveLength(3);
  });

  // The same options behave the same on both clients.
  it("runs the validator before sending, as the main client does", async () => {
    await clientFor((_req, res) => json(res, 201, createdBody()));
    const bad = {
      ...body,
      connection: { user_id: "user_42", state: { authScheme: "OAUTH2", val: { status: "ACTIVE" } } },
    } as never;
    const raw = createRawClient({ apiKey: API_KEY, baseUrl: serve.last.url, validate: validateRequest });
    const main = createComposioClient({
      apiKey: API_KEY,
      baseUrl: serve.last.url,
      validate: validateRequest,
    });
    for (const send of [
      () => raw.POST("/api/v3.1/connected_accounts", { body: bad }),
      () => main.connectedAccounts.create(bad),
    ]) {
      const error = await send().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioValidationError);
      expect((error as Error).message).toBe(
        "Invalid body for createConnectedAccount:\n  connection.state.val: OAUTH2 ACTIVE requires access_token",
      );
    }
    expect(serve.last.requests).toHaveLength(0);
    const { data } = await raw.POST("/api/v3.1/connected_accounts", { body });
    expect(data?.id).toBe("ca_test123");
  });

  it("ends at timeoutMs when the body never finishes, as the main client does", async () => {
    await clientFor((_req, res) => {
      res.writeHead(201, { "content-type": "application/json" });
      res.write('{"id":"ca_'); // and never the rest
    });
    const options = { apiKey: API_KEY, baseUrl: serve.last.url, timeoutMs: 200, logger: null };
    for (const send of [
      () => createRawClient(options).POST("/api/v3.1/connected_accounts", { body }),
      () => createComposioClient(options).connectedAccounts.create(body),
    ]) {
      const started = Date.now();
      const error = await send().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioTimeoutError);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });
});

describe("standalone functions (createComposioTransport)", () => {
  it("send what the client's methods send, through the same transport", async () => {
    await clientFor((req, res) =>
      json(res, req.method === "GET" ? 200 : 201, { ...createdBody(), status: "ACTIVE" }),
    );
    const transport = createComposioTransport({ apiKey: API_KEY, baseUrl: serve.last.url });
    const created = await createConnectedAccount(transport, body);
    expect(created.id).toBe("ca_test123");
    const account = await retrieveConnectedAccount(transport, "ca_a/b");
    expect(account.status).toBe("ACTIVE");
    expect(serve.last.requests.map((r) => `${r.method} ${r.url} ${String(r.headers["x-api-key"])}`)).toEqual([
      `POST /api/v3.1/connected_accounts ${API_KEY}`,
      `GET /api/v3.1/connected_accounts/ca_a%2Fb ${API_KEY}`,
    ]);
    expect(JSON.parse(serve.last.requests[0]!.body)).toEqual(body);
  });

  it("check their options, naming the function", () => {
    expect(() => createComposioTransport({ apiKey: API_KEY, userApiKey: "u" } as never)).toThrow(
      "createComposioTransport: pass `apiKey` or `userApiKey`, not both.",
    );
  });
});

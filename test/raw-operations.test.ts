// The raw client (createRawClient, composio-connected-accounts/raw) on the lifecycle operations:
// a GET with a path parameter, a list with a query, the writes with bodies, its `validate` on
// update, link and updateStatus, and no redirect followed for retrieve and update.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ComposioValidationError,
  createComposioClient,
  RedirectError,
  type ListConnectedAccountsResponse,
  type RetrieveConnectedAccountResponse,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { validateRequest } from "../src/validate.js";
import {
  answerByRoute,
  ENCODED_ID,
  ID,
  OPERATIONS,
  recordingLogger,
  updateBody,
} from "./helpers/operations.js";
import { expectNoSecrets, SECRETS } from "./helpers/secrets.js";
import { json, serverPerTest } from "./helpers/server.js";

const KEY = "ak_test_raw_key";

const serve = serverPerTest();

const answerOf = (name: string) => OPERATIONS.find((op) => op.name === name)!.answer;

describe("raw: the lifecycle operations", () => {
  it("GET retrieve: the path parameter percent-encoded, the credential, the typed data", async () => {
    const server = await serve(answerByRoute);
    const { lines, logger } = recordingLogger();
    const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, logger, logLevel: "debug" });
    const { data, error, response } = await raw.GET("/api/v3.1/connected_accounts/{nanoid}", {
      params: { path: { nanoid: ID } },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expectTypeOf(data).toExtend<RetrieveConnectedAccountResponse | undefined>();
    expectTypeOf<RetrieveConnectedAccountResponse | undefined>().toExtend<typeof data>();
    expect(data).toEqual(answerOf("retrieve"));
    const seen = server.requests[0]!;
    expect(`${seen.method} ${seen.url}`).toBe(`GET /api/v3.1/connected_accounts/${ENCODED_ID}`);
    expect(seen.headers["x-api-key"]).toBe(KEY);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^composio-connected-accounts: GET /api/v3.1/connected_accounts/${ENCODED_ID} → 200 \\(attempt 1, \\d+ ms\\)$`,
        ),
      ),
    ]);
  });

  it("GET retrieve: a 404 is { error } with the envelope, not an exception", async () => {
    const server = await serve((_req, res) =>
      json(res, 404, {
        error: {
          message: "Connected account not found",
          code: 10404,
          slug: "ConnectedAccount_NotFound",
          status: 404,
          request_id: "req_404",
        },
      }),
    );
    const raw = createRawClient({ apiKey: KEY, baseUrl: server.url });
    const { data, error, response } = await raw.GET("/api/v3.1/connected_accounts/{nanoid}", {
      params: { path: { nanoid: "ca_gone" } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error?.error?.slug).toBe("ConnectedAccount_NotFound");
    expect(error?.error?.request_id).toBe("req_404");
    expect(server.requests).toHaveLength(1); // a 404 is not retried
  });

  it("GET list with a query: scalars, and a one-item array, as the spec's form style sends them", async () => {
    const server = await serve(answerByRoute);
    const raw = createRawClient({ userApiKey: KEY, baseUrl: server.url });
    const { data } = await raw.GET("/api/v3.1/connected_accounts", {
      params: { query: { statuses: ["ACTIVE"], limit: 20, order_by: "updated_at", cursor: "eyJwIjoyfQ==" } },
    });
    expectTypeOf(data).toExtend<ListConnectedAccountsResponse | undefined>();
    expectTypeOf<ListConnectedAccountsResponse | undefined>().toExtend<typeof data>();
    expect(data).toEqual(answerOf("list"));
    const seen = server.requests[0]!;
    expect(seen.url).toBe(
      "/api/v3.1/connected_accounts?statuses=ACTIVE&limit=20&order_by=updated_at&cursor=eyJwIjoyfQ%3D%3D",
    );
    expect(seen.headers["x-user-api-key"]).toBe(KEY);
    expect(seen.headers["x-api-key"]).toBeUndefined();
  });

  it("PATCH update, PATCH status, DELETE with its query, POST revoke under /api/v3.1", async () => {
    const server = await serve(answerByRoute);
    const raw = createRawClient({ apiKey: KEY, baseUrl: server.url });
    const path = { params: { path: { nanoid: ID } } };
    expect(
      (await raw.PATCH("/api/v3.1/connected_accounts/{nanoid}", { ...path, body: updateBody })).data,
    ).toEqual(answerOf("update"));
    expect(
      (
        await raw.PATCH("/api/v3.1/connected_accounts/{nanoId}/status", {
          params: { path: { nanoId: ID } },
          body: { enabled: false },
        })
      ).data,
    ).toEqual({ success: true });
    expect(
      (
        await raw.DELETE("/api/v3.1/connected_accounts/{nanoid}", {
          params: { path: { nanoid: ID }, query: { revoke_on_delete: true } },
        })
      ).data,
    ).toEqual(answerOf("delete"));
    expect((await raw.POST("/api/v3.1/connected_accounts/{nanoid}/revoke", path)).data).toEqual(
      answerOf("revoke"),
    );
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `PATCH /api/v3.1/connected_accounts/${ENCODED_ID}`,
      `PATCH /api/v3.1/connected_accounts/${ENCODED_ID}/status`,
      `DELETE /api/v3.1/connected_accounts/${ENCODED_ID}?revoke_on_delete=true`,
      `POST /api/v3.1/connected_accounts/${ENCODED_ID}/revoke`,
    ]);
    expect(JSON.parse(server.requests[0]!.body)).toEqual(updateBody);
    expect(server.requests[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(server.requests[1]!.body)).toEqual({ enabled: false });
  });
});

describe("raw: validate, on the lifecycle operations with a body", () => {
  const cases = [
    {
      name: "update (an auth scheme whose credentials cannot be updated)",
      operation: "updateConnectedAccount",
      send: (raw: ReturnType<typeof createRawClient>, body: unknown) =>
        raw.PATCH("/api/v3.1/connected_accounts/{nanoid}", {
          params: { path: { nanoid: ID } },
          body: body as never,
        }),
      // `token` is a field update's val has (access_token is not: the field check would refuse it first).
      bad: { connection: { state: { authScheme: "OAUTH2", val: { token: "x" } } } },
      good: updateBody,
    },
    {
      name: "updateStatus (enabled is not a boolean)",
      operation: "updateConnectedAccountStatus",
      send: (raw: ReturnType<typeof createRawClient>, body: unknown) =>
        raw.PATCH("/api/v3.1/connected_accounts/{nanoId}/status", {
          params: { path: { nanoId: ID } },
          body: body as never,
        }),
      bad: { enabled: "yes" },
      good: { enabled: true },
    },
    {
      name: "link (user_id empty)",
      operation: "createConnectedAccountLink",
      send: (raw: ReturnType<typeof createRawClient>, body: unknown) =>
        raw.POST("/api/v3.1/connected_accounts/link", { body: body as never }),
      bad: { auth_config_id: "ac_1", user_id: "" },
      good: { auth_config_id: "ac_1", user_id: "user_42" },
    },
  ];

  it.each(cases)("$name: refused before sending, on raw as on the client; a valid body goes", async (c) => {
    const server = await serve(answerByRoute);
    const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, validate: validateRequest });
    const error = await c.send(raw, c.bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioValidationError);
    expect((error as Error).message).toMatch(new RegExp(`^Invalid body for ${c.operation}:\\n  `));
    // The main client refuses the same body with the same message.
    const accounts = createComposioClient({
      apiKey: KEY,
      baseUrl: server.url,
      validate: validateRequest,
    }).connectedAccounts;
    const viaClient = await (
      c.operation === "createConnectedAccountLink"
        ? accounts.link(c.bad as never)
        : c.operation === "updateConnectedAccount"
          ? accounts.update(ID, c.bad as never)
          : accounts.updateStatus(ID, c.bad as never)
    ).catch((e: unknown) => e);
    expect((viaClient as Error).message).toBe((error as Error).message);
    expect(server.requests).toHaveLength(0);
    const { response } = await c.send(raw, c.good);
    expect(response.status).toBeLessThan(300);
    expect(server.requests).toHaveLength(1);
  });
});

describe("raw and the client: no redirect followed on the lifecycle operations", () => {
  async function redirecting(status: number) {
    const elsewhere = await serve((_req, res) => json(res, 200, { id: "ca_from_elsewhere" }));
    const api = await serve((req, res) => {
      const key = String(req.headers["x-api-key"]);
      res.writeHead(status, {
        location: `${elsewhere.url}/leak/${key}?token=${key}`,
        "content-type": "application/json",
      });
      res.end(JSON.stringify({ moved: true, echo: req.body }));
    });
    return { api, elsewhere };
  }

  const secretUpdate = {
    connection: { state: { authScheme: "API_KEY" as const, val: { api_key: SECRETS.accessToken } } },
  };
  const sends = {
    "raw GET retrieve": (url: string) =>
      createRawClient({ apiKey: SECRETS.apiKey, baseUrl: url }).GET("/api/v3.1/connected_accounts/{nanoid}", {
        params: { path: { nanoid: ID } },
      }),
    "raw PATCH update": (url: string) =>
      createRawClient({ apiKey: SECRETS.apiKey, baseUrl: url }).PATCH(
        "/api/v3.1/connected_accounts/{nanoid}",
        {
          params: { path: { nanoid: ID } },
          body: secretUpdate,
        },
      ),
    "client retrieve": (url: string) =>
      createComposioClient({ apiKey: SECRETS.apiKey, baseUrl: url }).connectedAccounts.retrieve(ID),
    "client update": (url: string) =>
      createComposioClient({ apiKey: SECRETS.apiKey, baseUrl: url }).connectedAccounts.update(
        ID,
        secretUpdate,
      ),
  };

  for (const [name, send] of Object.entries(sends)) {
    it.each([302, 307, 308])(`${name}: %i to another origin`, async (status) => {
      const { api, elsewhere } = await redirecting(status);
      const error = await send(api.url).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(elsewhere.requests, "the other origin received a request").toHaveLength(0);
      expect(api.requests, "a redirect is not retried").toHaveLength(1);
      expect(error).toBeInstanceOf(RedirectError);
      expect((error as RedirectError).status).toBe(status);
      expect((error as RedirectError).location).toBe(`${elsewhere.url}/leak/[redacted]`);
      if (name.includes("update")) expect(api.requests[0]!.body).toContain(SECRETS.accessToken);
      expectNoSecrets(error);
    });
  }
});

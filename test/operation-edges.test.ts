// Edges of the operations: ids that are no ids, raw's query style and retries, secrets cut in half
// or form-encoded, a Location with a token, and the managed-OAuth error on create only. Each was a bug once.
import { inspect } from "node:util";
import { expect, it } from "vitest";
import {
  BadRequestError,
  ComposioError,
  createComposioClient,
  ManagedOAuthNotSupportedError,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { json, serverPerTest } from "./helpers/server.js";

const serve = serverPerTest();
const KEY = "ak_PLANTED_project_key_5d1e9c";

it("an id that is empty or a dot segment is refused, not sent to another route", async () => {
  await serve((_req, res) => json(res, 200, { items: [] }));
  const accounts = createComposioClient({
    apiKey: KEY,
    baseUrl: serve.last.url,
    logger: null,
  }).connectedAccounts;
  for (const id of ["", ".", ".."]) await expect(accounts.retrieve(id)).rejects.toBeInstanceOf(ComposioError);
  // From JavaScript, an account's missing id: the message says which parameter, and what one looks like.
  await expect(accounts.delete(undefined as never)).rejects.toThrow(
    'deleteConnectedAccount: the path parameter `nanoid` (like "ca_4f9d2b7c1e0a") is undefined, which is no id: the request would go to another route, so nothing was sent.',
  );
  await expect(accounts.retrieve({ id: "ca_1" } as never)).rejects.toThrow(
    'retrieveConnectedAccount: the path parameter `nanoid` (like "ca_4f9d2b7c1e0a") is an object, which is no id',
  );
  expect(serve.last.requests.map((r) => r.url)).toEqual([]);
});

it("raw list sends array filters comma-joined, as the spec's explode: false says", async () => {
  await serve((_req, res) => json(res, 200, { items: [], next_cursor: null }));
  const raw = createRawClient({ apiKey: KEY, baseUrl: serve.last.url });
  await raw.GET("/api/v3.1/connected_accounts", { params: { query: { statuses: ["ACTIVE", "FAILED"] } } });
  expect(serve.last.requests[0]!.url).toBe("/api/v3.1/connected_accounts?statuses=ACTIVE,FAILED");
});

it("an error body cut at 64 KiB through the echoed API key keeps no part of it", async () => {
  await serve((_req, res) => {
    res.writeHead(500, { "content-type": "text/html" });
    res.end("x".repeat(64 * 1024 - 20) + KEY + "</html>");
  });
  const accounts = createComposioClient({
    apiKey: KEY,
    baseUrl: serve.last.url,
    logger: null,
  }).connectedAccounts;
  const error = await accounts.retrieve("ca_1", { maxRetries: 0 }).catch((e: unknown) => e);
  expect(JSON.stringify(error)).not.toContain(KEY.slice(0, 20));
});

it("answer tokens in a form-encoded error body are scrubbed by key", async () => {
  await serve((_req, res) => {
    res.writeHead(502, { "content-type": "text/plain" });
    res.end("token exchange failed: access_token=at_ANSWER_6c1f0b&refresh_token=rt_ANSWER_93ad2e&scope=repo");
  });
  const accounts = createComposioClient({
    apiKey: KEY,
    baseUrl: serve.last.url,
    logger: null,
  }).connectedAccounts;
  const error = (await accounts.retrieve("ca_1", { maxRetries: 0 }).catch((e: unknown) => e)) as Error;
  expect(error.message).not.toContain("at_ANSWER_6c1f0b");
});

it("a redirect's Location carrying a token does not show in util.inspect(error)", async () => {
  await serve((_req, res) => {
    res.writeHead(302, { location: "https://sso.example.com/cb?access_token=at_ANSWER_loc_7d2e" });
    res.end();
  });
  const accounts = createComposioClient({
    apiKey: KEY,
    baseUrl: serve.last.url,
    logger: null,
  }).connectedAccounts;
  const error = await accounts.retrieve("ca_1").catch((e: unknown) => e);
  expect(inspect(error, { depth: Infinity })).not.toContain("at_ANSWER_loc_7d2e");
});

it("a 400 to revoke that mentions /connected_accounts/link is a plain BadRequestError", async () => {
  await serve((_req, res) =>
    json(res, 400, {
      error: {
        message: "This toolkit cannot revoke; reconnect through POST /api/v3.1/connected_accounts/link",
        code: 600,
        slug: "ConnectedAccount_BadRequest",
        status: 400,
      },
    }),
  );
  const accounts = createComposioClient({
    apiKey: KEY,
    baseUrl: serve.last.url,
    logger: null,
  }).connectedAccounts;
  const error = await accounts.revoke("ca_1").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error).not.toBeInstanceOf(ManagedOAuthNotSupportedError);
});

it("raw retries a read after a 502 as the client does", async () => {
  await serve((_req, res, n) =>
    n === 1
      ? json(res, 502, { error: { message: "bad gateway", status: 502 } }, { "retry-after-ms": "0" })
      : json(res, 200, { id: "ca_1" }),
  );
  const raw = createRawClient({ apiKey: KEY, baseUrl: serve.last.url, logger: null });
  const { data } = await raw.GET("/api/v3.1/connected_accounts/{nanoid}", {
    params: { path: { nanoid: "ca_1" } },
  });
  expect(data?.id).toBe("ca_1");
  expect(serve.last.requests).toHaveLength(2);
});

it("raw refuses an empty id too, and its responses carry the request's url", async () => {
  await serve((_req, res) => json(res, 200, { id: "ca_1", status: "ACTIVE" }));
  const raw = createRawClient({ apiKey: KEY, baseUrl: serve.last.url });
  const empty = await raw
    .GET("/api/v3.1/connected_accounts/{nanoid}", { params: { path: { nanoid: "" } } })
    .catch((e: unknown) => e);
  expect(empty).toBeInstanceOf(ComposioError);
  expect((empty as Error).message).toBe(
    'retrieveConnectedAccount: the path parameter `nanoid` is "", which is no id: the request would go to another route, so nothing was sent.',
  );
  // Without params.path, openapi-fetch would send the template itself (`…/%7Bnanoid%7D`).
  await expect(raw.DELETE("/api/v3.1/connected_accounts/{nanoid}", {} as never)).rejects.toThrow(
    "deleteConnectedAccount: the path parameter `nanoid` is undefined, which is no id",
  );
  const { response } = await raw.GET("/api/v3.1/connected_accounts/{nanoid}", {
    params: { path: { nanoid: "ca_1" } },
  });
  expect(response.url).toBe(`${serve.last.url}/api/v3.1/connected_accounts/ca_1`);
  expect(serve.last.requests).toHaveLength(1);
});

it("a Retry-After that is no delay and no date falls back to backoff, not to an instant retry", async () => {
  await serve((_req, res, attempt) =>
    attempt === 1
      ? json(
          res,
          429,
          { error: { message: "slow down", code: 10429, slug: "RateLimited", status: 429 } },
          { "retry-after": "-5" },
        )
      : json(res, 200, { id: "ca_1", status: "ACTIVE" }),
  );
  const started = Date.now();
  await createComposioClient({
    apiKey: KEY,
    baseUrl: serve.last.url,
    logger: null,
  }).connectedAccounts.retrieve("ca_1");
  expect(serve.last.requests).toHaveLength(2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300); // backoff's first wait: 375–500 ms
});

it("a connection error names every cause down the chain", async () => {
  const error = (await createComposioClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:1", maxRetries: 0 })
    .connectedAccounts.retrieve("ca_1")
    .catch((e: unknown) => e)) as Error;
  expect(error.message).toMatch(
    /^retrieveConnectedAccount \(GET \/api\/v3[.\d]*\/connected_accounts\/ca_1\): connection failed \(the request may have reached the server\): fetch failed: bad port\.$/,
  );
});

// Keys per operation (v3.1): a call the configured key cannot make never leaves the process, on the
// standalone functions and /raw as on the client (operations.test.ts covers every method there).
import { describe, expect, it } from "vitest";
import {
  ComposioError,
  createComposioTransport,
  createConnectedAccount,
  listConnectedAccounts,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { createdBody, json, serverPerTest } from "./helpers/server.js";

const KEY = "uak_test_credentials_8c41";
const body = { auth_config: { id: "ac_1a2b3c4d5e6f" }, connection: { user_id: "user_42" } };

const serve = serverPerTest();

/** A server that lists nothing and creates an account; its url. */
async function accountsUrl() {
  const server = await serve((req, res) =>
    req.method === "GET" ? json(res, 200, { items: [], next_cursor: null }) : json(res, 201, createdBody()),
  );
  return server.url;
}

describe("a user API key on an operation that takes the project key only", () => {
  it("standalone function: rejects (never throws) before sending, naming the operation and apiKey", async () => {
    const transport = createComposioTransport({ userApiKey: KEY, baseUrl: await accountsUrl() });
    const call = createConnectedAccount(transport, body);
    const error = (await call.catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ComposioError);
    expect(error.message).toMatch(
      /^createConnectedAccount: needs `apiKey` \(your project API key, sent as x-api-key\); this client was made with `userApiKey`/,
    );
    expect(error.message).not.toContain(KEY);
    expect(serve.last.requests).toHaveLength(0);
    // The same transport still lists: the key is fine where the API takes it.
    await listConnectedAccounts(transport);
    expect(serve.last.requests.map((r) => r.headers["x-user-api-key"])).toEqual([KEY]);
  });

  it("raw: rejects before sending; a read goes out with the user key", async () => {
    const raw = createRawClient({ userApiKey: KEY, baseUrl: await accountsUrl() });
    const error = (await raw
      .POST("/api/v3.1/connected_accounts", { body })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ComposioError);
    expect(error.message).toMatch(/^createConnectedAccount: needs `apiKey`/);
    expect(serve.last.requests).toHaveLength(0);
    const { response } = await raw.GET("/api/v3.1/connected_accounts");
    expect(response.status).toBe(200);
    expect(serve.last.requests).toHaveLength(1);
  });

  it("with the project key, the same calls go out", async () => {
    const transport = createComposioTransport({ apiKey: KEY, baseUrl: await accountsUrl() });
    await createConnectedAccount(transport, body);
    const raw = createRawClient({ apiKey: KEY, baseUrl: serve.last.url });
    await raw.POST("/api/v3.1/connected_accounts", { body });
    expect(serve.last.requests.map((r) => r.headers["x-api-key"])).toEqual([KEY, KEY]);
  });
});

// Outcomes told honestly (issue 14, point 9): a failure without an answer says whether the request
// may have reached the server (`requestSent`), names the operation and the route, and on a creating
// call says that an account may exist and how to find it; a JavaScript caller's unknown option is
// refused with its name and the nearest known one, and so is a query parameter the operation does
// not have, on every entry point. Real servers on 127.0.0.1.
import { describe, expect, it } from "vitest";
import { ROUTES } from "../generated/meta.js";
import {
  ComposioConnectionError,
  ComposioTimeoutError,
  createComposioClient,
  createComposioTransport,
  deleteConnectedAccount,
  listConnectedAccounts,
  type ClientOptions,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { createBody, linkBody, messageOf } from "./helpers/operations.js";
import { freePort, json, serverPerTest, type Handler } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient, createComposioTransport }) => {
  const KEY = "ak_PLANTED_outcomes_key_61b0d2";
  const ID = "ca_4f9d2b7c1e0a";

  /** Each server a test starts is closed after it. */
  const serve = serverPerTest();
  const clientOf = (baseUrl: string, options: Partial<ClientOptions> = {}) =>
    createComposioClient({ apiKey: KEY, baseUrl, logger: null, ...options } as ClientOptions)
      .connectedAccounts;

  /** Cuts the connection once the whole request has arrived. */
  const cut: Handler = (_req, res) => res.socket?.destroy();
  /** Never answers. */
  const silent: Handler = () => {};

  const FIND_IT =
    "The server may have made the connected account: before making another, look for it with connectedAccounts.list({ user_ids: [userId], auth_config_ids: [authConfigId] }), newest first.";
  const route = (method: string, suffix: string) =>
    `${method} /api/v3[.\\d]*/connected_accounts${suffix.replace(/[/.]/g, "\\$&")}`;

  describe("9. what a failure without an answer tells", () => {
    it("create, cut once sent: requestSent, not retried, and how to find the account that may exist", async () => {
      const server = await serve(cut);
      const error = (await clientOf(server.url)
        .create(createBody)
        .catch((e: unknown) => e)) as ComposioConnectionError;
      expect(error).toBeInstanceOf(ComposioConnectionError);
      expect(error).not.toBeInstanceOf(ComposioTimeoutError);
      expect(error.requestSent).toBe(true);
      expect(error.message).toMatch(
        new RegExp(
          `^createConnectedAccount \\(${route("POST", "")}\\): connection failed \\(the request may have reached the server\\): .+\\.`,
        ),
      );
      expect(error.message.endsWith(FIND_IT)).toBe(true);
      expect(error.toJSON()).toMatchObject({ requestSent: true });
      expect(server.requests).toHaveLength(1);
    });

    it("link, no answer in time: a timeout that names the operation and route, and the same advice", async () => {
      const server = await serve(silent);
      const error = (await clientOf(server.url, { timeoutMs: 200 })
        .link(linkBody)
        .catch((e: unknown) => e)) as ComposioTimeoutError;
      expect(error).toBeInstanceOf(ComposioTimeoutError);
      expect(error.requestSent).toBe(true);
      expect(error.message).toMatch(
        new RegExp(
          `^createConnectedAccountLink \\(${route("POST", "/link")}\\): no answer within timeoutMs \\(200 ms\\)\\. `,
        ),
      );
      expect(error.message.endsWith(FIND_IT)).toBe(true);
    });

    it("create, connection refused: requestSent false, nothing was sent, so no advice (and it was retried)", async () => {
      const port = await freePort();
      let attempts = 0;
      const counting: typeof fetch = (input, init) => {
        attempts++;
        return fetch(input, init);
      };
      const error = (await clientOf(`http://127.0.0.1:${port}`, { fetch: counting, maxRetries: 1 })
        .create(createBody)
        .catch((e: unknown) => e)) as ComposioConnectionError;
      expect(error).toBeInstanceOf(ComposioConnectionError);
      expect(error.requestSent).toBe(false);
      expect(error.message).toMatch(
        new RegExp(
          `^createConnectedAccount \\(${route("POST", "")}\\): connection failed \\(nothing was sent\\): .*ECONNREFUSED.*\\.$`,
        ),
      );
      expect(attempts).toBe(2);
    });

    it("a read's timeout names it and its route, and gives no advice; another non-idempotent call says to check", async () => {
      const server = await serve(silent);
      const timedOut = (await clientOf(server.url, { timeoutMs: 150, maxRetries: 0 })
        .retrieve(ID)
        .catch((e: unknown) => e)) as Error;
      expect(timedOut.message).toMatch(
        new RegExp(
          `^retrieveConnectedAccount \\(${route("GET", `/${ID}`)}\\): no answer within timeoutMs \\(150 ms\\)\\.$`,
        ),
      );
      const cutServer = await serve(cut);
      const revoked = (await clientOf(cutServer.url)
        .revoke(ID)
        .catch((e: unknown) => e)) as ComposioConnectionError;
      expect(revoked.requestSent).toBe(true);
      expect(revoked.message).toMatch(/^revokeConnectedAccount \(POST .+\/revoke\): connection failed/);
      expect(revoked.message).toMatch(
        / The server may have acted on it: check the account before repeating the call\.$/,
      );
    });

    it("the raw client tells the same", async () => {
      const server = await serve(cut);
      const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, logger: null });
      const createPath = Object.keys(ROUTES)
        .find((r) => ROUTES[r]!.operation === "createConnectedAccount")!
        .split(" ")[1]!;
      const error = (await raw
        .POST(createPath as never, { body: createBody } as never)
        .catch((e: unknown) => e)) as ComposioConnectionError;
      expect(error).toBeInstanceOf(ComposioConnectionError);
      expect(error.requestSent).toBe(true);
      expect(error.message).toMatch(/^createConnectedAccount \(POST .+\): connection failed/);
      expect(error.message.endsWith(FIND_IT)).toBe(true);
    });
  });

  describe("9. an unknown option is refused with its name and the nearest known one", () => {
    it("client options, on both clients", () => {
      expect(messageOf(() => createComposioClient({ apiKey: KEY, timeout: 5 } as never))).toBe(
        "createComposioClient: unknown option `timeout`; did you mean `timeoutMs`?",
      );
      expect(messageOf(() => createRawClient({ apiKey: KEY, retries: 2 } as never))).toBe(
        "createRawClient: unknown option `retries`; did you mean `maxRetries`?",
      );
      expect(messageOf(() => createComposioClient({ apiKey: KEY, BaseURL: "https://x" } as never))).toBe(
        "createComposioClient: unknown option `BaseURL`; did you mean `baseUrl`?",
      );
      expect(messageOf(() => createComposioClient({ apiKey: KEY, colour: "red" } as never))).toMatch(
        /^createComposioClient: unknown option `colour`; known: `apiKey`, `userApiKey`, .*`baseUrl`.*\.$/,
      );
    });

    it("request options and wait options, before anything is sent", async () => {
      const server = await serve((_req, res) => json(res, 200, { id: ID, status: "ACTIVE" }));
      const accounts = clientOf(server.url);
      await expect(accounts.retrieve(ID, { timeout: 5 } as never)).rejects.toThrow(
        "retrieveConnectedAccount: options: unknown option `timeout`; did you mean `timeoutMs`?",
      );
      await expect(accounts.create(createBody, { signl: AbortSignal.abort() } as never)).rejects.toThrow(
        "createConnectedAccount: options: unknown option `signl`; did you mean `signal`?",
      );
      await expect(accounts.waitForConnection(ID, { initialInterval: 100 } as never)).rejects.toThrow(
        "waitForConnection: unknown option `initialInterval`; did you mean `initialIntervalMs`?",
      );
      await expect(
        accounts.waitForConnection(ID, { requestOptions: { timeout: 5 } } as never),
      ).rejects.toThrow(
        "retrieveConnectedAccount: options: unknown option `timeout`; did you mean `timeoutMs`?",
      );
      expect(server.requests).toHaveLength(0);
    });
  });

  describe("9. a query parameter the operation does not have is refused, before anything is sent", () => {
    // From JavaScript, `user_id` for `user_ids` would be sent, ignored by the server, and the list
    // would answer with every user's accounts.
    it("on the client's methods, its standalone functions and /raw, naming the nearest parameter", async () => {
      const server = await serve((_req, res) => json(res, 200, { items: [], next_cursor: null }));
      const accounts = clientOf(server.url);
      const transport = createComposioTransport({ apiKey: KEY, baseUrl: server.url, logger: null });
      const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, logger: null });
      const misspelt = { user_id: ["user_42"] } as never;
      const listing =
        'listConnectedAccounts: query: unknown parameter "user_id"; did you mean `user_ids`? Nothing was sent.';
      await expect(accounts.list(misspelt)).rejects.toThrow(listing);
      // A rejection, not a throw at the call: the list's .catch() and .then(ok, fail) see it.
      expect(await accounts.list(misspelt).catch((e: unknown) => (e as Error).message)).toBe(listing);
      expect(await accounts.list(misspelt).then(undefined, (e: unknown) => (e as Error).message)).toBe(
        listing,
      );
      await expect(listConnectedAccounts(transport, misspelt)).rejects.toThrow(listing);
      await expect(raw.GET("/api/v3.1/connected_accounts", { params: { query: misspelt } })).rejects.toThrow(
        listing,
      );
      await expect(accounts.delete(ID, { revoke: true } as never)).rejects.toThrow(
        'deleteConnectedAccount: query: unknown parameter "revoke"; did you mean `revoke_on_delete`? Nothing was sent.',
      );
      await expect(deleteConnectedAccount(transport, ID, { revoke: true } as never)).rejects.toThrow(
        "did you mean `revoke_on_delete`?",
      );
      await expect(
        raw.GET("/api/v3.1/connected_accounts/{nanoid}", {
          params: { path: { nanoid: ID }, query: { expand: "all" } as never },
        }),
      ).rejects.toThrow(
        'retrieveConnectedAccount: query: the operation takes no query parameters (got "expand"). Nothing was sent.',
      );
      // A name nowhere near one it has: every name it has, rather than a guess.
      await expect(accounts.delete(ID, { force: true } as never)).rejects.toThrow(
        'deleteConnectedAccount: query: unknown parameter "force"; known: `revoke_on_delete`. Nothing was sent.',
      );
      expect(server.requests).toHaveLength(0);
      // The names it has still go, and the walk's own cursor is one of them.
      await accounts.list({ user_ids: ["user_42"], limit: 5 });
      await raw.GET("/api/v3.1/connected_accounts", { params: { query: { user_ids: ["user_42"] } } });
      expect(server.requests.map((r) => r.url)).toEqual([
        "/api/v3.1/connected_accounts?user_ids=user_42&limit=5",
        "/api/v3.1/connected_accounts?user_ids=user_42",
      ]);
    });
  });

  describe("9. a query parameter's name of a megabyte", () => {
    it("is refused as quickly as a short one: the nearest name is looked for in its first 64 characters", async () => {
      const server = await serve((_req, res) => json(res, 200, { items: [], next_cursor: null }));
      const start = performance.now();
      await expect(clientOf(server.url).list({ ["u".repeat(1_000_000)]: 1 })).rejects.toThrow(
        /^listConnectedAccounts: query: unknown parameter "u{40}…"; known: `toolkit_slugs`/,
      );
      expect(performance.now() - start).toBeLessThan(300);
      expect(server.requests).toHaveLength(0);
    });
  });
});

// Sections 10 and 11 are refused before anything is sent: on the default transport alone.
const KEY = "ak_PLANTED_outcomes_key_61b0d2";
const ID = "ca_4f9d2b7c1e0a";
const serve = serverPerTest();
const clientOf = (baseUrl: string) =>
  createComposioClient({ apiKey: KEY, baseUrl, logger: null }).connectedAccounts;

// Trial 22, second round, findings 1 and 3: from JavaScript, a bare value where an options object, a
// query or a body goes had no keys to refuse, and an empty filter filtered nothing; each was sent.
describe("10. a bare value where an object goes, and a filter that filters nothing, before anything is sent", () => {
  it("a number or boolean for the options, the query or the body is refused, naming what goes there", async () => {
    const server = await serve((_req, res) => json(res, 200, { id: ID, status: "ACTIVE", success: true }));
    const accounts = clientOf(server.url);
    const transport = createComposioTransport({ apiKey: KEY, baseUrl: server.url, logger: null });
    // @composio/core's waitForConnection(id, timeout): it waited the default ten minutes.
    await expect(accounts.waitForConnection(ID, 5000 as never)).rejects.toThrow(
      "waitForConnection: the options are a plain object, `{ timeoutMs: 5000 }` for a deadline (got 5000).",
    );
    await expect(accounts.waitForConnection(ID, "5000" as never)).rejects.toThrow(
      /^waitForConnection: the options are a plain object, of `timeoutMs`, .* \(got a string\)\.$/,
    );
    await expect(accounts.retrieve(ID, 5000 as never)).rejects.toThrow(
      "retrieveConnectedAccount: options: the options are a plain object, `{ timeoutMs: 5000 }` for a deadline (got 5000).",
    );
    await expect(accounts.list({}, true as never)).rejects.toThrow(
      /^listConnectedAccounts: options: the options are a plain object, of `signal`, .* \(got true\)\.$/,
    );
    // delete(id, true) meant "revoke too": a soft delete would leave the tokens live.
    await expect(accounts.delete(ID, true as never)).rejects.toThrow(
      "deleteConnectedAccount: the query is a plain object of parameters (`revoke_on_delete`), not true. Nothing was sent.",
    );
    await expect(deleteConnectedAccount(transport, ID, 1 as never)).rejects.toThrow(
      "deleteConnectedAccount: the query is a plain object of parameters (`revoke_on_delete`), not 1.",
    );
    await expect(accounts.updateStatus(ID, true as never)).rejects.toThrow(
      "updateConnectedAccountStatus: the body is an object (`enabled`), not true. Nothing was sent.",
    );
    await expect(accounts.create([createBody] as never)).rejects.toThrow(
      /^createConnectedAccount: the body is an object \(`auth_config`, .*\), not an array\. Nothing was sent\.$/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("an empty array filter, or an empty item in one, is refused on every entry: it would list every user's accounts", async () => {
    const server = await serve((_req, res) => json(res, 200, { items: [], next_cursor: null }));
    const accounts = clientOf(server.url);
    const transport = createComposioTransport({ apiKey: KEY, baseUrl: server.url, logger: null });
    const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, logger: null });
    const cases = [
      [{ user_ids: [] }, "`user_ids` is an empty array"],
      [{ user_ids: [""] }, '`user_ids` has the string "" at [0]'],
      [{ user_ids: ["user_42", null] }, "`user_ids` has null at [1]"],
      [{ connected_account_ids: [] }, "`connected_account_ids` is an empty array"],
    ] as const;
    for (const [query, what] of cases) {
      const message = `listConnectedAccounts: the query parameter ${what}, which filters nothing: the answer would not be narrowed by it.`;
      await expect(accounts.list(query as never), what).rejects.toThrow(message);
      await expect(listConnectedAccounts(transport, query as never)).rejects.toThrow(message);
      await expect(
        raw.GET("/api/v3.1/connected_accounts", { params: { query: query as never } }),
      ).rejects.toThrow(message);
    }
    // A string for an array filter, or for any parameter: it says nothing either.
    await expect(accounts.list({ user_ids: "" } as never)).rejects.toThrow(
      'listConnectedAccounts: the query parameter `user_ids` is the string "", which says nothing',
    );
    expect(server.requests).toHaveLength(0);
    // Left out, it is no filter, as the message says.
    await accounts.list({ user_ids: ["user_42"] });
    expect(server.requests.map((r) => r.url)).toEqual(["/api/v3.1/connected_accounts?user_ids=user_42"]);
  });
});

// Trial 22, third round, findings 1 and 3: an object whose keys are not its own fields read as no
// query (every user's accounts) or no options (a ten-minute wait); and a string given where an
// object goes was quoted in the message, though it may be the key.
describe("11. what is not a plain object, where one goes, before anything is sent, and never quoted", () => {
  it("a Map, a URLSearchParams, an unawaited promise, a boxed number, inherited fields: refused by what they are", async () => {
    const server = await serve((_req, res) => json(res, 200, { items: [], next_cursor: null }));
    const accounts = clientOf(server.url);
    const transport = createComposioTransport({ apiKey: KEY, baseUrl: server.url, logger: null });
    const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, logger: null });
    const queries = [
      [new Map([["user_ids", ["u1"]]]), "a Map"],
      [new URLSearchParams("user_ids=u1"), "a URLSearchParams"],
      [Promise.resolve({ user_ids: ["u1"] }), "a Promise"],
      [Object.create({ user_ids: ["u1"] }) as object, "an object"],
    ] as const;
    for (const [query, what] of queries) {
      const message = `listConnectedAccounts: the query is a plain object of parameters (\`toolkit_slugs\``;
      await expect(accounts.list(query as never), what).rejects.toThrow(message);
      await expect(accounts.list(query as never)).rejects.toThrow(`, not ${what}. Nothing was sent.`);
      await expect(listConnectedAccounts(transport, query as never)).rejects.toThrow(message);
      await expect(
        raw.GET("/api/v3.1/connected_accounts", { params: { query: query as never } }),
      ).rejects.toThrow(message);
    }
    await expect(accounts.delete(ID, new URLSearchParams("revoke_on_delete=true") as never)).rejects.toThrow(
      "deleteConnectedAccount: the query is a plain object of parameters (`revoke_on_delete`), not a URLSearchParams.",
    );
    await expect(accounts.waitForConnection(ID, new Map([["timeoutMs", 5000]]) as never)).rejects.toThrow(
      "waitForConnection: the options are a plain object, of `timeoutMs`",
    );
    await expect(accounts.retrieve(ID, new Number(5000) as never)).rejects.toThrow(
      "retrieveConnectedAccount: options: the options are a plain object, of `signal`",
    );
    expect(server.requests).toHaveLength(0);
    // A query made with Object.create(null), or frozen, is one.
    const bare = Object.assign(Object.create(null) as object, { user_ids: ["u1"] });
    await accounts.list(bare);
    await accounts.list(Object.freeze({ user_ids: ["u2"] }));
    expect(server.requests.map((r) => r.url)).toEqual([
      "/api/v3.1/connected_accounts?user_ids=u1",
      "/api/v3.1/connected_accounts?user_ids=u2",
    ]);
  });

  it("a string where the options, the query or the body go is called a string, never quoted: it may be a key", async () => {
    const server = await serve((_req, res) => json(res, 200, { id: ID, status: "ACTIVE" }));
    const accounts = clientOf(server.url);
    const messages = await Promise.all([
      accounts.retrieve(ID, KEY as never).catch((e: Error) => e.message),
      accounts.waitForConnection(ID, KEY as never).catch((e: Error) => e.message),
      accounts.delete(ID, KEY as never).catch((e: Error) => e.message),
      accounts.update(ID, "sk_live_provider_secret_0f3a" as never).catch((e: Error) => e.message),
    ]);
    expect(messages).toHaveLength(4);
    for (const message of messages) {
      expect(message).toContain("a string");
      expect(message).not.toContain(KEY.slice(0, 12));
      expect(message).not.toContain("sk_live");
    }
    expect(server.requests).toHaveLength(0);
  });
});

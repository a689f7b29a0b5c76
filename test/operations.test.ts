// Every connectedAccounts operation against a node:http server on 127.0.0.1: what reaches the
// server (method, path with its parameter percent-encoded, query as the spec's style says, JSON
// body, credential), the typed value a success resolves to, and the error class, message, slug and
// request id of each error status the spec declares for the operation.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ComposioApiError,
  ComposioError,
  ConflictError,
  createComposioClient,
  InternalServerError,
  ManagedOAuthNotSupportedError,
  NotFoundError,
  NotImplementedError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  VERSION,
  type ClientOptions,
  type ConnectedAccounts,
  type CreateConnectedAccountLinkResponse,
  type CreateConnectedAccountResponse,
  type DeleteConnectedAccountResponse,
  type ListConnectedAccountsItem,
  type ListConnectedAccountsResponse,
  type RefreshConnectedAccountResponse,
  type RetrieveConnectedAccountResponse,
  type RevokeConnectedAccountResponse,
  type UpdateConnectedAccountResponse,
  type UpdateConnectedAccountStatusResponse,
} from "../src/index.js";
import {
  answerByRoute,
  createBody,
  declaredErrors,
  ENCODED_ID,
  fixtureFor,
  ID,
  linkBody,
  OPERATIONS,
  operationNamed,
  settle,
  SPEC_OPERATIONS,
  succeed,
  updateBody,
  credentialHeadersBySpec,
} from "./helpers/operations.js";
import { json, serverPerTest, type Handler, type TestServer } from "./helpers/server.js";
import { MAY_HAVE_MADE_ACCOUNT } from "../src/answers.js";

const KEY = "ak_test_operations_key";

const serve = serverPerTest();
let server: TestServer | undefined;

async function accountsFor(handler: Handler, options: Partial<ClientOptions> = { apiKey: KEY }) {
  server = await serve(handler);
  return createComposioClient({ baseUrl: server.url, logger: null, ...options } as ClientOptions)
    .connectedAccounts;
}

const byName = operationNamed;

const TAKES = credentialHeadersBySpec();

describe("the operations table", () => {
  // Every table-driven test here and elsewhere runs OPERATIONS: the spec's operations that have a
  // fixture. One the spec adds without a fixture it cannot read from the spec fails here, once,
  // naming the operation and the file to add it to.
  it.each(SPEC_OPERATIONS.map((op) => op.operationId))("%s has a fixture", (operationId) => {
    expect(fixtureFor(operationId).answer).toBeDefined();
    expect(OPERATIONS.map((op) => op.operationId)).toContain(operationId);
  });

  it("an operation with a required body and no fixture: one message naming it, the file and what it needs", () => {
    const create = SPEC_OPERATIONS.find((op) => op.operationId === "createConnectedAccount")!;
    const added = { ...create, operationId: "pauseConnectedAccount", method: "pause" };
    expect(() => fixtureFor("pauseConnectedAccount", { operations: [added] })).toThrow(
      'No fixture for operation "pauseConnectedAccount" (connectedAccounts.pause): add one to FIXTURES in ' +
        "test/helpers/operations.ts — a call (send), the query and body it sends, and a success answer. " +
        "It cannot be read from the spec: it needs the required body.",
    );
  });

  it("an operation with only path parameters needs no fixture: it is called with the id and answers the spec's example", async () => {
    const retrieve = SPEC_OPERATIONS.find((op) => op.operationId === "retrieveConnectedAccount")!;
    const fixture = fixtureFor(retrieve.operationId, { fixtures: {} });
    expect(fixture.answer).toMatchObject({ id: "ca_4f9d2b7c1e0a", status: "ACTIVE" });
    expect(fixture.body).toBeUndefined();
    const calls: unknown[][] = [];
    const accounts = {
      retrieve: async (...args: unknown[]) => calls.push(args),
    } as unknown as ConnectedAccounts;
    await fixture.send(accounts, { maxRetries: 0 }, "ca_x");
    expect(calls).toEqual([["ca_x", { maxRetries: 0 }]]);
  });
});

describe.each([
  { credential: "apiKey", header: "x-api-key", other: "x-user-api-key" },
  { credential: "userApiKey", header: "x-user-api-key", other: "x-api-key" },
] as const)("what each operation sends, with $credential", ({ credential, header, other }) => {
  const refused = OPERATIONS.filter((op) => !TAKES.get(op.name)!.includes(header));
  const taken = OPERATIONS.filter((op) => TAKES.get(op.name)!.includes(header));

  // oxlint-disable-next-line vitest/no-conditional-tests -- only the operations this credential refuses get this test
  if (refused.length) {
    it.each(refused)("$name: refused before sending (the API answers 401)", async (op) => {
      const accounts = await accountsFor(succeed(op), { [credential]: KEY });
      const error = (await settle(op.send(accounts))).error as Error;
      expect(error).toBeInstanceOf(ComposioError);
      expect(error).not.toBeInstanceOf(ComposioApiError);
      expect(error.message).toMatch(/needs `apiKey` \(your project API key, sent as x-api-key\)/);
      expect(error.message).toContain(`made with \`${credential}\``);
      expect(error.message).toContain("Nothing was sent");
      expect(error.message).toContain("Settings → API Keys");
      expect(error.message).not.toContain(KEY);
      expect(server!.requests).toHaveLength(0);
    });
  }

  it.each(taken)("$name: $method $url", async (op) => {
    const accounts = await accountsFor(succeed(op), { [credential]: KEY });
    const value = await op.send(accounts);
    expect(server!.requests).toHaveLength(1);
    const seen = server!.requests[0]!;
    expect(seen.method).toBe(op.method);
    expect(seen.url).toBe(op.url);
    expect(seen.headers[header]).toBe(KEY);
    expect(seen.headers[other]).toBeUndefined();
    expect(seen.headers.accept).toBe("application/json");
    expect(seen.headers["user-agent"]).toBe(`composio-connected-accounts/${VERSION}`);
    if (op.body === undefined) {
      expect(seen.body).toBe("");
      expect(seen.headers["content-type"]).toBeUndefined();
    } else {
      expect(seen.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(seen.body)).toEqual(op.body);
    }
    expect(value).toEqual(op.answer);
  });
});

describe("path parameters and queries", () => {
  it("an id is one path segment: reserved characters, unicode and percent signs are encoded", async () => {
    const accounts = await accountsFor(succeed(byName("retrieve")));
    for (const id of ["ca_?x=1#frag", "ca_ü&é", "ca_%2F", "ca_..x"]) await accounts.retrieve(id);
    expect(server!.requests.map((r) => r.url)).toEqual([
      "/api/v3.1/connected_accounts/ca_%3Fx%3D1%23frag",
      "/api/v3.1/connected_accounts/ca_%C3%BC%26%C3%A9",
      "/api/v3.1/connected_accounts/ca_%252F",
      "/api/v3.1/connected_accounts/ca_..x",
    ]);
  });

  it("list: every array filter comma-joined (form, explode: false), each item encoded; no query when none is given", async () => {
    const accounts = await accountsFor(succeed(byName("list")));
    await accounts.list({
      toolkit_slugs: ["github"],
      statuses: ["ACTIVE", "INITIATED", "FAILED"],
      user_ids: ["a,b", "c&d"],
      auth_config_ids: ["ac_1", "ac_2"],
      connected_account_ids: ["ca_1", "ca_2"],
      cursor: "eyJwIjoyfQ==",
      order_direction: "asc",
      account_type: "ALL",
    });
    await accounts.list();
    // An empty filter filters nothing: refused, not sent as no filter (test/hostile-outcomes.test.ts).
    await expect(accounts.list({ statuses: [] })).rejects.toThrow("`statuses` is an empty array");
    expect(server!.requests.map((r) => r.url)).toEqual([
      "/api/v3.1/connected_accounts?toolkit_slugs=github&statuses=ACTIVE,INITIATED,FAILED&user_ids=a%2Cb,c%26d&auth_config_ids=ac_1,ac_2&connected_account_ids=ca_1,ca_2&cursor=eyJwIjoyfQ%3D%3D&order_direction=asc&account_type=ALL",
      "/api/v3.1/connected_accounts",
    ]);
    // A server that splits on the literal commas before decoding gets the items back as given.
    const raw = /[?&]user_ids=([^&]*)/.exec(server!.requests[0]!.url)![1]!;
    expect(raw.split(",").map(decodeURIComponent)).toEqual(["a,b", "c&d"]);
    expect(new URL(server!.requests[0]!.url, "http://x").searchParams.get("cursor")).toBe("eyJwIjoyfQ==");
  });

  it("delete: revoke_on_delete=false is sent as asked, and left out when not given", async () => {
    const accounts = await accountsFor(succeed(byName("delete")));
    await accounts.delete(ID, { revoke_on_delete: false });
    await accounts.delete(ID);
    expect(server!.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `DELETE /api/v3.1/connected_accounts/${ENCODED_ID}?revoke_on_delete=false`,
      `DELETE /api/v3.1/connected_accounts/${ENCODED_ID}`,
    ]);
  });

  it("refresh: no body and no query sends neither, and no content-type", async () => {
    const accounts = await accountsFor(succeed(byName("refresh")));
    await accounts.refresh(ID);
    const seen = server!.requests[0]!;
    expect(seen.url).toBe(`/api/v3.1/connected_accounts/${ENCODED_ID}/refresh`);
    expect(seen.body).toBe("");
    expect(seen.headers["content-type"]).toBeUndefined();
  });

  it("a request's own headers go with it, and never replace content-type", async () => {
    const accounts = await accountsFor(succeed(byName("update")));
    const op = byName("update");
    await op.send(accounts, { headers: { "x-trace": "t1", "content-type": "text/plain" } });
    const seen = server!.requests[0]!;
    expect(seen.headers["x-trace"]).toBe("t1");
    expect(seen.headers["content-type"]).toBe("application/json");
  });
});

describe("typed success values", () => {
  it("each method resolves to its operation's response, readable without casts", async () => {
    const accounts = await accountsFor(answerByRoute);

    const page = await accounts.list({ statuses: ["ACTIVE"] });
    expectTypeOf(page).toEqualTypeOf<ListConnectedAccountsResponse>();
    const item = page.items[0]!;
    expectTypeOf(item).toEqualTypeOf<ListConnectedAccountsItem>();
    expect(
      item.state.authScheme === "OAUTH2" && item.state.val.status === "ACTIVE"
        ? item.state.val.access_token
        : null,
    ).toBe("at_list_1");
    expect(page.next_cursor).toBeNull();

    const created = await accounts.create(createBody);
    expectTypeOf(created).toEqualTypeOf<CreateConnectedAccountResponse>();
    expect(created.connectionData.authScheme).toBe("API_KEY");

    const link = await accounts.link(linkBody);
    expectTypeOf(link).toEqualTypeOf<CreateConnectedAccountLinkResponse>();
    expect(new URL(link.redirect_url).host).toBe("connect.composio.dev");
    expect(link.connected_account_id).toBe("ca_8b2d4f6a1c3e");

    const account = await accounts.retrieve(ID);
    expectTypeOf(account).toEqualTypeOf<RetrieveConnectedAccountResponse>();
    expect(account.status).toBe("ACTIVE");
    expect(account.status_reason).toBeNull();
    expect(
      account.state.authScheme === "OAUTH2" && account.state.val.status === "ACTIVE"
        ? account.state.val.refresh_token
        : null,
    ).toBe("rt_retrieve_1");

    const updated = await accounts.update(ID, updateBody);
    expectTypeOf(updated).toEqualTypeOf<UpdateConnectedAccountResponse>();
    expect([updated.success, updated.id, updated.status]).toEqual([true, ID, "ACTIVE"]);

    const status = await accounts.updateStatus(ID, { enabled: false });
    expectTypeOf(status).toEqualTypeOf<UpdateConnectedAccountStatusResponse>();
    expect(status.success).toBe(true);

    const deleted = await accounts.delete(ID, { revoke_on_delete: true });
    expectTypeOf(deleted).toEqualTypeOf<DeleteConnectedAccountResponse>();
    expect(deleted.revoke_job_id).toBe("job_5d41402abc4b2a76");

    const refreshed = await accounts.refresh(ID);
    expectTypeOf(refreshed).toEqualTypeOf<RefreshConnectedAccountResponse>();
    expect(refreshed.redirect_url).toMatch(/^https:\/\//);

    const revoked = await accounts.revoke(ID);
    expectTypeOf(revoked).toEqualTypeOf<RevokeConnectedAccountResponse>();
    expect(revoked.revoked_tokens).toEqual(["access_token", "refresh_token"]);
    expect(revoked.connected_account.status).toBe("REVOKED");
    expect(server!.requests).toHaveLength(9);
  });
});

// ── Errors ──────────────────────────────────────────────────────────────────────────────────────

const CLASS_BY_STATUS: Record<string, typeof ComposioApiError> = {
  "400": BadRequestError,
  "401": AuthenticationError,
  "403": PermissionDeniedError,
  "404": NotFoundError,
  "409": ConflictError,
  "422": UnprocessableEntityError,
  "429": RateLimitError,
  "500": InternalServerError,
  "501": NotImplementedError,
};

describe("errors, for each status the spec declares per operation", () => {
  // An operation without a fixture fails once, above, and is left out here.
  const declared = declaredErrors().filter((d) => OPERATIONS.some((op) => op.name === d.name));

  it("the spec declares errors for every operation, and each status has its class", () => {
    expect(new Set(declaredErrors().map((d) => d.operationId))).toEqual(
      new Set(SPEC_OPERATIONS.map((op) => op.operationId)),
    );
    for (const { status } of declared) expect(CLASS_BY_STATUS[status], `status ${status}`).toBeDefined();
    // The statuses the issue names, where the lifecycle facts put them.
    expect(declared.map(({ name, status }) => ({ name, status }))).toEqual(
      expect.arrayContaining([
        { name: "retrieve", status: 404 },
        { name: "delete", status: 404 },
        { name: "update", status: 409 },
        { name: "updateStatus", status: 409 },
        { name: "revoke", status: 409 },
        { name: "refresh", status: 409 },
        { name: "refresh", status: 422 },
        { name: "link", status: 422 },
        { name: "link", status: 429 },
      ]),
    );
  });

  it.each(declared)("$name → $status", async ({ name, status }) => {
    const op = operationNamed(name);
    const accounts = await accountsFor((_req, res) =>
      json(res, status, {
        error: {
          message: `${name} failed with ${status}`,
          code: 10000 + status,
          slug: `Slug_${status}`,
          status,
          request_id: `req_${name}_${status}`,
          suggested_fix: "Check the id.",
          errors: ["first problem", "second problem"],
        },
      }),
    );
    const { value, error } = await settle(op.send(accounts, { maxRetries: 0 }));
    expect(value).toBeUndefined();
    const Class = CLASS_BY_STATUS[status]!;
    expect(error).toBeInstanceOf(Class);
    expect(error).not.toBeInstanceOf(ManagedOAuthNotSupportedError);
    const e = error as ComposioApiError;
    expect(e.name).toBe(Class.name);
    // After a create or link, a 5xx (but 501) does not prove nothing happened: the message says so.
    const unsure = op.createsAccount && status >= 500 && status !== 501 ? `.${MAY_HAVE_MADE_ACCOUNT}` : "";
    expect(e.message).toBe(
      `${status} Slug_${status}: ${name} failed with ${status} (first problem; second problem) — Check the id. (request_id req_${name}_${status})${unsure}`,
    );
    expect(e.status).toBe(status);
    expect(e.slug).toBe(`Slug_${status}`);
    expect(e.code).toBe(10000 + status);
    expect(e.requestId).toBe(`req_${name}_${status}`);
    expect(e.suggestedFix).toBe("Check the id.");
    expect(e.errors).toEqual(["first problem", "second problem"]);
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]!.url).toBe(op.url);
  });

  it.each(OPERATIONS)("$name: the request id from x-request-id when the envelope has none", async (op) => {
    const accounts = await accountsFor((_req, res) =>
      json(
        res,
        404,
        {
          error: {
            message: "Connected account not found",
            code: 10404,
            slug: "ConnectedAccount_NotFound",
            status: 404,
          },
        },
        { "x-request-id": `req_hdr_${op.name}` },
      ),
    );
    const error = (await op.send(accounts).catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toBe(`req_hdr_${op.name}`);
    expect(error.message).toBe(
      `404 ConnectedAccount_NotFound: Connected account not found (request_id req_hdr_${op.name})`,
    );
  });
});

// composio-connected-accounts/testing, operation by operation: every auth scheme of the spec through
// its lifecycle, list's filters, orders and pages, update, refresh, completeAuth, the 404s and 400s,
// the routing by the generated ROUTES table (an operation without an implementation answers 501),
// and the fake's own argument checks. Every answer is held to the spec (helpers/testing-fake.ts).
import { describe, expect, it } from "vitest";
import { ROUTES } from "../generated/meta.js";
import { loadSpec } from "../scripts/lib/spec.js";
import {
  ApiKeyState,
  BadRequestError,
  ComposioError,
  ConflictError,
  createComposioClient,
  NotFoundError,
  UnprocessableEntityError,
  type RetrieveConnectedAccountResponse,
} from "../src/index.js";
import { createFakeComposio, type FakeAuthScheme } from "../src/testing.js";
import { FakeStore } from "../src/testing/accounts.js";
import { FakeFrontDoor } from "../src/testing/http.js";
import { OPERATIONS } from "../src/testing/operations.js";
import { specAnswers } from "./helpers/spec-schemas.js";
import { MANAGED_GITHUB, openPage, OWN_GMAIL, SERPAPI, useFake } from "./helpers/testing-fake.js";

const setup = useFake();
const spec = loadSpec("spec/openapi.yaml");
const SCHEMES = spec.doc.components.schemas.AuthScheme.enum as FakeAuthScheme[];

describe("every auth scheme of the spec, through its lifecycle", () => {
  it.each(SCHEMES)(
    "%s: INITIATED, ACTIVE, INACTIVE, refreshed or not, revoked, FAILED at ten minutes",
    async (scheme) => {
      const id = `ac_${scheme.toLowerCase()}`;
      const { fake, composio } = await setup("fetch", [
        { id, toolkit: scheme.toLowerCase(), authScheme: scheme },
      ]);
      const status = async (account: string) => {
        const got = await composio.connectedAccounts.retrieve(account);
        return [got.status, got.state.authScheme];
      };
      const link = await composio.connectedAccounts.link({ auth_config_id: id, user_id: "u1" });
      const account = link.connected_account_id;
      expect(await status(account)).toEqual(["INITIATED", scheme]);
      fake.complete(account);
      expect(await status(account)).toEqual(["ACTIVE", scheme]);
      await composio.connectedAccounts.updateStatus(account, { enabled: false });
      expect(await status(account)).toEqual(["INACTIVE", scheme]);
      await composio.connectedAccounts.updateStatus(account, { enabled: true });
      const refreshed = await composio.connectedAccounts.refresh(account).catch((e: unknown) => e);
      if (refreshed instanceof ConflictError) {
        expect(refreshed.message).toContain(`${scheme} connections cannot be refreshed`);
      } else {
        expect(refreshed).toMatchObject({ id: account, status: "INITIATED" });
        fake.complete(account);
      }
      const revoked = await composio.connectedAccounts.revoke(account).catch((e: unknown) => e);
      if (revoked instanceof BadRequestError) {
        expect(revoked.message).toContain("has nothing to revoke");
      } else {
        expect(revoked).toMatchObject({ connected_account: { status: "REVOKED" } });
        expect(await status(account)).toEqual(["REVOKED", scheme]);
      }
      const second = await composio.connectedAccounts.link({ auth_config_id: id, user_id: "u1" });
      fake.advance(10 * 60_000);
      expect(await status(second.connected_account_id)).toEqual(["FAILED", scheme]);
      await composio.connectedAccounts.delete(second.connected_account_id);
    },
  );

  it("a status the scheme's state has no variant for shows the bare INITIALIZING state, without credentials", async () => {
    const { fake, composio } = await setup();
    const link = await composio.connectedAccounts.link({ auth_config_id: SERPAPI, user_id: "u1" });
    fake.complete(link.connected_account_id);
    fake.fail(link.connected_account_id, "Permanent auth error during token refresh");
    expect(await composio.connectedAccounts.retrieve(link.connected_account_id)).toMatchObject({
      status: "FAILED",
      status_reason: "Permanent auth error during token refresh",
      state: { authScheme: "API_KEY", val: { status: "INITIALIZING" } },
    });
  });
});

/** Makes accounts, one per [auth config, user], each a step later on the fake's clock. */
async function accounts(rows: [string, string][]) {
  const s = await setup();
  const ids: string[] = [];
  for (const [config, user] of rows) {
    const link = await s.composio.connectedAccounts.link({ auth_config_id: config, user_id: user });
    ids.push(link.connected_account_id);
    s.fake.advance(1_000);
  }
  return { ...s, ids };
}

describe("list", () => {
  it("each filter matches any of its values; filters combine", async () => {
    const { composio, fake, ids } = await accounts([
      [MANAGED_GITHUB, "u1"],
      [OWN_GMAIL, "u1"],
      [SERPAPI, "u2"],
      [MANAGED_GITHUB, "u2"],
    ]);
    fake.complete(ids[1]!);
    const listed = async (query: Parameters<typeof composio.connectedAccounts.list>[0]) =>
      (await composio.connectedAccounts.list(query)).items.map((a) => ids.indexOf(a.id));
    expect(await listed({})).toEqual([3, 2, 1, 0]);
    expect(await listed({ user_ids: ["u2"] })).toEqual([3, 2]);
    expect(await listed({ toolkit_slugs: ["github", "serpapi"] })).toEqual([3, 2, 0]);
    expect(await listed({ statuses: ["ACTIVE"] })).toEqual([1]);
    expect(await listed({ auth_config_ids: [MANAGED_GITHUB] })).toEqual([3, 0]);
    expect(await listed({ connected_account_ids: [ids[0]!, ids[2]!] })).toEqual([2, 0]);
    expect(await listed({ user_ids: ["u1"], toolkit_slugs: ["github"] })).toEqual([0]);
    expect(await listed({ user_ids: null })).toEqual([3, 2, 1, 0]);
  });

  it("orders by created_at or updated_at, either way", async () => {
    const { composio, fake, ids } = await accounts([
      [MANAGED_GITHUB, "u1"],
      [MANAGED_GITHUB, "u1"],
      [MANAGED_GITHUB, "u1"],
    ]);
    fake.complete(ids[0]!); // the oldest is now the last changed
    const order = async (query: Parameters<typeof composio.connectedAccounts.list>[0]) =>
      (await composio.connectedAccounts.list(query)).items.map((a) => ids.indexOf(a.id));
    expect(await order({ order_by: "created_at", order_direction: "asc" })).toEqual([0, 1, 2]);
    expect(await order({ order_by: "updated_at" })).toEqual([0, 2, 1]);
    expect(await order({ order_by: "updated_at", order_direction: "asc" })).toEqual([1, 2, 0]);
  });

  it("pages: the cursor walks them, with the totals; the last page has no next cursor", async () => {
    const { composio, ids } = await accounts(
      Array.from({ length: 5 }, (): [string, string] => [SERPAPI, "u1"]),
    );
    const pages = [];
    for await (const page of composio.connectedAccounts.list({ limit: 2, order_direction: "asc" }).pages())
      pages.push({ ...page, items: page.items.map((a) => ids.indexOf(a.id)) });
    expect(pages).toEqual([
      { items: [0, 1], next_cursor: expect.any(String), total_pages: 3, current_page: 1, total_items: 5 },
      { items: [2, 3], next_cursor: expect.any(String), total_pages: 3, current_page: 2, total_items: 5 },
      { items: [4], next_cursor: null, total_pages: 3, current_page: 3, total_items: 5 },
    ]);
  });

  it("shared accounts come only when account_type asks for them", async () => {
    const { composio } = await setup();
    const shared = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "u1",
      experimental: { account_type: "SHARED", acl_config_for_shared: { allow_all_users: true } },
    });
    // Answered with every ACL field, as the API answers them; an update changes those it names.
    expect(shared.experimental).toEqual({
      account_type: "SHARED",
      acl_config_for_shared: { allow_all_users: true, allowed_user_ids: [], not_allowed_user_ids: [] },
    });
    await composio.connectedAccounts.update(shared.connected_account_id, {
      experimental: { acl_config_for_shared: { not_allowed_user_ids: ["u9"] } },
    });
    expect((await composio.connectedAccounts.retrieve(shared.connected_account_id)).experimental).toEqual({
      account_type: "SHARED",
      acl_config_for_shared: { allow_all_users: true, allowed_user_ids: [], not_allowed_user_ids: ["u9"] },
    });
    const own = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    const ids = async (account_type?: "PRIVATE" | "SHARED" | "ALL") =>
      (await composio.connectedAccounts.list({ account_type })).items.map((a) => a.id);
    expect(await ids()).toEqual([own.connected_account_id]);
    expect(await ids("SHARED")).toEqual([shared.connected_account_id]);
    expect(await ids("ALL")).toEqual([own.connected_account_id, shared.connected_account_id]);
  });

  it("a wrong option, cursor or filter is the API's 400 naming it; an unknown auth config or toolkit a 404", async () => {
    const { composio, fetch, fake, baseUrl } = await setup();
    const list = (query: Record<string, unknown>) =>
      composio.connectedAccounts.list(query as never, { maxRetries: 0 }).catch((e: unknown) => e);
    expect(await list({ order_by: "name" })).toMatchObject({
      status: 400,
      message: expect.stringContaining("Invalid value for order_by: name"),
      errors: ["order_by must be one of: created_at, updated_at"],
    });
    expect(await list({ order_direction: "up" })).toMatchObject({ status: 400 });
    expect(await list({ account_type: "MINE" })).toMatchObject({ status: 400 });
    expect(await list({ limit: 0 })).toMatchObject({
      status: 400,
      errors: ["limit must be a whole number ≥ 1"],
    });
    expect(await list({ cursor: "not-a-cursor" })).toMatchObject({
      status: 400,
      message: expect.stringContaining("Invalid cursor"),
    });
    expect(await list({ statuses: ["PAUSED"] })).toMatchObject({ status: 400 });
    expect(await list({ auth_config_ids: ["ac_nope"] })).toBeInstanceOf(NotFoundError);
    expect(await list({ toolkit_slugs: ["nope"] })).toMatchObject({ status: 404, slug: "Toolkit_NotFound" });
    // A list sent the OpenAPI default way (the name repeated) is not what the spec declares.
    const repeated = await fetch(`${baseUrl}/api/v3.1/connected_accounts?statuses=ACTIVE&statuses=FAILED`, {
      headers: { "x-api-key": fake.apiKey },
    });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({
      error: { errors: ['statuses is one value, its items joined by ","'] },
    });
  });
});

describe("query parameters the fake does not apply fail loudly, naming them", () => {
  // A filter read and ignored would let a user's test pass wrongly (every user's accounts where
  // one user's were asked for). The names come from ROUTES, so one the spec adds is covered.
  const queried = Object.values(ROUTES).flatMap((r) => (r.query ?? []).map((name) => [r.operation, name]));
  it.each(queried)("the fake applies %s's %s", (operation, name) => {
    expect(
      OPERATIONS[operation]?.query ?? [],
      `The /testing fake ignores the query parameter "${name}" of ${operation}: apply it in src/testing/operations.ts and list it in the operation's \`query\``,
    ).toContain(name);
  });

  const keys = { apiKey: "ak_test", userApiKey: "uak_test" };
  const send = async (door: FakeFrontDoor, query: string) => {
    const outcome = await door.handle({
      method: "GET",
      url: new URL(`https://fake-composio.invalid/api/v3.1/connected_accounts?${query}`),
      headers: new Headers({ "x-api-key": "ak_test" }),
      text: "",
    });
    if (!(outcome instanceof Response)) throw new Error(String(outcome));
    return [outcome.status, ((await outcome.json()) as { error?: { message: string } }).error?.message];
  };

  it("a parameter the spec adds answers 501 naming it, until the fake applies it", async () => {
    const route = "GET /api/v3.1/connected_accounts";
    const table = { ...ROUTES, [route]: { ...ROUTES[route]!, query: [...ROUTES[route]!.query!, "labels"] } };
    const door = new FakeFrontDoor(new FakeStore([], 0), keys, table);
    expect(await send(door, "labels=work&limit=5")).toEqual([
      501,
      expect.stringMatching(
        /^listConnectedAccounts: the query parameter `labels` is not faked yet: composio-connected-accounts\/testing does not apply it/,
      ),
    ]);
    expect(await send(door, "limit=5")).toEqual([200, undefined]);
  });

  it("a parameter the spec does not have is a 400 naming it and the nearest one", async () => {
    const { fake, fetch, baseUrl } = await setup();
    const answer = await fetch(`${baseUrl}/api/v3.1/connected_accounts?user_id=u1`, {
      headers: { "x-api-key": fake.apiKey },
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      error: {
        message: expect.stringMatching(
          /^listConnectedAccounts: unknown query parameter `user_id`; did you mean `user_ids`\?/,
        ),
      },
    });
    const link = await fetch(`${baseUrl}/api/v3.1/connected_accounts/ca_1?revoke=true`, {
      method: "DELETE",
      headers: { "x-api-key": fake.apiKey },
    });
    expect(link.status).toBe(400);
    expect(JSON.stringify(await link.json())).toContain("unknown query parameter `revoke`");
  });
});

describe("update, refresh, completeAuth", () => {
  it("update: a new alias (unique per user and toolkit, 409 when taken; empty clears it), credentials set and removed", async () => {
    const { composio } = await setup();
    const made = (user: string) =>
      composio.connectedAccounts.create({
        auth_config: { id: SERPAPI },
        connection: { user_id: user, state: ApiKeyState.active({ api_key: "k_one_1234" }) },
      });
    const [a, b, other] = [await made("u1"), await made("u1"), await made("u2")];
    expect(await composio.connectedAccounts.update(a.id, { alias: "Work" })).toEqual({
      success: true,
      id: a.id,
      status: "ACTIVE",
    });
    await expect(composio.connectedAccounts.update(b.id, { alias: "Work" })).rejects.toMatchObject({
      status: 409,
      slug: "Conflict",
    });
    await composio.connectedAccounts.update(other.id, { alias: "Work" }); // another user
    await composio.connectedAccounts.update(a.id, {
      connection: {
        state: { authScheme: "API_KEY", val: { api_key: "k_two_5678", api_key_prefix: "Token" } },
      },
    });
    expect(await composio.connectedAccounts.retrieve(a.id)).toMatchObject({
      alias: "Work",
      state: {
        authScheme: "API_KEY",
        val: { status: "ACTIVE", api_key: "k_two_5678", api_key_prefix: "Token" },
      },
    });
    await composio.connectedAccounts.update(a.id, {
      connection: { state: { authScheme: "API_KEY", val: { api_key_prefix: null } } },
    });
    expect((await composio.connectedAccounts.retrieve(a.id)).state.val).toEqual({
      status: "ACTIVE",
      api_key: "k_two_5678",
    });
    await composio.connectedAccounts.update(a.id, { alias: "" });
    expect((await composio.connectedAccounts.retrieve(a.id)).alias).toBeNull();
    await expect(
      composio.connectedAccounts.update(a.id, {
        connection: { state: { authScheme: "BASIC", val: { username: "x" } } },
      }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(`connection.state.authScheme is BASIC; account ${a.id} is API_KEY`),
    });
  });

  it("an alias taken on link or create is the API's 400", async () => {
    const { composio } = await setup();
    await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1", alias: "Work" });
    await expect(
      composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1", alias: "Work" }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('alias "Work" is taken') });
  });

  it("refresh: an ACTIVE OAuth account is INITIATED again with a new page, the old one is dead; 409 and 422 where the API answers them", async () => {
    const { composio, fake, fetch } = await setup();
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "u1",
      callback_url: "https://app.example.com/a",
    });
    const id = link.connected_account_id;
    fake.complete(id);
    const refreshed = await composio.connectedAccounts.refresh(id, {
      redirect_url: "https://app.example.com/b",
    });
    expect(refreshed).toMatchObject({
      id,
      status: "INITIATED",
      redirect_url: expect.stringContaining("/link/"),
    });
    expect(refreshed.redirect_url).not.toBe(link.redirect_url);
    expect((await openPage(fetch, link.redirect_url)).status).toBe(410);
    const page = await openPage(fetch, refreshed.redirect_url!);
    expect(page.location).toBe(`https://app.example.com/b?status=success&connectedAccountId=${id}`);

    const key = await composio.connectedAccounts.create({
      auth_config: { id: SERPAPI },
      connection: { state: ApiKeyState.active({ api_key: "k_one_1234" }) },
    });
    await expect(composio.connectedAccounts.refresh(key.id)).rejects.toBeInstanceOf(ConflictError);
    await composio.connectedAccounts.updateStatus(id, { enabled: false });
    await expect(composio.connectedAccounts.refresh(id)).rejects.toBeInstanceOf(UnprocessableEntityError);
  });

  it("completeAuth: the session completes its account, once, for its own user", async () => {
    const { composio, fake } = await setup();
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    const session = fake.sessionUri(link.connected_account_id);
    expect(fake.sessionUri(link.connected_account_id)).toBe(session);
    await expect(
      composio.connectedAccounts.completeAuth({ user_id: "u2", session_uri: session }),
    ).rejects.toMatchObject({
      status: 400,
    });
    expect(await composio.connectedAccounts.completeAuth({ user_id: "u1", session_uri: session })).toEqual({
      connected_account_id: link.connected_account_id,
      toolkit_slug: "github",
    });
    expect((await composio.connectedAccounts.retrieve(link.connected_account_id)).status).toBe("ACTIVE");
    await expect(
      composio.connectedAccounts.completeAuth({ user_id: "u1", session_uri: session }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(JSON.stringify(fake.requests)).not.toContain(session);
  });

  it("updateStatus and revoke answer 409 for an account not ACTIVE", async () => {
    const { composio } = await setup();
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    await expect(
      composio.connectedAccounts.updateStatus(link.connected_account_id, { enabled: true }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("A INITIATED account cannot be enabled"),
    });
    await expect(composio.connectedAccounts.revoke(link.connected_account_id)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});

describe("404 and 400, in the envelope", () => {
  it("every operation on an account answers 404 for an id it does not know", async () => {
    const { fake, fetch, baseUrl } = await setup();
    // Those the fake implements: one it does not yet fails "the fake implements …" below, once.
    const onAccount = Object.entries(ROUTES).filter(
      ([route, { operation }]) => route.includes("{") && Object.hasOwn(OPERATIONS, operation),
    );
    expect(onAccount.length).toBeGreaterThanOrEqual(6);
    for (const [route, { operation }] of onAccount) {
      const [method, template] = route.split(" ") as [string, string];
      const response = await fetch(baseUrl + template.replace(/\{[^}]+\}/, "ca_unknown"), {
        method,
        headers: { "x-api-key": fake.apiKey, "content-type": "application/json" },
        body:
          method === "PATCH"
            ? JSON.stringify(operation.endsWith("Status") ? { enabled: true } : {})
            : undefined,
      });
      expect([operation, response.status, await response.json()]).toEqual([
        operation,
        404,
        {
          error: expect.objectContaining({
            slug: "ConnectedAccount_NotFound",
            request_id: response.headers.get("x-request-id"),
          }),
        },
      ]);
    }
  });

  it("link and create answer 404 for an auth config the fake does not know", async () => {
    const { composio } = await setup();
    await expect(
      composio.connectedAccounts.link({ auth_config_id: "ac_nope", user_id: "u1" }),
    ).rejects.toMatchObject({
      status: 404,
      slug: "AuthConfig_NotFound",
      message: expect.stringContaining("Auth config ac_nope not found"),
    });
    await expect(
      composio.connectedAccounts.create({ auth_config: { id: "ac_nope" }, connection: {} }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a body the spec refuses is a 400 listing every problem; a state of another scheme a 422", async () => {
    const { composio, fake, fetch, baseUrl } = await setup();
    const error = await composio.connectedAccounts
      .create({
        auth_config: { id: SERPAPI },
        connection: { state: { authScheme: "OAUTH2", val: { status: "ACTIVE" } } },
      } as never)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      message: expect.stringContaining("The body does not match the schema"),
      errors: ["connection.state.val: OAUTH2 ACTIVE requires access_token"],
    });
    const notJson = await fetch(`${baseUrl}/api/v3.1/connected_accounts/link`, {
      method: "POST",
      headers: { "x-api-key": fake.apiKey },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    const empty = await fetch(`${baseUrl}/api/v3.1/connected_accounts/link`, {
      method: "POST",
      headers: { "x-api-key": fake.apiKey },
    });
    expect(await empty.json()).toMatchObject({
      error: { message: "createConnectedAccountLink needs a JSON body" },
    });
    await expect(
      composio.connectedAccounts.create({
        auth_config: { id: SERPAPI },
        connection: { state: { authScheme: "BEARER_TOKEN", val: { status: "ACTIVE", token: "t_123456" } } },
      }),
    ).rejects.toMatchObject({
      status: 422,
      errors: [expect.stringContaining("auth config ac_serpapi takes API_KEY")],
    });
    await expect(
      composio.connectedAccounts.create({
        auth_config: { id: SERPAPI },
        connection: { state: { authScheme: "API_KEY", val: { status: "INACTIVE" } } },
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("not INACTIVE") });
  });

  it("a path of no operation is a 404 in the envelope", async () => {
    const { fake, fetch, baseUrl } = await setup();
    const response = await fetch(`${baseUrl}/api/v3.1/auth_configs`, {
      headers: { "x-api-key": fake.apiKey },
    });
    expect([response.status, await response.json()]).toEqual([
      404,
      {
        error: expect.objectContaining({ slug: "NotFound", message: "No route GET /api/v3.1/auth_configs" }),
      },
    ]);
  });
});

describe("routing by the generated ROUTES table", () => {
  // One test per operation of the spec, so an added one fails once, by name, saying where it goes.
  it.each(Object.values(ROUTES).map((r) => r.operation))("the fake implements %s", (operation) => {
    expect(
      Object.hasOwn(OPERATIONS, operation),
      `The /testing fake does not implement "${operation}": add it to OPERATIONS in src/testing/operations.ts`,
    ).toBe(true);
  });

  it("the fake implements no operation the spec does not have", () => {
    const routed = new Set(Object.values(ROUTES).map((r) => r.operation));
    expect(Object.keys(OPERATIONS).filter((name) => !routed.has(name))).toEqual([]);
  });

  it("an operation the spec adds answers 501, naming it, until the fake implements it; its key rule holds", async () => {
    const table = {
      ...ROUTES,
      "POST /api/v3.1/connected_accounts/{nanoid}/pause": {
        operation: "pauseConnectedAccount",
        idempotent: false,
        credentials: ["x-api-key"],
      },
    };
    const keys = { apiKey: "ak_test", userApiKey: "uak_test" };
    const door = new FakeFrontDoor(new FakeStore([], 0), keys, table);
    const send = async (key: Record<string, string>) => {
      const outcome = await door.handle({
        method: "POST",
        url: new URL("https://backend.composio.dev/api/v3.1/connected_accounts/ca_1/pause"),
        headers: new Headers(key),
        text: "",
      });
      if (!(outcome instanceof Response)) throw new Error(String(outcome));
      return [outcome.status, await outcome.json()];
    };
    expect(await send({ "x-api-key": "ak_test" })).toEqual([
      501,
      {
        error: expect.objectContaining({
          slug: "NotImplemented",
          message: expect.stringMatching(
            /^pauseConnectedAccount \(POST \/api\/v3\.1\/connected_accounts\/ca_1\/pause\) is not faked yet/,
          ),
        }),
      },
    ]);
    expect(await send({ "x-user-api-key": "uak_test" })).toEqual([401, expect.anything()]);
    door.failNext("pauseConnectedAccount", { status: 503 });
    expect(await send({ "x-api-key": "ak_test" })).toEqual([503, expect.anything()]);
  });

  it("a user API key on an operation that takes the project key alone is the API's 401, read from ROUTES", async () => {
    const { fake, fetch, baseUrl, composio } = await setup();
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    const narrowed = Object.entries(ROUTES).filter(
      ([, r]) => r.credentials && !r.credentials.includes("x-user-api-key"),
    );
    expect(narrowed.map(([, r]) => r.operation).sort()).toEqual([
      "completeConnectedAccountAuth",
      "createConnectedAccount",
      "refreshConnectedAccount",
      "revokeConnectedAccount",
      "updateConnectedAccount",
      "updateConnectedAccountStatus",
    ]);
    for (const [route, { operation }] of Object.entries(ROUTES)) {
      const [method, template] = route.split(" ") as [string, string];
      const response = await fetch(baseUrl + template.replace(/\{[^}]+\}/, link.connected_account_id), {
        method,
        headers: { "x-user-api-key": fake.userApiKey },
      });
      const body = (await response.json()) as { error?: { message?: string } };
      if (narrowed.some(([r]) => r === route)) {
        expect([operation, response.status]).toEqual([operation, 401]);
        expect(body.error?.message).toBe(
          `${operation} takes x-api-key only; x-user-api-key is not accepted here`,
        );
      } else expect([operation, response.status]).not.toEqual([operation, 401]);
    }
  });
});

describe("the fake's own checks", () => {
  it("createFakeComposio refuses auth configs it could not serve, naming the entry", () => {
    const bad = (authConfigs: unknown) => () => createFakeComposio({ authConfigs } as never);
    expect(bad(undefined)).toThrow(/pass \{ authConfigs: \[\.\.\.\] \}/);
    expect(bad([{ id: "", toolkit: "x", authScheme: "OAUTH2" }])).toThrow(
      "authConfigs[0].id must be a non-empty string",
    );
    expect(
      bad([
        { id: "ac_1", toolkit: "x", authScheme: "OAUTH2" },
        { id: "ac_1", toolkit: "y", authScheme: "OAUTH2" },
      ]),
    ).toThrow("authConfigs[1].id ac_1 is there twice");
    expect(bad([{ id: "ac_1", toolkit: "x", authScheme: "OAUTH3" }])).toThrow(
      /authConfigs\[0\]\.authScheme is "OAUTH3"; the spec knows OAUTH1, OAUTH2/,
    );
    expect(bad([{ id: "ac_1", toolkit: "x", authScheme: "API_KEY", managed: true }])).toThrow(
      "authConfigs[0].managed: Composio manages OAuth apps only (OAUTH1, OAUTH2, DCR_OAUTH), not API_KEY",
    );
    expect(() => createFakeComposio({ authConfigs: [], now: "yesterday" })).toThrow("`now` is not a date");
  });

  it("complete, fail, advance and sessionUri name what is wrong", async () => {
    const { composio, fake } = await setup();
    expect(() => fake.complete("ca_nope")).toThrow('fake.complete("ca_nope"): no such connected account');
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.complete(link.connected_account_id);
    expect(() => fake.complete(link.connected_account_id)).toThrow(/is ACTIVE; only an INITIATED one waits/);
    expect(() => fake.sessionUri(link.connected_account_id)).toThrow(ComposioError);
    fake.fail(link.connected_account_id);
    expect(() => fake.fail(link.connected_account_id)).toThrow("is FAILED already, which is final");
    expect(() => fake.advance(-1)).toThrow("`ms` must be a number ≥ 0");
    expect(() => fake.advance(Number.NaN)).toThrow(ComposioError);
  });

  it("the clock starts at `now` and moves only with advance()", async () => {
    const fake = createFakeComposio({
      authConfigs: [{ id: "ac_1", toolkit: "x", authScheme: "API_KEY" }],
      now: "2026-03-01T12:00:00Z",
    });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const a = await composio.connectedAccounts.link({ auth_config_id: "ac_1", user_id: "u1" });
    expect(a.expires_at).toBe("2026-03-01T12:10:00.000Z");
    fake.advance(90_000);
    expect(fake.now().toISOString()).toBe("2026-03-01T12:01:30.000Z");
    const b = await composio.connectedAccounts.retrieve(a.connected_account_id);
    expect([b.created_at, b.updated_at]).toEqual(["2026-03-01T12:00:00.000Z", "2026-03-01T12:00:00.000Z"]);
  });

  it("fake.fetch: an aborted signal rejects at once, as fetch does", async () => {
    const fake = createFakeComposio({ authConfigs: [] });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(
      fake.fetch("https://backend.composio.dev/api/v3.1/connected_accounts", { signal: controller.signal }),
    ).rejects.toThrow("stop");
    expect(fake.requests).toHaveLength(0);
  });

  it("the spec check after each test catches a misnamed field, a wrong type and an undeclared status", () => {
    const check = specAnswers();
    const route = "GET /api/v3.1/connected_accounts/ca_1";
    const account: Partial<RetrieveConnectedAccountResponse> = {
      id: "ca_1",
      toolkit: { slug: "github" },
      auth_config: { id: "ac_1", auth_scheme: "OAUTH2", is_composio_managed: false, is_disabled: false },
      user_id: "u1",
      status: "ACTIVE",
      status_reason: null,
      is_disabled: false,
      created_at: "2026-01-01T00:00:00.000Z",
      updated_at: "2026-01-01T00:00:00.000Z",
      state: { authScheme: "OAUTH2", val: { status: "ACTIVE", access_token: "t" } },
      data: {},
      params: {},
      alias: null,
      word_id: null,
    };
    expect(check(route, 200, account)).toEqual([]);
    const { word_id: _, ...missing } = account;
    expect(check(route, 200, missing)).toEqual([
      "RetrievedConnectedAccount must have required property 'word_id'",
    ]);
    expect(check(route, 200, { ...account, is_disabled: "no" })).toEqual([
      "RetrievedConnectedAccount/is_disabled must be boolean",
    ]);
    expect(check(route, 409, account)).toEqual([`${route}: the spec declares no 409 answer`]);
    expect(check("PUT /api/v3.1/connected_accounts/ca_1", 200, account)).toEqual([
      "PUT /api/v3.1/connected_accounts/ca_1: the spec has no such operation",
    ]);
  });
});

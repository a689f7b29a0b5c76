// The three ways to connect an account (issue 9, point 6), each written as a user of this package
// would write it, against the shipped fake Composio (composio-connected-accounts/testing) on
// 127.0.0.1: Composio's own OAuth app through a hosted link, your own OAuth app through create, and
// API keys, with the app waiting while the user finishes on the hosted page. Then the accounts are
// managed: listed (every page, filtered), disabled, revoked and deleted. After each test, every
// answer the client got is held to its schema in the spec and to the response schema of Composio's
// own description (api/upstream/) for that operation and status (helpers/testing-fake.ts); the last
// describe shows that check refusing answers that do not fit.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AccountNotOwnedError,
  ApiKeyState,
  ConnectionFailedError,
  ConnectionNotConfirmedError,
  confirmConnection,
  createComposioClient,
  forUser,
  ManagedOAuthNotSupportedError,
  NotFoundError,
  OAuth2State,
  type ComposioClient,
} from "../src/index.js";
import { createFakeComposio } from "../src/testing.js";
import {
  answerProblems,
  AUTH_CONFIGS,
  MANAGED_GITHUB,
  openPage,
  OWN_GMAIL,
  SERPAPI,
  useFake,
} from "./helpers/testing-fake.js";
import { upstreamAnswers } from "./helpers/spec-schemas.js";

const SERVICE_API_KEY = "serp_fake_service_key_77e1";

const setup = useFake();

/**
 * The fake on 127.0.0.1 and a client of it; `firstPoll` settles once the app's wait has read the
 * account for the first time (so that the user finishes while the app is already waiting).
 */
async function connected() {
  const { fake, fetch, baseUrl, answers } = await setup("listen");
  let polled!: () => void;
  const firstPoll = new Promise<void>((resolve) => (polled = resolve));
  const composio = createComposioClient({
    apiKey: fake.apiKey,
    baseUrl,
    logger: null,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (new Request(input, init).method === "GET") polled();
      return response;
    },
  });
  /** The API calls the fake saw, as `METHOD /path` (hosted pages left out). */
  const apiCalls = () => fake.requests.filter((r) => r.operation).map((r) => `${r.method} ${r.path}`);
  return { fake, composio, fetch, firstPoll, apiCalls, answers };
}

describe("connect an account", () => {
  it("journey 1, Composio-managed OAuth: link, the user finishes on the hosted page while the app waits, ACTIVE", async () => {
    const { composio, fetch, firstPoll, apiCalls } = await connected();
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
      callback_url: "https://app.example.com/connected",
    });
    const waiting = composio.connectedAccounts.waitForConnection(link.connected_account_id);
    // Send the user to link.redirect_url. Here their browser finishes there once the app waits.
    await firstPoll;
    const page = await openPage(fetch, link.redirect_url);
    const account = await waiting;

    expect(account).toMatchObject({
      id: link.connected_account_id,
      status: "ACTIVE",
      toolkit: { slug: "github" },
      state: { authScheme: "OAUTH2", val: { status: "ACTIVE", access_token: expect.any(String) } },
    });
    expect(link.connected_account_id).toMatch(/^ca_[a-z0-9]{12}$/);
    expect(Date.parse(link.expires_at)).toBeGreaterThan(Date.now());
    // The user lands back in the app, told which account it was.
    const callback = new URL(page.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe("https://app.example.com/connected");
    expect(Object.fromEntries(callback.searchParams)).toEqual({
      status: "success",
      connectedAccountId: account.id,
    });
    // One link, then polls: at once (INITIATED), and after the user finished (ACTIVE).
    expect(apiCalls()).toEqual([
      "POST /api/v3.1/connected_accounts/link",
      `GET /api/v3.1/connected_accounts/${account.id}`,
      `GET /api/v3.1/connected_accounts/${account.id}`,
    ]);
  });

  it("create refuses a Composio-managed auth config, and says to use link", async () => {
    const { composio } = await connected();
    const error = await composio.connectedAccounts
      .create({
        auth_config: { id: MANAGED_GITHUB },
        connection: { user_id: "user_42", state: OAuth2State.initializing() },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedOAuthNotSupportedError);
    expect((error as ManagedOAuthNotSupportedError).useInstead).toBe("connectedAccounts.link");
  });

  it("journey 2, your own OAuth app: create, send the user to the redirect URL, wait until ACTIVE", async () => {
    const { composio, fake, fetch, firstPoll, apiCalls } = await connected();
    const created = await composio.connectedAccounts.create({
      auth_config: { id: OWN_GMAIL },
      connection: {
        user_id: "user_42",
        callback_url: "https://app.example.com/oauth/done",
        state: OAuth2State.initializing(),
      },
    });
    const data = created.connectionData;
    if (data.authScheme !== "OAUTH2" || data.val.status !== "INITIATED") {
      throw new Error("The connection did not start");
    }
    expectTypeOf(data.val.redirectUrl).toEqualTypeOf<string>();
    const waiting = composio.connectedAccounts.waitForConnection(created.id);
    // Send the user to data.val.redirectUrl. Here their browser consents once the app waits.
    await firstPoll;
    const page = await openPage(fetch, data.val.redirectUrl);
    const account = await waiting;

    expect(created.status).toBe("INITIATED");
    expect(account).toMatchObject({ id: created.id, status: "ACTIVE", user_id: "user_42" });
    expect(new URL(page.location!).searchParams.get("connectedAccountId")).toBe(created.id);
    expect(page.location!.startsWith("https://app.example.com/oauth/done?")).toBe(true);
    expect(apiCalls()[0]).toBe("POST /api/v3.1/connected_accounts");
    expect(fake.requests[0]!.body).toEqual({
      auth_config: { id: OWN_GMAIL },
      connection: {
        user_id: "user_42",
        callback_url: "https://app.example.com/oauth/done",
        state: { authScheme: "OAUTH2", val: { status: "INITIALIZING" } },
      },
    });
  });

  it("journey 3, API keys: create with the key, ACTIVE at once", async () => {
    const { composio, apiCalls } = await connected();
    const account = await composio.connectedAccounts.create({
      auth_config: { id: SERPAPI },
      connection: {
        user_id: "user_42",
        state: ApiKeyState.active({ api_key: SERVICE_API_KEY }),
      },
    });

    expect(account.status).toBe("ACTIVE");
    expect(account.connectionData).toEqual({
      authScheme: "API_KEY",
      val: { status: "ACTIVE", api_key: SERVICE_API_KEY },
    });
    // Nothing to wait for: retrieve says ACTIVE already.
    const retrieved = await composio.connectedAccounts.retrieve(account.id);
    expect(retrieved).toMatchObject({ status: "ACTIVE", toolkit: { slug: "serpapi" }, is_disabled: false });
    expect(apiCalls()).toEqual([
      "POST /api/v3.1/connected_accounts",
      `GET /api/v3.1/connected_accounts/${account.id}`,
    ]);
  });

  it("the user says no on the OAuth screen: waitForConnection ends with ConnectionFailedError", async () => {
    const { composio, fetch, firstPoll } = await connected();
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
    });
    const waiting = composio.connectedAccounts
      .waitForConnection(link.connected_account_id)
      .catch((e: unknown) => e);
    await firstPoll;
    const page = await openPage(fetch, link.redirect_url, { deny: true });
    const error = await waiting;

    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({
      status: "FAILED",
      statusReason: "OAuth callback failed during token exchange",
      account: { id: link.connected_account_id },
    });
    expect(page.location).toBeNull(); // no callback_url: the hosted page is where the user stays
  });
});

describe("manage the accounts", () => {
  it("list the user's accounts (every page, filtered), disable one, revoke one, delete one, list again", async () => {
    const { composio, fake } = await connected();
    const connectWithKey = async (userId: string) =>
      (
        await composio.connectedAccounts.create({
          auth_config: { id: SERPAPI },
          connection: { user_id: userId, state: ApiKeyState.active({ api_key: SERVICE_API_KEY }) },
        })
      ).id;
    const connectWithLink = async (userId: string, complete = true) => {
      const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: userId });
      if (complete) fake.complete(link.connected_account_id); // the user finished on the hosted page
      return link.connected_account_id;
    };
    const github1 = await connectWithLink("user_42");
    const github2 = await connectWithLink("user_42");
    const serpapi = await connectWithKey("user_42");
    const pending = await connectWithLink("user_42", false); // the user never came back
    await connectWithKey("user_7"); // someone else's
    const listQueries = () =>
      fake.requests.filter((r) => r.operation === "listConnectedAccounts").map((r) => r.query);

    // Every ACTIVE account of user_42, newest first, two to a page.
    const active: string[] = [];
    for await (const account of composio.connectedAccounts.list({
      user_ids: ["user_42"],
      statuses: ["ACTIVE"],
      limit: 2,
    })) {
      active.push(account.id);
    }
    expect(active).toEqual([serpapi, github2, github1]);
    expect(listQueries()).toEqual([
      { user_ids: "user_42", statuses: "ACTIVE", limit: "2" },
      { user_ids: "user_42", statuses: "ACTIVE", limit: "2", cursor: expect.stringMatching(/^\S+$/) },
    ]);

    await composio.connectedAccounts.updateStatus(github1, { enabled: false }); // → INACTIVE
    const revoked = await composio.connectedAccounts.revoke(github2); // → REVOKED
    await composio.connectedAccounts.delete(serpapi); // gone from lists

    expect(revoked).toEqual({
      revoked_tokens: ["access_token", "refresh_token"],
      connected_account: { id: github2, status: "REVOKED" },
    });
    const statuses: Record<string, string> = {};
    for await (const account of composio.connectedAccounts.list({ user_ids: ["user_42"], limit: 2 })) {
      statuses[account.id] = String(account.status);
    }
    expect(statuses).toEqual({ [pending]: "INITIATED", [github2]: "REVOKED", [github1]: "INACTIVE" });

    // Two statuses at once, comma-joined in the query (sent twice, the fake would see the last only).
    const ended = await composio.connectedAccounts.list({ statuses: ["INACTIVE", "REVOKED"] });
    expect(ended.items.map((a) => [a.id, a.status_reason])).toEqual([
      [github2, "Revoked via user-initiated revoke endpoint"],
      [github1, "Connection status updated by user"],
    ]);
    expect(ended).toMatchObject({ next_cursor: null, total_items: 2, total_pages: 1, current_page: 1 });
    expect(listQueries().at(-1)).toEqual({ statuses: "INACTIVE,REVOKED" });

    // The deleted one is gone; deleting it again finds nothing.
    await expect(composio.connectedAccounts.retrieve(serpapi)).rejects.toBeInstanceOf(NotFoundError);
    await expect(composio.connectedAccounts.delete(serpapi)).rejects.toBeInstanceOf(NotFoundError);
    // The disabled one can be enabled again.
    await composio.connectedAccounts.updateStatus(github1, { enabled: true });
    expect(await composio.connectedAccounts.retrieve(github1)).toMatchObject({
      status: "ACTIVE",
      status_reason: null,
      is_disabled: false,
    });
  });
});

/**
 * The README's recipes for apps with many users (Apps with many users), as written there, on a
 * client of the app's: each takes the user the app's session says is signed in.
 */
function manyUsersApp(composio: ComposioClient) {
  interface Session {
    linkedAccountId?: string;
  }
  const LINK_LIFE_MS = 15 * 60_000;
  async function disconnect(userId: string, id: string): Promise<Response> {
    const accounts = forUser(composio, userId);
    try {
      await accounts.delete(id, { revoke_on_delete: true });
      return new Response(null, { status: 204 });
    } catch (error) {
      if (error instanceof AccountNotOwnedError) return new Response("Not found", { status: 404 });
      throw error;
    }
  }
  async function startConnecting(userId: string, session: Session): Promise<Response> {
    const link = await forUser(composio, userId).linkOrReuse(
      { auth_config_id: MANAGED_GITHUB, callback_url: "https://app.example.com/connected" },
      { pendingAccountId: session.linkedAccountId },
    );
    session.linkedAccountId = link.connected_account_id;
    return Response.redirect(link.redirect_url, 302);
  }
  async function connected(request: Request, userId: string, session: Session) {
    try {
      const account = await confirmConnection(composio, request.url, {
        userId,
        expectedAccountId: session.linkedAccountId,
      });
      return new Response(`${account.toolkit.slug} connected`);
    } catch (error) {
      const foreign =
        error instanceof ConnectionNotConfirmedError &&
        (error.reason === "other-user" || error.reason === "other-link");
      if (!foreign || error.accountId === undefined) throw error;
      await dropForeignLink(error.accountId, userId);
      return new Response("That link was not made for you: connect again from your account.", {
        status: 400,
      });
    }
  }
  async function dropForeignLink(id: string, userId: string): Promise<void> {
    const account = await composio.connectedAccounts.retrieve(id).catch(() => undefined);
    if (account === undefined || account.user_id === userId) return;
    if (Date.now() - Date.parse(account.created_at) > LINK_LIFE_MS) return;
    await composio.connectedAccounts.delete(id, { revoke_on_delete: true });
  }
  return { disconnect, startConnecting, connected };
}

describe("apps with many users", () => {
  it("a route that deletes by an id from the request: another user's account is refused with a 404 and left alone", async () => {
    const { composio, fake, apiCalls } = await connected();
    const app = manyUsersApp(composio);
    const mine = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
    });
    fake.complete(mine.connected_account_id);
    const before = apiCalls().length;

    expect((await app.disconnect("user_7", mine.connected_account_id)).status).toBe(404);
    expect((await composio.connectedAccounts.retrieve(mine.connected_account_id)).status).toBe("ACTIVE");
    expect((await app.disconnect("user_42", mine.connected_account_id)).status).toBe(204);
    await expect(composio.connectedAccounts.retrieve(mine.connected_account_id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // Each check is one list, filtered by the API; the write of user_7 was never sent.
    expect(
      apiCalls()
        .slice(before)
        .map((call) => call.split("?")[0]),
    ).toEqual([
      "GET /api/v3.1/connected_accounts",
      `GET /api/v3.1/connected_accounts/${mine.connected_account_id}`,
      "GET /api/v3.1/connected_accounts",
      `DELETE /api/v3.1/connected_accounts/${mine.connected_account_id}`,
      `GET /api/v3.1/connected_accounts/${mine.connected_account_id}`,
    ]);
  });

  it("a double click makes one account; the user finishes, the callback of this session confirms it; cleanUp removes the failed ones", async () => {
    const { composio, fake, fetch } = await connected();
    const app = manyUsersApp(composio);
    const session = {};
    const first = await app.startConnecting("user_42", session);
    const second = await app.startConnecting("user_42", session);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccountLink")).toHaveLength(1);

    const page = await openPage(fetch, first.headers.get("location")!);
    const confirmed = await app.connected(new Request(page.location!), "user_42", session);
    expect([confirmed.status, await confirmed.text()]).toEqual([200, "github connected"]);

    // Two attempts that failed, and one of another user: cleanUp deletes the user's two only.
    const failed: string[] = [];
    for (const userId of ["user_42", "user_42", "user_7"]) {
      const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: userId });
      fake.fail(link.connected_account_id);
      failed.push(link.connected_account_id);
    }
    const result = await forUser(composio, "user_42").cleanUp();
    expect({ ...result, deleted: [...result.deleted].sort() }).toEqual({
      deleted: failed.slice(0, 2).sort(),
      more: false,
    });
    const left = await forUser(composio, "user_42").list();
    expect(left.items.map((a) => [a.status, a.toolkit.slug])).toEqual([["ACTIVE", "github"]]);
    expect((await composio.connectedAccounts.retrieve(failed[2]!)).status).toBe("FAILED");
  });

  it("two people who share a user_id click at once: each session gets and confirms its own link", async () => {
    const { composio, fake } = await connected();
    const app = manyUsersApp(composio);
    const [alice, bob] = [{} as { linkedAccountId?: string }, {} as { linkedAccountId?: string }];
    const toAlice = await app.startConnecting("team_1", alice);
    const toBob = await app.startConnecting("team_1", bob);
    expect(toBob.headers.get("location")).not.toBe(toAlice.headers.get("location"));
    // Bob clicks again: his own link back, not Alice's.
    expect((await app.startConnecting("team_1", bob)).headers.get("location")).toBe(
      toBob.headers.get("location"),
    );
    const page = await openPage(fake.fetch, toAlice.headers.get("location")!);
    const inBobs = await app.connected(new Request(page.location!), "team_1", bob);
    expect(inBobs.status).toBe(400);
    const inAlices = await app.connected(new Request(page.location!), "team_1", alice);
    expect([inAlices.status, await inAlices.text()]).toEqual([200, "github connected"]);
  });

  it("someone else's link finished in this user's browser: refused and deleted; a made-up callback naming an old account deletes nothing", async () => {
    // The fake's clock starts 20 minutes back: user_99's account is 20 minutes old when the rest happens.
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS, now: Date.now() - 20 * 60_000 });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, logger: null });
    const app = manyUsersApp(composio);
    const old = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "user_99" });
    fake.complete(old.connected_account_id);
    fake.advance(20 * 60_000);

    // user_7 starts a link in their own session and gets user_42 to open it; user_42 finishes it.
    const attacker = await app.startConnecting("user_7", {});
    const page = await openPage(fake.fetch, attacker.headers.get("location")!);
    const callback = new URL(page.location!);
    const planted = callback.searchParams.get("connectedAccountId")!;
    expect((await composio.connectedAccounts.retrieve(planted)).status).toBe("ACTIVE");

    // user_42 never started one (no linkedAccountId): the account is another user's.
    const answer = await app.connected(new Request(callback), "user_42", {});
    expect(answer.status).toBe(400);
    await expect(composio.connectedAccounts.retrieve(planted)).rejects.toBeInstanceOf(NotFoundError);
    expect(fake.requests.at(-2)).toMatchObject({
      operation: "deleteConnectedAccount",
      query: { revoke_on_delete: "true" },
    });

    // With a link of their own in the session, the callback is another link's: the same ending.
    const replay = await app.startConnecting("user_7", {});
    const replayed = new URL((await openPage(fake.fetch, replay.headers.get("location")!)).location!);
    const session = {};
    await app.startConnecting("user_42", session);
    expect((await app.connected(new Request(replayed), "user_42", session)).status).toBe(400);
    await expect(
      composio.connectedAccounts.retrieve(replayed.searchParams.get("connectedAccountId")!),
    ).rejects.toBeInstanceOf(NotFoundError);

    // A made-up callback naming user_99's 20-minute-old account: refused, and the account stays.
    const forged = new Request(
      `https://app.example.com/connected?status=success&connectedAccountId=${old.connected_account_id}`,
    );
    expect((await app.connected(forged, "user_42", {})).status).toBe(400);
    expect((await composio.connectedAccounts.retrieve(old.connected_account_id)).status).toBe("ACTIVE");
  });
});

describe("the check after each test refuses an answer that fits neither the spec nor upstream's description", () => {
  it("a missing, misnamed or mistyped field in an answer the fake gave is caught, naming the route, status and field", async () => {
    const { composio, answers } = await connected();
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
    });
    await composio.connectedAccounts.retrieve(link.connected_account_id);
    const [linked, retrieved] = answers;
    expect(answerProblems([linked!, retrieved!])).toEqual([]);

    const { redirect_url, ...rest } = link;
    expect(answerProblems([{ ...linked!, body: { ...rest, redirectUrl: redirect_url } }])).toEqual([
      expect.stringMatching(
        /^POST \/api\/v3\.1\/connected_accounts\/link → 201: .* must have required property 'redirect_url'$/,
      ),
      expect.stringMatching(
        /^POST \/api\/v3\.1\/connected_accounts\/link → 201: .* must have required property 'redirect_url'$/,
      ),
    ]);
    const { word_id: _wordId, ...withoutWordId } = retrieved!.body as Record<string, unknown>;
    expect(answerProblems([{ ...retrieved!, body: withoutWordId }])).toEqual([
      expect.stringMatching(
        /^GET .* → 200: RetrievedConnectedAccount must have required property 'word_id'$/,
      ),
      expect.stringMatching(/^GET .* → 200: .*\{nanoid\} 200 must have required property 'word_id'$/),
    ]);
    expect(
      answerProblems([{ ...retrieved!, body: { ...(retrieved!.body as object), is_disabled: "no" } }]),
    ).toEqual([
      expect.stringMatching(/RetrievedConnectedAccount\/is_disabled must be boolean$/),
      expect.stringMatching(/200\/is_disabled must be boolean$/),
    ]);
    expect(answerProblems([{ ...retrieved!, status: 409 }])).toEqual([
      expect.stringMatching(/: the spec declares no 409 answer$/),
      expect.stringMatching(/: upstream declares no 409 answer with a JSON body$/),
    ]);
  });

  it("upstream's description: a value our spec adds deliberately (differences.yaml) passes, any other does not", async () => {
    const { composio, answers } = await connected();
    const { id } = await composio.connectedAccounts.create({
      auth_config: { id: SERPAPI },
      connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: "serp_key_1" }) },
    });
    await composio.connectedAccounts.retrieve(id);
    const { route, status, body } = answers.at(-1)!;
    const checkUpstream = upstreamAnswers();
    expect(checkUpstream(route, status, body)).toEqual([]);
    const revoked = { ...(body as object), state: { authScheme: "OAUTH2", val: { status: "REVOKED" } } };
    expect(checkUpstream(route, status, revoked)).toEqual([]);
    const paused = { ...(body as object), state: { authScheme: "OAUTH2", val: { status: "PAUSED" } } };
    expect(checkUpstream(route, status, paused)).toEqual([
      expect.stringMatching(/200\/state\/val\/status must be equal to one of the allowed values$/),
    ]);
    expect(checkUpstream(route.replace(/^GET/, "PUT"), status, body)).toEqual([
      `${route.replace(/^GET/, "PUT")}: upstream describes no such operation`,
    ]);
  });
});

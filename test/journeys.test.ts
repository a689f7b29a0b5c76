// The three ways to connect an account (issue 9, point 6), each written as a user of this package
// would write it, against a fake Composio on 127.0.0.1 (test/helpers/fake-composio.ts): Composio's
// own OAuth app through a hosted link, your own OAuth app through create, and API keys. Then the
// accounts are managed: listed (every page, filtered), disabled, revoked and deleted. After each
// test, every answer the fake gave is checked against its schema in the spec, and against the
// response schema of Composio's own description (api/upstream/) for that operation and status: the
// fake cannot drift with our spec.
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  ApiKeyState,
  ConnectionFailedError,
  createComposioClient,
  ManagedOAuthNotSupportedError,
  NotFoundError,
  OAuth2State,
  type ComposioClient,
} from "../src/index.js";
import {
  startFakeComposio,
  userCompletes,
  type FakeAuthConfig,
  type FakeComposio,
} from "./helpers/fake-composio.js";
import { specSchemas, upstreamAnswers } from "./helpers/spec-schemas.js";

const COMPOSIO_API_KEY = "ak_fake_project_key_0d9c";
const SERVICE_API_KEY = "serp_fake_service_key_77e1";

/** The auth configs of the fake project. */
const MANAGED_GITHUB = "ac_3c4d5e6f7a8b"; // Composio's own OAuth app
const OWN_GITHUB = "ac_9z8y7x6w5v4u"; // your OAuth app
const SERPAPI = "ac_1a2b3c4d5e6f"; // an API key
const AUTH_CONFIGS: Record<string, FakeAuthConfig> = {
  [MANAGED_GITHUB]: { toolkit: "github", authScheme: "OAUTH2", composioManaged: true },
  [OWN_GITHUB]: { toolkit: "github", authScheme: "OAUTH2" },
  [SERPAPI]: { toolkit: "serpapi", authScheme: "API_KEY" },
};

const checkAnswer = specSchemas();
const checkUpstream = upstreamAnswers();
let fake: FakeComposio;
let composio: ComposioClient;

beforeEach(async () => {
  fake = await startFakeComposio(COMPOSIO_API_KEY, AUTH_CONFIGS);
  composio = createComposioClient({ apiKey: COMPOSIO_API_KEY, baseUrl: fake.url });
});

afterEach(async () => {
  await fake.close();
  expect(fake.answers.length).toBeGreaterThan(0);
  for (const { route, status, schema, body } of fake.answers) {
    expect(checkAnswer(schema, body), `${route} → ${status} ${schema}`).toEqual([]);
    expect(checkUpstream(route, status, body), `${route} → ${status}, upstream`).toEqual([]);
  }
});

/** The requests the fake saw, as `METHOD /path?query`, hosted pages left out. */
const apiCalls = () => fake.requests.map((r) => `${r.method} ${r.url}`).filter((r) => r.includes(" /api/"));

describe("connect an account", () => {
  it("journey 1, Composio-managed OAuth: link, the user completes the hosted page, wait until ACTIVE", async () => {
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
      callback_url: "https://app.example.com/connected",
    });
    // Send the user to link.redirect_url. Here their browser completes the page 300 ms later.
    const browser = userCompletes(link.redirect_url, { afterMs: 300 });

    const account = await composio.connectedAccounts.waitForConnection(link.connected_account_id);

    expect(account).toMatchObject({
      id: link.connected_account_id,
      status: "ACTIVE",
      toolkit: { slug: "github" },
      state: { authScheme: "OAUTH2", val: { status: "ACTIVE", access_token: expect.stringMatching(/^at_/) } },
    });
    expect(link.connected_account_id).toMatch(/^ca_[0-9a-f]{12}$/);
    expect(Date.parse(link.expires_at)).toBeGreaterThan(Date.now());
    // The user lands back in the app, told which account it was.
    expect(await browser).toBe(
      `https://app.example.com/connected?status=success&connected_account_id=${account.id}`,
    );
    // One link, then polls: at once (INITIATED), and after about a second (ACTIVE).
    expect(apiCalls()).toEqual([
      "POST /api/v3.1/connected_accounts/link",
      `GET /api/v3.1/connected_accounts/${account.id}`,
      `GET /api/v3.1/connected_accounts/${account.id}`,
    ]);
  });

  it("create refuses a Composio-managed auth config, and says to use link", async () => {
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
    const created = await composio.connectedAccounts.create({
      auth_config: { id: OWN_GITHUB },
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
    // Send the user to data.val.redirectUrl. Here their browser completes the screen 300 ms later.
    const browser = userCompletes(data.val.redirectUrl, { afterMs: 300 });

    const account = await composio.connectedAccounts.waitForConnection(created.id);

    expect(created.status).toBe("INITIATED");
    expect(account).toMatchObject({ id: created.id, status: "ACTIVE", user_id: "user_42" });
    expect(await browser).toBe(
      `https://app.example.com/oauth/done?status=success&connected_account_id=${created.id}`,
    );
    expect(apiCalls()[0]).toBe("POST /api/v3.1/connected_accounts");
    expect(JSON.parse(fake.requests[0]!.body)).toEqual({
      auth_config: { id: OWN_GITHUB },
      connection: {
        user_id: "user_42",
        callback_url: "https://app.example.com/oauth/done",
        state: { authScheme: "OAUTH2", val: { status: "INITIALIZING" } },
      },
    });
  });

  it("journey 3, API keys: create with the key, ACTIVE at once", async () => {
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
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
    });
    const browser = userCompletes(link.redirect_url, { afterMs: 100, deny: true });

    const error = await composio.connectedAccounts
      .waitForConnection(link.connected_account_id)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({
      status: "FAILED",
      statusReason: "OAuth callback failed during token exchange",
      account: { id: link.connected_account_id, state: { val: { error: "access_denied" } } },
    });
    expect(await browser).toBeNull(); // no callback_url: the hosted page is where the user stays
  });
});

describe("manage the accounts", () => {
  /** An account for `userId` through each way in; the OAuth user completes at once. */
  const connectWithKey = async (userId: string) =>
    (
      await composio.connectedAccounts.create({
        auth_config: { id: SERPAPI },
        connection: { user_id: userId, state: ApiKeyState.active({ api_key: SERVICE_API_KEY }) },
      })
    ).id;
  const connectWithLink = async (userId: string, complete = true) => {
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: userId });
    if (complete) await userCompletes(link.redirect_url);
    return link.connected_account_id;
  };

  it("list the user's accounts (every page, filtered), disable one, revoke one, delete one, list again", async () => {
    const github1 = await connectWithLink("user_42");
    const github2 = await connectWithLink("user_42");
    const serpapi = await connectWithKey("user_42");
    const pending = await connectWithLink("user_42", false); // the user never came back
    await connectWithKey("user_7"); // someone else's
    fake.requests.length = 0;

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
    expect(apiCalls()).toEqual([
      "GET /api/v3.1/connected_accounts?user_ids=user_42&statuses=ACTIVE&limit=2",
      expect.stringMatching(
        /^GET \/api\/v3\.1\/connected_accounts\?user_ids=user_42&statuses=ACTIVE&limit=2&cursor=\w+$/,
      ),
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

    // Two statuses at once, comma-joined in the query.
    const ended = await composio.connectedAccounts.list({ statuses: ["INACTIVE", "REVOKED"] });
    expect(ended.items.map((a) => [a.id, a.status_reason])).toEqual([
      [github2, "Revoked via user-initiated revoke endpoint"],
      [github1, "Connection status updated by user"],
    ]);
    expect(ended).toMatchObject({ next_cursor: null, total_items: 2, total_pages: 1, current_page: 1 });
    expect(apiCalls().at(-1)).toBe("GET /api/v3.1/connected_accounts?statuses=INACTIVE,REVOKED");

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

describe("the fake's answers are checked against the spec and against upstream's description", () => {
  it("a misnamed or missing field is caught", async () => {
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
    });
    expect(checkAnswer("ConnectedAccountLink", link)).toEqual([]);
    const { redirect_url, ...rest } = link;
    expect(checkAnswer("ConnectedAccountLink", { ...rest, redirectUrl: redirect_url })).toEqual([
      "ConnectedAccountLink must have required property 'redirect_url'",
    ]);
    expect(checkAnswer("ConnectedAccountLink", { ...link, expires_at: "tomorrow" })).toEqual([
      'ConnectedAccountLink/expires_at must match format "date-time"',
    ]);
  });

  it("an answer upstream's description refuses is refused, naming the operation, status and field", async () => {
    const { id } = await composio.connectedAccounts.create({
      auth_config: { id: SERPAPI },
      connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: "serp_key_1" }) },
    });
    const account = await composio.connectedAccounts.retrieve(id);
    const { route, status } = fake.answers.at(-1)!;
    expect(checkUpstream(route, status, account)).toEqual([]);
    const { word_id: _wordId, ...withoutWordId } = account;
    // v3.1 requires `word_id`, null or a string.
    expect(checkUpstream(route, status, withoutWordId)).toEqual([
      expect.stringMatching(
        /^GET \/api\/v3\.1\/connected_accounts\/\{nanoid\} 200 must have required property 'word_id'$/,
      ),
    ]);
    expect(checkUpstream(route, status, { ...account, is_disabled: "no" })).toEqual([
      expect.stringMatching(/200\/is_disabled must be boolean$/),
    ]);
    // A value our spec adds deliberately (recorded in differences.yaml) passes; any other does not.
    const revoked = { ...account, state: { authScheme: "OAUTH2", val: { status: "REVOKED" } } };
    expect(checkUpstream(route, status, revoked)).toEqual([]);
    const paused = { ...account, state: { authScheme: "OAUTH2", val: { status: "PAUSED" } } };
    expect(checkUpstream(route, status, paused)).toEqual([
      expect.stringMatching(/200\/state\/val\/status must be equal to one of the allowed values$/),
    ]);
    expect(checkUpstream(route, 409, account)).toEqual([
      `${route}: upstream declares no 409 answer with a JSON body`,
    ]);
    expect(checkUpstream(route.replace(/^GET/, "PUT"), status, account)).toEqual([
      `${route.replace(/^GET/, "PUT")}: upstream describes no such operation`,
    ]);
  });
});

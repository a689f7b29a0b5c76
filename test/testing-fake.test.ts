// composio-connected-accounts/testing, as a user's test suite drives it: every journey of the README
// (Composio-managed OAuth with the hosted page, your own OAuth app, API keys; list, disable, revoke,
// delete) and the failure cases (a failed or declined connection, the ten-minute expiry, faults
// with the client's retry rules), in process (`fake.fetch`) and on 127.0.0.1 (`fake.listen()`).
// Every answer the client gets is held to the spec after each test (helpers/testing-fake.ts).
import { describe, expect, it } from "vitest";
import {
  ApiKeyState,
  AuthenticationError,
  ComposioConnectionError,
  ComposioError,
  ComposioTimeoutError,
  ConflictError,
  ConnectionFailedError,
  confirmConnection,
  createComposioClient,
  InternalServerError,
  ManagedOAuthNotSupportedError,
  NotFoundError,
  OAuth2State,
  RateLimitError,
} from "../src/index.js";
import { createFakeComposio } from "../src/testing.js";
import { HANG_MS, lastJson, runScript } from "./helpers/child.js";
import {
  AUTH_CONFIGS,
  MANAGED_GITHUB,
  openPage,
  OWN_GMAIL,
  SERPAPI,
  useFake,
  type Transport,
} from "./helpers/testing-fake.js";

const setup = useFake();
const TRANSPORTS: Transport[] = ["fetch", "listen"];
const TEN_MINUTES = 10 * 60_000;

describe.each(TRANSPORTS)("the README's journeys, through %s", (transport) => {
  it("1. Composio-managed OAuth: link, the user finishes on the hosted page, the callback route confirms", async () => {
    const { fake, composio, fetch } = await setup(transport);
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
      callback_url: "https://app.example.com/connected?from=settings",
    });
    expect(link.connected_account_id).toMatch(/^ca_[a-z0-9]{12}$/);
    // The hosted page is the fake's: on the listening server, or its own origin that fake.fetch serves.
    expect(new URL(link.redirect_url).origin).toBe(fake.baseUrl);
    expect(Date.parse(link.expires_at)).toBe(fake.now().getTime() + TEN_MINUTES);
    expect((await composio.connectedAccounts.retrieve(link.connected_account_id)).status).toBe("INITIATED");

    // The user's browser, following the redirect by hand: the page sends it back to the app with
    // the app's own query kept and Composio's added.
    const page = await openPage(fetch, link.redirect_url);
    expect(page.status).toBe(302);
    const callback = new URL(page.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe("https://app.example.com/connected");
    expect(Object.fromEntries(callback.searchParams)).toEqual({
      from: "settings",
      status: "success",
      connectedAccountId: link.connected_account_id,
    });

    const account = await confirmConnection(composio, callback.href, { userId: "user_42" });
    expect(account).toMatchObject({
      id: link.connected_account_id,
      status: "ACTIVE",
      status_reason: null,
      toolkit: { slug: "github" },
      auth_config: { id: MANAGED_GITHUB, is_composio_managed: true },
      state: { authScheme: "OAUTH2", val: { status: "ACTIVE", access_token: expect.any(String) } },
    });
    // The page was used: opening it again changes nothing.
    expect((await openPage(fetch, link.redirect_url)).status).toBe(410);
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccountLink")).toHaveLength(1);
  });

  it("1b. the same, waiting instead: complete() is the user finishing, waitForConnection resolves", async () => {
    const { fake, composio } = await setup(transport);
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.complete(link.connected_account_id);
    const account = await composio.connectedAccounts.waitForConnection(link.connected_account_id);
    expect(account.status).toBe("ACTIVE");
    expect(fake.requests.map((r) => r.operation)).toEqual([
      "createConnectedAccountLink",
      "retrieveConnectedAccount",
    ]);
  });

  it("2. your own OAuth app: create INITIALIZING, the user consents at the provider's URL, confirmed", async () => {
    const { composio, fetch } = await setup(transport);
    const created = await composio.connectedAccounts.create({
      auth_config: { id: OWN_GMAIL },
      connection: {
        user_id: "user_42",
        callback_url: "https://app.example.com/oauth/done",
        state: OAuth2State.initializing(),
      },
    });
    const data = created.connectionData;
    expect(created.status).toBe("INITIATED");
    if (!(data.authScheme === "OAUTH2" && data.val.status === "INITIATED")) throw new Error("not INITIATED");
    expect(data.val.callback_url).toBe("https://app.example.com/oauth/done");
    expect(created.redirect_url).toBe(data.val.redirectUrl);

    const page = await openPage(fetch, data.val.redirectUrl);
    const account = await confirmConnection(composio, page.location!, { userId: "user_42" });
    expect(account).toMatchObject({ id: created.id, status: "ACTIVE", toolkit: { slug: "gmail" } });
  });

  it("3. API keys: create, ACTIVE at once; the fake records the request with the key redacted", async () => {
    const { fake, composio } = await setup(transport);
    const serviceKey = "serp_live_4f9c2a7b1e";
    const created = await composio.connectedAccounts.create({
      auth_config: { id: SERPAPI },
      connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: serviceKey }) },
    });
    expect(created).toMatchObject({ status: "ACTIVE", redirect_url: null, redirect_uri: null });
    const account = await composio.connectedAccounts.retrieve(created.id);
    expect(account.state).toEqual({ authScheme: "API_KEY", val: { status: "ACTIVE", api_key: serviceKey } });

    const [create] = fake.requests;
    expect(create).toMatchObject({
      method: "POST",
      operation: "createConnectedAccount",
      path: expect.stringMatching(/\/connected_accounts$/),
      body: { connection: { state: { val: { status: "ACTIVE", api_key: "[redacted]" } } } },
      headers: { "x-api-key": "[redacted]", "content-type": "application/json" },
    });
    expect(JSON.stringify(fake.requests)).not.toContain(serviceKey);
    expect(JSON.stringify(fake.requests)).not.toContain(fake.apiKey);
  });

  it("create with a Composio-managed OAuth auth config: ManagedOAuthNotSupportedError, pointing to link", async () => {
    const { composio } = await setup(transport);
    const error = await composio.connectedAccounts
      .create({ auth_config: { id: MANAGED_GITHUB }, connection: { user_id: "user_42" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedOAuthNotSupportedError);
    expect(error).toMatchObject({ status: 400, slug: "ConnectedAccount_BadRequest", code: 600 });
    expect((error as Error).message).toMatch(/POST \/api\/v3\.1\/connected_accounts\/link/);
    expect((await composio.connectedAccounts.list()).total_items).toBe(0);
  });

  it("then: list a user's accounts (every page), disable one, enable it, revoke, delete", async () => {
    const { composio, fake } = await setup(transport);
    const ids: string[] = [];
    for (const user of ["user_42", "user_42", "user_7", "user_42", "user_42"]) {
      const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: user });
      fake.complete(link.connected_account_id);
      ids.push(link.connected_account_id);
    }
    const mine = ids.filter((_, i) => i !== 2);
    const listed: string[] = [];
    for await (const account of composio.connectedAccounts.list({
      user_ids: ["user_42"],
      statuses: ["ACTIVE"],
      limit: 2,
    }))
      listed.push(account.id);
    expect(listed).toEqual([...mine].reverse()); // newest first, two pages
    expect(fake.requests.filter((r) => r.operation === "listConnectedAccounts").map((r) => r.query)).toEqual([
      { user_ids: "user_42", statuses: "ACTIVE", limit: "2" },
      { user_ids: "user_42", statuses: "ACTIVE", limit: "2", cursor: expect.any(String) },
    ]);

    const id = mine[0]!;
    await composio.connectedAccounts.updateStatus(id, { enabled: false });
    expect(await composio.connectedAccounts.retrieve(id)).toMatchObject({
      status: "INACTIVE",
      is_disabled: true,
      status_reason: "Connection status updated by user",
      state: { val: { status: "INACTIVE", access_token: expect.any(String) } },
    });
    await composio.connectedAccounts.updateStatus(id, { enabled: true });
    expect(await composio.connectedAccounts.retrieve(id)).toMatchObject({
      status: "ACTIVE",
      is_disabled: false,
    });

    const revoked = await composio.connectedAccounts.revoke(id);
    expect(revoked).toEqual({
      revoked_tokens: ["access_token", "refresh_token"],
      connected_account: { id, status: "REVOKED" },
    });
    expect(await composio.connectedAccounts.retrieve(id)).toMatchObject({
      status: "REVOKED",
      status_reason: "Revoked via user-initiated revoke endpoint",
      state: { authScheme: "OAUTH2", val: { status: "REVOKED", revoked_at: fake.now().toISOString() } },
    });
    expect((await composio.connectedAccounts.revoke(id)).revoked_tokens).toEqual([]); // already revoked

    expect(await composio.connectedAccounts.delete(id, { revoke_on_delete: true })).toEqual({
      success: true,
      revoke_job_id: expect.stringMatching(/^job_/),
    });
    expect(await composio.connectedAccounts.delete(mine[1]!)).toEqual({ success: true });
    await expect(composio.connectedAccounts.retrieve(id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(composio.connectedAccounts.delete(id)).rejects.toMatchObject({
      status: 404,
      slug: "ConnectedAccount_NotFound",
    });
    expect((await composio.connectedAccounts.list({ user_ids: ["user_42"] })).total_items).toBe(2);
  });
});

describe.each(TRANSPORTS)("the failure cases, through %s", (transport) => {
  it("fail(id, reason): the wait ends with ConnectionFailedError and the reason", async () => {
    const { fake, composio } = await setup(transport);
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.fail(link.connected_account_id, "Max auth failures reached");
    const error = await composio.connectedAccounts
      .waitForConnection(link.connected_account_id)
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({ status: "FAILED", statusReason: "Max auth failures reached" });
  });

  it("the user says no on the page: the callback says failed, and confirming ends with ConnectionFailedError", async () => {
    const { composio, fetch } = await setup(transport);
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "u1",
      callback_url: "https://app.example.com/connected",
    });
    const page = await openPage(fetch, link.redirect_url, { deny: true });
    expect(new URL(page.location!).searchParams.get("status")).toBe("failed");
    const error = await confirmConnection(composio, page.location!, { userId: "u1" }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({
      status: "FAILED",
      statusReason: "OAuth callback failed during token exchange",
    });
  });

  it("the ten-minute expiry, on the test's clock: FAILED at ten minutes, not a moment before", async () => {
    const { fake, composio, fetch } = await setup(transport);
    const started = fake.now().getTime();
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.advance(TEN_MINUTES - 1);
    expect((await composio.connectedAccounts.retrieve(link.connected_account_id)).status).toBe("INITIATED");
    fake.advance(5_000);
    const account = await composio.connectedAccounts.retrieve(link.connected_account_id);
    expect(account).toMatchObject({
      status: "FAILED",
      status_reason: "Connection initiation did not complete within 10 minutes",
      created_at: new Date(started).toISOString(),
      updated_at: new Date(started + TEN_MINUTES).toISOString(),
    });
    const error = await composio.connectedAccounts
      .waitForConnection(link.connected_account_id)
      .catch((e) => e);
    expect(error).toMatchObject({ name: "ConnectionFailedError", status: "FAILED" });
    // The page expired with it.
    expect((await openPage(fetch, link.redirect_url)).status).toBe(410);
    expect(() => fake.complete(link.connected_account_id)).toThrow(/is FAILED; only an INITIATED one/);
  });

  it("429 (the server did nothing): retried, also for create; one account made", async () => {
    const { fake, composio } = await setup(transport);
    fake.failNext("createConnectedAccount", { status: 429, retryAfter: 0 });
    fake.failNext("createConnectedAccount", { status: 429, retryAfter: 0 });
    const created = await composio.connectedAccounts.create({
      auth_config: { id: SERPAPI },
      connection: { state: ApiKeyState.active({ api_key: "k_123456" }) },
    });
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccount")).toHaveLength(3);
    expect((await composio.connectedAccounts.list()).items.map((a) => a.id)).toEqual([created.id]);
  });

  it("503 (a gateway's may follow the API's work): link is not retried", async () => {
    const { fake, composio } = await setup(transport);
    fake.failNext("createConnectedAccountLink", { status: 503, retryAfter: 0 });
    const error = await composio.connectedAccounts
      .link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "InternalServerError", status: 503 });
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccountLink")).toHaveLength(1);
  });

  it("a 429 with a Retry-After over the client's cap surfaces as RateLimitError at once", async () => {
    const { fake, composio } = await setup(transport);
    fake.failNext("listConnectedAccounts", { status: 429, retryAfter: 3600 });
    const error = (await composio.connectedAccounts.list().catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers.get("retry-after")).toBe("3600");
    expect(error).toMatchObject({ slug: "TooManyRequests", requestId: expect.stringMatching(/^req_/) });
  });

  it("500 (the server may have acted): create is not retried, retrieve is", async () => {
    const { fake, composio } = await setup(transport);
    fake.failNext("createConnectedAccount", { status: 500, retryAfter: 0 });
    const error = await composio.connectedAccounts
      .create({
        auth_config: { id: SERPAPI },
        connection: { state: ApiKeyState.active({ api_key: "k_123456" }) },
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(fake.requests).toHaveLength(1);
    expect((await composio.connectedAccounts.list()).total_items).toBe(0); // the fake did not act

    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.failNext("retrieveConnectedAccount", { status: 500, retryAfter: 0 });
    expect((await composio.connectedAccounts.retrieve(link.connected_account_id)).id).toBe(
      link.connected_account_id,
    );
    expect(fake.requests.filter((r) => r.operation === "retrieveConnectedAccount")).toHaveLength(2);
  });

  it("a 409 is never retried", async () => {
    const { fake, composio } = await setup(transport);
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.failNext("updateConnectedAccountStatus", { status: 409 });
    await expect(
      composio.connectedAccounts.updateStatus(link.connected_account_id, { enabled: false }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(fake.requests.filter((r) => r.operation === "updateConnectedAccountStatus")).toHaveLength(1);
  });

  it('"hang": the attempt times out; a read is retried, a create is not', async () => {
    const { fake, composio } = await setup(transport);
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.failNext("retrieveConnectedAccount", "hang");
    const account = await composio.connectedAccounts.retrieve(link.connected_account_id, { timeoutMs: 150 });
    expect(account.id).toBe(link.connected_account_id);
    expect(fake.requests.filter((r) => r.operation === "retrieveConnectedAccount")).toHaveLength(2);

    fake.failNext("createConnectedAccount", "hang");
    const error = await composio.connectedAccounts
      .create(
        { auth_config: { id: SERPAPI }, connection: { state: ApiKeyState.active({ api_key: "k_123456" }) } },
        { timeoutMs: 150 },
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(ComposioTimeoutError);
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccount")).toHaveLength(1);
  });

  it('"reset": the connection is cut; a list is retried, a link is not', async () => {
    const { fake, composio } = await setup(transport);
    fake.failNext("listConnectedAccounts", "reset");
    expect((await composio.connectedAccounts.list()).total_items).toBe(0);
    expect(fake.requests.filter((r) => r.operation === "listConnectedAccounts")).toHaveLength(2);

    fake.failNext("createConnectedAccountLink", "reset");
    const error = await composio.connectedAccounts
      .link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ComposioConnectionError);
    expect(error).not.toBeInstanceOf(ComposioTimeoutError);
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccountLink")).toHaveLength(1);
  });
});

describe.each(TRANSPORTS)("every URL the fake hands out points at the fake, through %s", (transport) => {
  // A dev server wired to the fake must never send a browser to the real Composio: no answer (body
  // or header, pages and errors included) names composio.dev, even when the client sends to
  // Composio's own address (the default baseUrl, in process).
  it("link, create, refresh, the session URI, the pages and the errors: no composio.dev anywhere", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    const server = transport === "listen" ? await fake.listen() : undefined;
    const seen: string[] = [];
    const inner = server ? fetch : fake.fetch;
    const scanning: typeof fetch = async (input, init) => {
      const response = await inner(input, init);
      seen.push(`${response.status} ${[...response.headers].join(" ")} ${await response.clone().text()}`);
      return response;
    };
    try {
      const composio = createComposioClient({
        apiKey: fake.apiKey,
        ...(server ? { baseUrl: server.baseUrl } : {}),
        fetch: scanning,
        logger: null,
      });
      expect(fake.baseUrl).toBe(server?.baseUrl ?? "https://fake-composio.invalid");
      const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
      expect(new URL(link.redirect_url).origin).toBe(fake.baseUrl);
      const session = fake.sessionUri(link.connected_account_id);
      expect(new URL(session).origin).toBe(fake.baseUrl);
      await composio.connectedAccounts.retrieve(link.connected_account_id);
      await composio.connectedAccounts.list();
      expect((await openPage(scanning, link.redirect_url)).status).toBe(200);
      await composio.connectedAccounts.refresh(link.connected_account_id);
      const created = await composio.connectedAccounts.create({
        auth_config: { id: OWN_GMAIL },
        connection: { user_id: "u1", state: OAuth2State.initializing() },
      });
      expect(new URL(created.redirect_url!).origin).toBe(fake.baseUrl);
      await openPage(scanning, created.redirect_url!);
      await composio.connectedAccounts.update(created.id, { alias: "work" });
      await composio.connectedAccounts.updateStatus(created.id, { enabled: false });
      await composio.connectedAccounts.updateStatus(created.id, { enabled: true });
      await composio.connectedAccounts.revoke(created.id);
      await composio.connectedAccounts.delete(created.id);
      // Errors: the managed OAuth refusal points to link, 404s, a path of no operation.
      await composio.connectedAccounts
        .create({ auth_config: { id: MANAGED_GITHUB }, connection: { user_id: "u1" } })
        .catch(() => {});
      await composio.connectedAccounts.retrieve("ca_nosuchaccount").catch(() => {});
      await scanning(`${fake.baseUrl}/api/v3.1/auth_configs`, { headers: { "x-api-key": fake.apiKey } });
      expect(seen.length).toBeGreaterThanOrEqual(14);
      expect(seen.filter((answer) => /composio\.dev/i.test(answer))).toEqual([]);
    } finally {
      await server?.close();
    }
  });
});

describe("fake.failNext", () => {
  it("refuses an operation the spec does not have, naming the ones it has, and a fault that is none", () => {
    const fake = createFakeComposio({ authConfigs: [] });
    // @ts-expect-error not an operationId of the spec
    expect(() => fake.failNext("createAccount", "hang")).toThrow(
      /fake\.failNext\("createAccount"\): no such operation; the spec's operationIds are listConnectedAccounts, .*revokeConnectedAccount/,
    );
    expect(() => fake.failNext("listConnectedAccounts", { status: 200 })).toThrow(/error status 400–599/);
    expect(() => fake.failNext("listConnectedAccounts", { status: 503, retryAfter: -1 })).toThrow(
      /retryAfter/,
    );
    // Quoted as every option is: a string is called one, an object is not "[object Object]".
    expect(() => fake.failNext("listConnectedAccounts", { status: 503, retryAfter: "5" as never })).toThrow(
      /retryAfter is seconds, a number ≥ 0 \(got the string "5"\)/,
    );
    expect(() => fake.failNext("listConnectedAccounts", { status: 503, retryAfter: {} as never })).toThrow(
      /\(got an? object\)/,
    );
    // @ts-expect-error not a fault
    expect(() => fake.failNext("listConnectedAccounts", "timeout")).toThrow(
      /"hang", "reset" or \{ status \}/,
    );
  });

  it("faults queue, one per request, and each is used once", async () => {
    const { fake, composio } = await setup();
    fake.failNext("listConnectedAccounts", { status: 502 });
    fake.failNext("listConnectedAccounts", { status: 504 });
    await expect(composio.connectedAccounts.list({}, { maxRetries: 0 })).rejects.toMatchObject({
      status: 502,
    });
    await expect(composio.connectedAccounts.list({}, { maxRetries: 0 })).rejects.toMatchObject({
      status: 504,
      slug: "GatewayTimeout",
    });
    expect((await composio.connectedAccounts.list({}, { maxRetries: 0 })).total_items).toBe(0);
  });
});

describe("fake.listen()", () => {
  it("close() ends open connections, a hung request included, and the port stops answering", async () => {
    const fake = createFakeComposio({ authConfigs: [] });
    const server = await fake.listen();
    fake.failNext("listConnectedAccounts", "hang");
    const hung = fetch(`${server.baseUrl}/api/v3.1/connected_accounts`, {
      headers: { "x-api-key": fake.apiKey },
    }).catch((e: unknown) => e);
    await expect.poll(() => fake.requests.length).toBe(1);
    await server.close();
    expect(await hung).toBeInstanceOf(TypeError);
    await expect(fetch(`${server.baseUrl}/api/v3.1/connected_accounts`)).rejects.toThrow(TypeError);
  });

  // Trial 22, second round, finding 5: a link made in process kept https://fake-composio.invalid
  // after listen(), so a pending link handed out again (linkOrReuse) was a page no browser reaches.
  it("a link made before listen() is on the listening address once it listens, and back on the fake's origin after close()", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, logger: null });
    const link = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    const session = fake.sessionUri(link.connected_account_id);
    expect(new URL(link.redirect_url).origin).toBe("https://fake-composio.invalid");
    const server = await fake.listen();
    const pending = await composio.connectedAccounts.retrieve(link.connected_account_id);
    const page = (pending.state as { val: { redirectUrl: string } }).val.redirectUrl;
    expect(page).toBe(link.redirect_url.replace("https://fake-composio.invalid", server.baseUrl));
    expect(fake.sessionUri(link.connected_account_id)).toBe(
      session.replace("https://fake-composio.invalid", server.baseUrl),
    );
    await server.close();
    const after = await composio.connectedAccounts.retrieve(link.connected_account_id);
    expect((after.state as { val: { redirectUrl: string } }).val.redirectUrl).toBe(link.redirect_url);
    // The session URI, back on the fake's origin, is the one handed out before listen() again.
    await composio.connectedAccounts.completeAuth({ user_id: "u1", session_uri: session });
    expect((await composio.connectedAccounts.retrieve(link.connected_account_id)).status).toBe("ACTIVE");
    // A page handed out before listen(), opened by a real browser's request over the socket.
    const second = await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u2" });
    const listening = await fake.listen();
    try {
      const reused = await composio.connectedAccounts.retrieve(second.connected_account_id);
      const url = (reused.state as { val: { redirectUrl: string } }).val.redirectUrl;
      expect(new URL(url).origin).toBe(listening.baseUrl);
      expect((await openPage(fetch, url)).status).toBe(200);
    } finally {
      await listening.close();
    }
  });

  // Trial 22, finding 11: the README's own `headers: { "x-team": … }` and a tracing `traceparent`
  // were not allowed, so a browser refused to send the request at all.
  it("a preflight allows the extra headers the page asks for (bounded: header names only, at most 50, 100 characters each)", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    const server = await fake.listen();
    const preflight = async (asked: string) => {
      const answer = await fetch(`${server.baseUrl}/api/v3.1/connected_accounts`, {
        method: "OPTIONS",
        headers: {
          origin: "http://127.0.0.1:5173",
          "access-control-request-method": "GET",
          "access-control-request-headers": asked,
        },
      });
      expect(answer.status).toBe(204);
      return answer.headers.get("access-control-allow-headers")!.split(/,\s*/);
    };
    try {
      expect(await preflight("x-api-key,X-Team, traceparent,tracestate")).toEqual(
        expect.arrayContaining(["x-api-key", "content-type", "x-team", "traceparent", "tracestate"]),
      );
      // What is no header name is left out; a browser asks only for names, so none of its is.
      const odd = await preflight(
        `x-ok, x bad, x-semi;colon, "quoted", ${"x".repeat(101)}, x-${"y".repeat(98)}`,
      );
      expect(odd).toContain("x-ok");
      expect(odd).toContain(`x-${"y".repeat(98)}`);
      expect(odd.filter((name) => /[ ;"]/.test(name) || name.length > 100)).toEqual([]);
      const many = await preflight(Array.from({ length: 500 }, (_, i) => `x-h${i}`).join(","));
      expect(many).toContain("x-h49");
      expect(many).not.toContain("x-h50");
      expect(many).toContain("x-api-key");
    } finally {
      await server.close();
    }
    // In process the same: the preflight of a page whose fetch is fake.fetch (a service worker's, say).
    const answer = await fake.fetch(`${fake.baseUrl}/api/v3.1/connected_accounts`, {
      method: "OPTIONS",
      headers: { "access-control-request-method": "GET", "access-control-request-headers": "x-team" },
    });
    expect(answer.headers.get("access-control-allow-headers")!.split(/,\s*/)).toContain("x-team");
  });

  it("answers a browser's CORS preflight, and lets the page read the headers the client reads", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    const server = await fake.listen();
    const page = "http://127.0.0.1:5173"; // a dev server's page, another origin
    try {
      const preflight = await fetch(`${server.baseUrl}/api/v3.1/connected_accounts/link`, {
        method: "OPTIONS",
        headers: {
          origin: page,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,user-agent,x-api-key,x-user-api-key,accept",
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
      const methods = preflight.headers.get("access-control-allow-methods")!.split(/,\s*/);
      expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "PATCH", "DELETE"]));
      const allowed = preflight.headers.get("access-control-allow-headers")!.toLowerCase().split(/,\s*/);
      expect(allowed).toEqual(
        expect.arrayContaining(["accept", "content-type", "user-agent", "x-api-key", "x-user-api-key"]),
      );
      // A preflight is the browser's, not a request of the app: fake.requests does not show it.
      expect(fake.requests).toHaveLength(0);

      fake.failNext("listConnectedAccounts", { status: 429, retryAfter: 0 });
      const limited = await fetch(`${server.baseUrl}/api/v3.1/connected_accounts`, {
        headers: { origin: page, "x-api-key": fake.apiKey },
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("access-control-allow-origin")).toBe("*");
      const exposed = limited.headers.get("access-control-expose-headers")!.toLowerCase().split(/,\s*/);
      expect(exposed).toEqual(
        expect.arrayContaining([
          "retry-after",
          "retry-after-ms",
          "x-request-id",
          "deprecation",
          "sunset",
          "link",
        ]),
      );
    } finally {
      await server.close();
    }
  });

  it("one server at a time; after close() it listens again", async () => {
    const fake = createFakeComposio({ authConfigs: [] });
    const first = await fake.listen();
    await expect(fake.listen()).rejects.toThrow(`fake.listen: already listening at ${first.baseUrl}`);
    await first.close();
    const second = await fake.listen();
    expect(second.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await second.close();
  });

  it("a body over 1 MiB is refused (413) without being read whole", async () => {
    const fake = createFakeComposio({ authConfigs: [] });
    const server = await fake.listen();
    try {
      const response = await fetch(`${server.baseUrl}/api/v3.1/connected_accounts/link`, {
        method: "POST",
        headers: { "x-api-key": fake.apiKey, "content-type": "application/json" },
        body: "x".repeat(2 * 1024 * 1024),
      }).catch((e: unknown) => e);
      // The server answers 413 and closes; a client may see the answer or the cut connection.
      if (response instanceof Response) expect(response.status).toBe(413);
      else expect(response).toBeInstanceOf(TypeError);
      expect(fake.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

describe("keys", () => {
  it("fake.apiKey and fake.userApiKey look like Composio's, and are new for each fake", () => {
    const [a, b] = [createFakeComposio({ authConfigs: [] }), createFakeComposio({ authConfigs: [] })];
    expect(a.apiKey).toMatch(/^ak_[a-z0-9]{20}$/);
    expect(a.userApiKey).toMatch(/^uak_[a-z0-9]{20}$/);
    expect(a.apiKey).not.toBe(b.apiKey);
  });

  it.each(TRANSPORTS)(
    "any other key, none, or both get the API's 401 in its envelope (%s)",
    async (transport) => {
      const { fake, fetch, baseUrl } = await setup(transport);
      const wrong = createComposioClient({
        apiKey: "ak_not_this_fakes_key_000",
        baseUrl,
        fetch,
        logger: null,
      });
      const error = (await wrong.connectedAccounts.list().catch((e: unknown) => e)) as AuthenticationError;
      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error).toMatchObject({ status: 401, slug: "Unauthorized", code: 10401 });
      expect(error.message).not.toContain("ak_not_this_fakes_key_000");

      const send = (headers: Record<string, string>) =>
        fetch(`${baseUrl}/api/v3.1/connected_accounts`, { headers }).then(async (r) => [
          r.status,
          await r.json(),
        ]);
      expect(await send({ "x-api-key": fake.apiKey, "x-user-api-key": fake.userApiKey })).toEqual([
        401,
        {
          error: expect.objectContaining({
            message: "Multiple authentication modes were provided",
            status: 401,
          }),
        },
      ]);
      expect(await send({})).toEqual([401, { error: expect.objectContaining({ slug: "Unauthorized" }) }]);
      expect(await send({ "x-user-api-key": fake.userApiKey })).toEqual([
        200,
        expect.objectContaining({ items: [] }),
      ]);
    },
  );

  it("a user API key: list, retrieve, link and delete work; the client refuses the others before sending", async () => {
    const { fake, fetch } = await setup();
    const asUser = createComposioClient({ userApiKey: fake.userApiKey, fetch, logger: null });
    const link = await asUser.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: "u1" });
    fake.complete(link.connected_account_id);
    expect((await asUser.connectedAccounts.retrieve(link.connected_account_id)).status).toBe("ACTIVE");
    expect((await asUser.connectedAccounts.list()).total_items).toBe(1);
    expect(await asUser.connectedAccounts.delete(link.connected_account_id)).toEqual({ success: true });
    expect(fake.requests.every((r) => r.headers["x-user-api-key"] === "[redacted]")).toBe(true);
    const refused = await (asUser.connectedAccounts as unknown as { revoke(id: string): Promise<unknown> })
      .revoke("ca_x")
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ComposioError);
    expect(fake.requests.some((r) => r.operation === "revokeConnectedAccount")).toBe(false);
  });
});

describe('"hang" on fake.fetch with garbage collected while it waits (node --expose-gc)', () => {
  it(
    "still ends at the caller's timeoutMs",
    async () => {
      const script = `
      import { createComposioClient } from "./src/index.ts";
      import { createFakeComposio } from "./src/testing.ts";
      const fake = createFakeComposio({ authConfigs: [] });
      const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, logger: null });
      fake.failNext("listConnectedAccounts", "hang");
      const collector = setInterval(() => globalThis.gc(), 20);
      const watchdog = setTimeout(() => { console.log(JSON.stringify({ pending: true })); process.exit(0); }, 8000);
      const started = performance.now();
      const name = await composio.connectedAccounts.list({}, { timeoutMs: 1000, maxRetries: 0 })
        .then(() => "resolved", (error) => error.name);
      clearInterval(collector);
      clearTimeout(watchdog);
      console.log(JSON.stringify({ name, ms: Math.round(performance.now() - started) }));
    `;
      const result = lastJson<{ name?: string; ms?: number; pending?: true }>(
        await runScript(script, ["--expose-gc"]),
      );
      expect(result.pending, "the hung call was still pending 8 s in").toBeUndefined();
      expect(result.name).toBe("ComposioTimeoutError");
      expect(result.ms).toBeLessThan(3_000);
    },
    HANG_MS,
  );
});

// The fake's clock drives the client's waiting (issue 22): a user's suite on /testing with a fault
// on every operation of the spec and a wait that spans ten fake minutes spends no real seconds
// waiting. The backoff, Retry-After, the attempt's timeout and waitForConnection's polls and
// deadline all sleep on `fake.clock`, which jumps to the next timer whenever the fake is not
// answering a request — and `fake.advance(ms)` moves that same clock.
import { describe, expect, it, vi } from "vitest";
import { ROUTES } from "../generated/meta.js";
import {
  ApiKeyState,
  ComposioError,
  ComposioTimeoutError,
  InternalServerError,
  ConnectionFailedError,
  createComposioClient,
  createComposioTransport,
  retrieveConnectedAccount,
  waitForConnection,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { createFakeComposio } from "../src/testing.js";

const TEN_MINUTES = 10 * 60_000;
/** The client's default per-attempt timeout: a "hang" ends there, in fake time. */
const TIMEOUT_MS = 60_000;
/** The shortest first backoff (0.5 s less a quarter of jitter). */
const FIRST_BACKOFF_MS = 375;

// The suite a user writes: one fake, one client on it, as README's "Testing your integration" shows.
describe("a user's suite on /testing: a fault on every operation, a wait of ten fake minutes", () => {
  const fake = createFakeComposio({
    authConfigs: [
      { id: "ac_github", toolkit: "github", authScheme: "OAUTH2", managed: true },
      { id: "ac_serpapi", toolkit: "serpapi", authScheme: "API_KEY" },
    ],
  });
  const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
  const accounts = composio.connectedAccounts;
  const apiKeyAccount = async () =>
    (
      await accounts.create({
        auth_config: { id: "ac_serpapi" },
        connection: { user_id: "u1", state: ApiKeyState.active({ api_key: "serp_test_key" }) },
      })
    ).id;
  const linked = async () =>
    (await accounts.link({ auth_config_id: "ac_github", user_id: "u1" })).connected_account_id;

  // How a user's app calls each operation, after what it needs is made (without faults).
  const CALLS: Record<string, () => Promise<() => Promise<unknown>>> = {
    listConnectedAccounts: async () => () => accounts.list({ user_ids: ["u1"] }),
    createConnectedAccount: async () => apiKeyAccount,
    createConnectedAccountLink: async () => linked,
    completeConnectedAccountAuth: async () => {
      const session = fake.sessionUri(await linked());
      return () => accounts.completeAuth({ user_id: "u1", session_uri: session });
    },
    retrieveConnectedAccount: async () => {
      const id = await linked();
      return () => accounts.retrieve(id);
    },
    updateConnectedAccount: async () => {
      const id = await apiKeyAccount();
      return () => accounts.update(id, { alias: `work-${id}` });
    },
    updateConnectedAccountStatus: async () => {
      const id = await apiKeyAccount();
      return () => accounts.updateStatus(id, { enabled: false });
    },
    deleteConnectedAccount: async () => {
      const id = await apiKeyAccount();
      return () => accounts.delete(id);
    },
    refreshConnectedAccount: async () => {
      const id = await linked();
      fake.complete(id);
      return () => accounts.refresh(id);
    },
    revokeConnectedAccount: async () => {
      const id = await apiKeyAccount();
      return () => accounts.revoke(id);
    },
  };
  const wall = performance.now();
  const start = fake.clock.now();

  // Every operation of the spec, read from ROUTES: one the spec adds fails here until it is called.
  const operations = Object.values(ROUTES).map((r) => [r.operation, r.idempotent] as const);
  it.each(operations)(
    "%s: a 429 (backoff) then a hang (timeout); retried if it is safe to (idempotent: %s)",
    async (operation, idempotent) => {
      const prepare = CALLS[operation];
      expect(prepare, `no call of ${operation} in this suite: add one to CALLS`).toBeDefined();
      const call = await prepare!();
      fake.failNext(operation as never, { status: 429 });
      fake.failNext(operation as never, "hang");
      const before = fake.clock.now();
      const sent = () => fake.requests.filter((r) => r.operation === operation).length;
      const already = sent();
      if (idempotent) {
        await call();
        expect(sent() - already).toBe(3);
      } else {
        await expect(call()).rejects.toBeInstanceOf(ComposioTimeoutError);
        expect(sent() - already).toBe(2);
      }
      // The backoff and the attempt's timeout passed on the fake's clock, not on the wall's.
      expect(fake.clock.now() - before).toBeGreaterThanOrEqual(FIRST_BACKOFF_MS + TIMEOUT_MS);
    },
  );

  it("waitForConnection over ten fake minutes: the expiry fails the account during the wait", async () => {
    const id = await linked();
    const before = fake.clock.now();
    const error = await accounts.waitForConnection(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({
      status: "FAILED",
      statusReason: "Connection initiation did not complete within 10 minutes",
    });
    expect(fake.clock.now() - before).toBeGreaterThanOrEqual(TEN_MINUTES);
    expect(fake.clock.now() - before).toBeLessThan(TEN_MINUTES + 10_000);
    // About 72 looks, a fake second to ten apart: the schedule ran, on the fake's clock.
    const polls = fake.requests.filter(
      (r) => r.operation === "retrieveConnectedAccount" && r.path.endsWith(id),
    );
    expect(polls.length).toBeGreaterThan(55);
  });

  it("a user who finishes three fake minutes in: the wait resolves then", async () => {
    const id = await linked();
    const before = fake.clock.now();
    fake.clock.setTimeout(() => fake.complete(id), 180_000);
    expect((await accounts.waitForConnection(id)).status).toBe("ACTIVE");
    expect(fake.clock.now() - before).toBeGreaterThanOrEqual(180_000);
    expect(fake.clock.now() - before).toBeLessThan(190_000);
  });

  // Last in the suite (its tests run in order): the wall time of all of the above.
  it("all of the above: over twenty fake minutes, in under a hundredth of that of real time", () => {
    // Each test above checks that its waits ran on the fake's clock; this checks that nothing else
    // took real time: a real second per 100 fake ones at most (real hangs would take a minute each),
    // a bound loose enough for a loaded machine. (It measures from the suite's collection on.)
    const fakeMs = fake.clock.now() - start;
    expect(fakeMs).toBeGreaterThan(TEN_MINUTES * 2);
    expect(performance.now() - wall).toBeLessThan(fakeMs / 100);
  });
});

describe("fake.clock", () => {
  const authConfigs = [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2" as const, managed: true }];

  it("is the fake's clock: advance(ms) moves it, and wakes what sleeps on it", async () => {
    const fake = createFakeComposio({ authConfigs, now: "2026-03-01T12:00:00Z" });
    expect(fake.clock.now()).toBe(Date.parse("2026-03-01T12:00:00Z"));
    const woken: number[] = [];
    fake.clock.setTimeout(() => woken.push(fake.clock.now()), 3_000);
    const cleared = fake.clock.setTimeout(() => woken.push(-1), 1_000);
    fake.clock.clearTimeout(cleared);
    fake.advance(5_000);
    expect(fake.now().getTime()).toBe(fake.clock.now());
    await new Promise((resolve) => setTimeout(resolve, 5));
    // It fired when the test moved the clock past it, at the time the test moved it to.
    expect(woken).toEqual([Date.parse("2026-03-01T12:00:05Z")]);
  });

  it("stands still while the fake answers a request: an attempt's timeout does not fire meanwhile", async () => {
    const fake = createFakeComposio({ authConfigs });
    // A body that takes real time to arrive (two real timers): the fake holds the request meanwhile.
    const slow: typeof fetch = (input, init) => {
      const text = init?.body as string;
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (const part of [text.slice(0, 10), text.slice(10)]) {
            await new Promise((resolve) => setTimeout(resolve, 10));
            controller.enqueue(new TextEncoder().encode(part));
          }
          controller.close();
        },
      });
      return fake.fetch(input, { ...init, body, duplex: "half" } as RequestInit);
    };
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: slow, clock: fake.clock });
    const before = fake.clock.now();
    const link = await composio.connectedAccounts.link(
      { auth_config_id: "ac_github", user_id: "u1" },
      { timeoutMs: 1_000 },
    );
    expect(link.connected_account_id).toMatch(/^ca_/);
    expect(fake.clock.now()).toBe(before);
  });

  it('a "hang" ends at the attempt\'s timeoutMs in fake time, not a moment before', async () => {
    const fake = createFakeComposio({ authConfigs });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    fake.failNext("createConnectedAccountLink", "hang");
    const before = fake.clock.now();
    const error = await composio.connectedAccounts
      .link({ auth_config_id: "ac_github", user_id: "u1" }, { timeoutMs: 45_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioTimeoutError);
    expect(fake.clock.now() - before).toBe(45_000);
    expect((await composio.connectedAccounts.list()).total_items).toBe(0);
  });

  it("Retry-After and totalTimeoutMs are read on it", async () => {
    const fake = createFakeComposio({ authConfigs });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    fake.failNext("listConnectedAccounts", { status: 429, retryAfter: 30 });
    const before = fake.clock.now();
    await composio.connectedAccounts.list();
    expect(fake.clock.now() - before).toBe(30_000);

    fake.failNext("listConnectedAccounts", "hang");
    fake.failNext("listConnectedAccounts", "hang");
    const again = fake.clock.now();
    const error = await composio.connectedAccounts
      .list({}, { totalTimeoutMs: 90_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioTimeoutError);
    expect((error as Error).message).toContain(
      "totalTimeoutMs (90000 ms, timed on the client's `clock`, not in real time)",
    );
    expect(fake.clock.now() - again).toBe(90_000);
  });

  it("drives the standalone functions through createComposioTransport, and /raw", async () => {
    const fake = createFakeComposio({ authConfigs });
    const transport = createComposioTransport({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const { connected_account_id: id } = await composio.connectedAccounts.link({
      auth_config_id: "ac_github",
      user_id: "u1",
    });
    fake.failNext("retrieveConnectedAccount", { status: 500 });
    const before = fake.clock.now();
    expect((await retrieveConnectedAccount(transport, id)).status).toBe("INITIATED");
    expect(fake.clock.now() - before).toBeGreaterThanOrEqual(FIRST_BACKOFF_MS);
    await expect(waitForConnection(transport, id)).rejects.toBeInstanceOf(ConnectionFailedError);
    expect(fake.clock.now() - before).toBeGreaterThanOrEqual(TEN_MINUTES);

    const raw = createRawClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    fake.failNext("listConnectedAccounts", "hang");
    const rawBefore = fake.clock.now();
    const { response } = await raw.GET("/api/v3.1/connected_accounts");
    expect(response.status).toBe(200);
    expect(fake.clock.now() - rawBefore).toBeGreaterThanOrEqual(TIMEOUT_MS + FIRST_BACKOFF_MS);
  });

  it("runs on the host's own timers: a test's fake timers installed later do not stop it", async () => {
    const fake = createFakeComposio({ authConfigs });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    const link = await composio.connectedAccounts.link({ auth_config_id: "ac_github", user_id: "u1" });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate"] });
    try {
      await expect(
        composio.connectedAccounts.waitForConnection(link.connected_account_id),
      ).rejects.toBeInstanceOf(ConnectionFailedError);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a clock that is not one is refused, naming what it lacks", () => {
    const make = (clock: unknown) => () => createComposioClient({ apiKey: "ak_test", clock: clock as never });
    expect(make({ now: () => 0 })).toThrow(ComposioError);
    expect(make({ now: () => 0 })).toThrow(
      "createComposioClient: `clock` must have now, setTimeout and clearTimeout functions (got an object).",
    );
    expect(make(() => 0)).toThrow(
      "`clock` must have now, setTimeout and clearTimeout functions (got a function).",
    );
    const timers = { now: () => 0, setTimeout, clearTimeout };
    expect(make({ ...timers, now: 0 })).toThrow("must have now, setTimeout and clearTimeout functions");
    // The optional parts, when given, are called: a wrong one would fail on the first request.
    expect(make({ ...timers, attempt: true })).toThrow(
      "createComposioClient: `clock.attempt` must be a function, or left out (got true).",
    );
    expect(make({ ...timers, epochNow: Date.now() })).toThrow(
      "`clock.epochNow` must be a function, or left out",
    );
    expect(make({ ...timers, attempt: undefined })).not.toThrow();
  });
});

// Trial 22, finding 4: the clock jumped whenever no request was inside the fake, so real work the
// test waited on (a fetch wrapper's, a socket's, a browser's) ran fake minutes meanwhile.
describe("fake.clock and real work: time stands still while a request of the client is on its way", () => {
  const authConfigs = [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2" as const, managed: true }];
  const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("a fetch wrapper that does real async work before calling fake.fetch: no fake time passes meanwhile", async () => {
    const fake = createFakeComposio({ authConfigs });
    // Tracing, a token lookup: real time before the request reaches the fake, and after its answer.
    const tracing: typeof fetch = async (input, init) => {
      await realDelay(20);
      const response = await fake.fetch(input, init);
      await realDelay(5);
      return response;
    };
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: tracing, clock: fake.clock });
    const before = fake.clock.now();
    expect((await composio.connectedAccounts.list({ user_ids: ["u1"] })).items).toEqual([]);
    expect(fake.clock.now()).toBe(before);
    // Between attempts it still jumps: a 429's Retry-After takes no real time.
    fake.failNext("listConnectedAccounts", { status: 429, retryAfter: 30 });
    await composio.connectedAccounts.list();
    expect(fake.clock.now() - before).toBe(30_000);
  });

  it("a client on fake.clock that sends over listen()'s socket: answered, and a hang ends at its timeout in fake time", async () => {
    const fake = createFakeComposio({ authConfigs });
    const server = await fake.listen();
    try {
      const composio = createComposioClient({
        apiKey: fake.apiKey,
        baseUrl: server.baseUrl,
        clock: fake.clock,
      });
      const before = fake.clock.now();
      const link = await composio.connectedAccounts.link({ auth_config_id: "ac_github", user_id: "u1" });
      expect((await composio.connectedAccounts.list({ user_ids: ["u1"] })).items).toHaveLength(1);
      expect(fake.clock.now()).toBe(before);
      // The fake leaves it unanswered: then, and only then, the clock moves to the attempt's timeout.
      fake.failNext("retrieveConnectedAccount", "hang");
      const account = await composio.connectedAccounts.retrieve(link.connected_account_id, {
        timeoutMs: 45_000,
      });
      expect(account.status).toBe("INITIATED");
      expect(fake.clock.now() - before).toBeGreaterThanOrEqual(45_000 + FIRST_BACKOFF_MS);
      expect(fake.clock.now() - before).toBeLessThan(45_000 + 1_000);
    } finally {
      await server.close();
    }
  });

  it("the README's browser step: pause() holds the clock while a background wait and a real browser run", async () => {
    const fake = createFakeComposio({ authConfigs });
    const server = await fake.listen();
    try {
      const composio = createComposioClient({
        apiKey: fake.apiKey,
        fetch: fake.fetch,
        clock: fake.clock,
        baseUrl: server.baseUrl,
      });
      const link = await composio.connectedAccounts.link({
        auth_config_id: "ac_github",
        user_id: "u1",
        callback_url: "http://127.0.0.1:3000/connected",
      });
      const before = fake.clock.now();
      const resume = fake.clock.pause();
      const wait = composio.connectedAccounts.waitForConnection(link.connected_account_id);
      // The browser launching and navigating, in real time; then it opens the hosted page.
      await realDelay(150);
      const page = await fetch(link.redirect_url, { redirect: "manual" });
      expect(page.status).toBe(302);
      resume();
      expect((await wait).status).toBe("ACTIVE");
      expect(fake.clock.now() - before).toBeLessThan(10_000);
    } finally {
      await server.close();
    }
  });

  it("paused, it moves only with fake.advance(ms), which fires what falls due; resume() lets it jump again", async () => {
    const fake = createFakeComposio({ authConfigs });
    const woken: number[] = [];
    const start = fake.clock.now();
    const resume = fake.clock.pause();
    fake.clock.setTimeout(() => woken.push(fake.clock.now() - start), 1_000);
    fake.clock.setTimeout(() => woken.push(fake.clock.now() - start), 5_000);
    await realDelay(20);
    expect(woken).toEqual([]);
    fake.advance(2_000);
    await realDelay(20);
    // As before a pause: a timer the test moves the clock past fires at the time it moved it to.
    expect(woken).toEqual([2_000]);
    // Pauses count: each must be resumed; a resume called twice counts once.
    const again = fake.clock.pause();
    resume();
    resume();
    await realDelay(20);
    expect(woken).toEqual([2_000]);
    again();
    await realDelay(20);
    expect(woken).toEqual([2_000, 5_000]);
  });

  it("a timeout on fake.clock says it was timed on the client's clock, not in real time", async () => {
    const fake = createFakeComposio({ authConfigs });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    fake.failNext("createConnectedAccountLink", "hang");
    const error = await composio.connectedAccounts
      .link({ auth_config_id: "ac_github", user_id: "u1" }, { timeoutMs: 45_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioTimeoutError);
    expect((error as Error).message).toContain(
      "no answer within timeoutMs (45000 ms, timed on the client's `clock`, not in real time)",
    );
  });
});

// Trial 22, finding 5: a delay or a move past what a clock holds broke the fake for good.
describe("fake.clock at its limits: the host's rules for delays, Date's range, the fake's own failures", () => {
  const authConfigs = [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2" as const, managed: true }];

  it("a delay past 2^31 - 1 ms (Infinity too) fires after 1 ms, as the host's timers do, with their warning", async () => {
    const fake = createFakeComposio({ authConfigs });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const start = fake.clock.now();
      const fired: number[] = [];
      fake.clock.setTimeout(() => fired.push(fake.clock.now() - start), Infinity);
      fake.clock.setTimeout(() => fired.push(fake.clock.now() - start), 2 ** 31);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(fired).toEqual([1, 1]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => [w.name, w.message])).toEqual([
        [
          "TimeoutOverflowWarning",
          "fake.clock.setTimeout: Infinity ms does not fit into a 32-bit signed integer; as the host's timers do, the timer fires after 1 ms.",
        ],
        [
          "TimeoutOverflowWarning",
          "fake.clock.setTimeout: 2147483648 ms does not fit into a 32-bit signed integer; as the host's timers do, the timer fires after 1 ms.",
        ],
      ]);
      expect(Number.isFinite(fake.now().getTime())).toBe(true);
      const link = await composio.connectedAccounts.link({ auth_config_id: "ac_github", user_id: "u1" });
      expect(link.connected_account_id).toMatch(/^ca_/);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("fake.advance past the last date a Date holds is refused, and the fake keeps working", async () => {
    const fake = createFakeComposio({ authConfigs, now: "2026-03-01T12:00:00Z" });
    expect(() => fake.advance(1e16)).toThrow(ComposioError);
    expect(() => fake.advance(1e16)).toThrow(
      "fake.advance: 10000000000000000 ms from 2026-03-01T12:00:00.000Z is past the last date a Date holds (+275760-09-13T00:00:00.000Z).",
    );
    expect(fake.now().toISOString()).toBe("2026-03-01T12:00:00.000Z");
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });
    expect((await composio.connectedAccounts.list()).items).toEqual([]);
  });

  it.each(["fetch", "listen"] as const)(
    "a failure inside the fake (through %s) is a 500 that names the fake, not a connection failure",
    async (transport) => {
      // A minute before the last date a Date holds: a link's ten-minute expiry cannot be written.
      const fake = createFakeComposio({ authConfigs, now: 8.64e15 - 60_000 });
      const server = transport === "listen" ? await fake.listen() : undefined;
      try {
        const composio = createComposioClient({
          apiKey: fake.apiKey,
          ...(server ? { baseUrl: server.baseUrl } : { fetch: fake.fetch }),
          clock: fake.clock,
        });
        const error = await composio.connectedAccounts
          .link({ auth_config_id: "ac_github", user_id: "u1" })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InternalServerError);
        expect((error as Error).message).toContain(
          "the fake itself failed (composio-connected-accounts/testing): RangeError: Invalid time value",
        );
      } finally {
        await server?.close();
      }
    },
  );
});

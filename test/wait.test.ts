// connectedAccounts.waitForConnection against node:http servers whose retrieve answers change from
// poll to poll. Each test asserts what the server saw (how many polls, and when), how the wait
// ended, and that no timer outlives it; waits are kept short with the waiter's own interval and
// deadline options (no fake timers). The default schedule is checked through `pollDelay`, pure.
import type { ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ComposioAbortError,
  ComposioError,
  ComposioTimeoutError,
  ConnectionFailedError,
  createComposioClient,
  NotFoundError,
  type RetrieveConnectedAccountResponse,
  type WaitOptions,
} from "../src/index.js";
import { pollDelay } from "../src/wait.js";
import { expectNoSecrets, SECRETS } from "./helpers/secrets.js";
import { activeTimers, errorBody, freePort, json, serverPerTest, startServer } from "./helpers/server.js";

const ID = "ca_4f9d2b7c1e0a";
const REDACTED = "[redacted]";

// The first fetch of a process loads and sets up undici (tens of ms): done here, so that the
// times below measure the waiter.
beforeAll(async () => {
  const warm = await startServer((_req, res) => json(res, 200, {}));
  await (await fetch(warm.url)).arrayBuffer();
  await warm.close();
});
const serve = serverPerTest();

/** The account as retrieve answers it, in `status`; `extra` overrides fields. */
function account(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: ID,
    toolkit: { slug: "github" },
    auth_config: {
      id: "ac_1a2b3c4d5e6f",
      auth_scheme: "OAUTH2",
      is_composio_managed: true,
      is_disabled: false,
    },
    user_id: "user_42",
    status,
    status_reason: null,
    is_disabled: status === "INACTIVE",
    created_at: "2026-01-15T09:30:00.000Z",
    updated_at: "2026-01-15T09:30:02.000Z",
    state: {
      authScheme: "OAUTH2",
      val: status === "ACTIVE" ? { status, access_token: "at_fresh_1234" } : { status },
    },
    data: {},
    params: {},
    ...extra,
  };
}

/** What the server does for one poll: answer the account in a status, or anything else (`ms`: since the call). */
type Answer = string | ((res: ServerResponse, ms: number) => void);
const hang: Answer = () => {};
const fail =
  (status: number, slug: string, headers: Record<string, string> = {}): Answer =>
  (res) =>
    json(res, status, errorBody(status, slug, `${slug} for ${ID}`), headers);

/**
 * The timers still keeping the process alive once a wait settled. vitest holds one of its own for
 * up to 100 ms at a test's start: it may be counted before a call and be gone after, and so hide a
 * timer the call left behind (a 5 s sleep not cleared on abort went unseen that way). So the count
 * is compared with none at all, once vitest's has surely fired.
 */
async function timersLeft(): Promise<number> {
  if (activeTimers() > 0) await delay(150);
  return activeTimers();
}

interface Outcome {
  value: RetrieveConnectedAccountResponse | undefined;
  error: unknown;
  /** From the call to its end. */
  ms: number;
  /** When each poll reached the server, in ms from the call. */
  polls: number[];
  /** When the wait settled (Date.now()). */
  settledAt: number;
  /** Every delay the client asked its clock for (the real one's timers, recorded): the sleeps
   * between polls and each attempt's timeout. What it meant to wait, however late a loaded machine
   * ran it. */
  asked: number[];
}

/**
 * Waits for ID against a server that gives the n-th poll the n-th answer (the last one repeats),
 * and checks that no timer outlives the wait, however it ends. `redirect` may send a request
 * elsewhere (through an injected fetch).
 */
async function waitAgainst(
  answers: Answer[],
  options: WaitOptions = {},
  redirect?: (url: string, serverUrl: string) => string,
): Promise<Outcome> {
  const polls: number[] = [];
  let started = 0;
  const server = await serve((_req, res, n) => {
    const ms = Date.now() - started;
    polls.push(ms);
    const answer = answers[Math.min(n, answers.length) - 1]!;
    if (typeof answer === "string") json(res, 200, account(answer));
    else answer(res, ms);
  });
  const serverUrl = server.url;
  const asked: number[] = [];
  const client = createComposioClient({
    apiKey: SECRETS.apiKey,
    baseUrl: serverUrl,
    logger: null,
    clock: {
      now: () => performance.now(),
      setTimeout: (callback, ms) => (asked.push(ms), setTimeout(callback, ms)),
      clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
    },
    ...(redirect && {
      fetch: (input, init) =>
        fetch(redirect(input instanceof Request ? input.url : String(input), serverUrl), init),
    }),
  });
  started = Date.now();
  const outcome = await client.connectedAccounts.waitForConnection(ID, options).then(
    (value) => ({ value, error: undefined as unknown }),
    (error: unknown) => ({ value: undefined, error }),
  );
  const settledAt = Date.now();
  expect(await timersLeft(), "a timer outlived the wait").toBe(0);
  for (const req of server.requests) {
    expect(`${req.method} ${req.url}`).toBe(`GET /api/v3.1/connected_accounts/${ID}`);
    expect(req.headers["x-api-key"]).toBe(SECRETS.apiKey);
  }
  return { ...outcome, ms: settledAt - started, polls, settledAt, asked };
}

/** The gaps between polls. */
const gaps = (polls: number[]) => polls.slice(1).map((at, i) => at - polls[i]!);

describe("waitForConnection: until ACTIVE", () => {
  it("resolves with the account once ACTIVE; polls at once, then ×1.5 per poll to the cap, jitter cutting at most a fifth", async () => {
    const r = await waitAgainst(Array<Answer>(6).fill("INITIATED").concat("ACTIVE"), {
      initialIntervalMs: 80,
      maxIntervalMs: 300,
    });
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual(account("ACTIVE"));
    expect(r.polls).toHaveLength(7);
    // The first poll at once: no sleep before it (each attempt's timeout is the client's, 30 s or
    // more; the sleeps are the delays of at most the cap).
    const sleeps = r.asked.filter((ms) => ms <= 300);
    expect(r.asked[0]).toBeGreaterThan(300);
    // 80, 120, 180, 270, then the 300 cap (uncapped: 405, 607), each cut by up to 20% (jitter), and
    // no other sleep. Asked of the clock, not timed: a loaded machine runs timers late, never early.
    const planned = [80, 120, 180, 270, 300, 300];
    expect(sleeps).toHaveLength(planned.length);
    sleeps.forEach((ms, i) => {
      expect(ms, `sleep ${i + 1}`).toBeGreaterThanOrEqual(planned[i]! * 0.8);
      expect(ms, `sleep ${i + 1}`).toBeLessThanOrEqual(planned[i]!);
    });
    // And the polls came no sooner than asked.
    gaps(r.polls).forEach((gap, i) => expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(sleeps[i]! - 2));
  });

  it("keeps waiting through INITIALIZING, INITIATED and statuses it does not know (PENDING_REVIEW)", async () => {
    const r = await waitAgainst(["INITIALIZING", "PENDING_REVIEW", "PENDING_REVIEW", "INITIATED", "ACTIVE"], {
      initialIntervalMs: 20,
      maxIntervalMs: 40,
    });
    expect(r.value?.status).toBe("ACTIVE");
    expect(r.polls).toHaveLength(5);
  });

  it("with the default schedule, a connection completed at 2 s is seen by 3.5 s", async () => {
    const r = await waitAgainst([(res, ms) => json(res, 200, account(ms >= 2_000 ? "ACTIVE" : "INITIATED"))]);
    expect(r.value?.status).toBe("ACTIVE");
    // Polls at 0, 0.8–1 s, 2–2.5 s: the third sees it.
    expect(r.polls).toHaveLength(3);
    expect(r.ms).toBeGreaterThanOrEqual(2_000);
    expect(r.ms).toBeLessThanOrEqual(3_500);
  });
});

describe("waitForConnection: final statuses end it at once with ConnectionFailedError", () => {
  const cases = [
    ["FAILED", "OAuth callback failed during token exchange", { error: "invalid_grant" }],
    ["EXPIRED", "Permanent auth error during token refresh", { expired_at: "2026-01-15T09:40:00Z" }],
    ["REVOKED", "Revoked via user-initiated revoke endpoint", { revoked_at: "2026-01-15T09:41:00Z" }],
    // A disabled OAuth account keeps its tokens in state.val.
    [
      "INACTIVE",
      "Connection status updated by user",
      {
        access_token: SECRETS.accessToken,
        refresh_token: SECRETS.refreshToken,
        webhook_signature: SECRETS.webhookSignature,
        authed_user: { access_token: SECRETS.unlistedSecret, scope: "chat:write" },
      },
    ],
  ] as const;

  for (const [status, reason, val] of cases) {
    it(`${status}: status, statusReason, the account with its tokens redacted, no token in any view`, async () => {
      const final = account(status, {
        status_reason: reason,
        state: { authScheme: "OAUTH2", val: { status, ...val } },
        // The deprecated copies of the state carry the tokens too.
        data: { access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken },
        params: { proxy_password: SECRETS.proxyPassword },
      });
      const r = await waitAgainst(["INITIATED", (res) => json(res, 200, final)], {
        initialIntervalMs: 100,
        maxIntervalMs: 100,
      });
      const error = r.error as ConnectionFailedError;
      expect(error).toBeInstanceOf(ConnectionFailedError);
      expect(error).toBeInstanceOf(ComposioError);
      expect(error.name).toBe("ConnectionFailedError");
      expect(error.status).toBe(status);
      expect(error.statusReason).toBe(reason);
      expect(error.message).toBe(`Connected account ${ID} is ${status}: ${reason}`);
      // At once: no third poll, and no sleep after the second answer (one sleep, before it).
      expect(r.polls).toHaveLength(2);
      expect(r.asked.filter((ms) => ms <= 100)).toHaveLength(1);
      expect(error.account).toEqual({
        ...final,
        data: { access_token: REDACTED, refresh_token: REDACTED },
        params: { proxy_password: REDACTED },
        ...(status === "INACTIVE" && {
          state: {
            authScheme: "OAUTH2",
            val: {
              ...final.state.val,
              access_token: REDACTED,
              refresh_token: REDACTED,
              webhook_signature: REDACTED,
              authed_user: { access_token: REDACTED, scope: "chat:write" },
            },
          },
        }),
      });
      // The server did send them; none shows in the message, stack, toJSON, inspect or String().
      expect(JSON.stringify(final)).toContain(SECRETS.accessToken);
      expectNoSecrets(error);
      expect(JSON.parse(JSON.stringify(error))).toMatchObject({ status, statusReason: reason });
    });
  }

  it("a null status_reason: statusReason null, the message has the status alone", async () => {
    const r = await waitAgainst(["EXPIRED"]);
    const error = r.error as ConnectionFailedError;
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.statusReason).toBeNull();
    expect(error.message).toBe(`Connected account ${ID} is EXPIRED`);
    expect(r.polls).toHaveLength(1);
  });
});

describe("waitForConnection: failed polls", () => {
  it("404 ends it at once with NotFoundError", async () => {
    const r = await waitAgainst(["INITIATED", fail(404, "ConnectedAccount_NotFound")], {
      initialIntervalMs: 50,
    });
    expect(r.error).toBeInstanceOf(NotFoundError);
    expect((r.error as NotFoundError).slug).toBe("ConnectedAccount_NotFound");
    expect(r.polls).toHaveLength(2);
    expectNoSecrets(r.error);
  });

  it("401 ends it at once with AuthenticationError", async () => {
    const r = await waitAgainst(["INITIATED", fail(401, "Auth_InvalidApiKey")], { initialIntervalMs: 50 });
    expect(r.error).toBeInstanceOf(AuthenticationError);
    expect(r.polls).toHaveLength(2);
    expectNoSecrets(r.error);
  });

  it("a 503 that outlasts the poll's own retries is a missed look: the next poll goes on", async () => {
    const busy = fail(503, "Http_503", { "retry-after-ms": "0" });
    const r = await waitAgainst(["INITIATED", busy, busy, busy, "ACTIVE"], { initialIntervalMs: 50 });
    expect(r.value?.status).toBe("ACTIVE");
    // poll 2 is three attempts (the request's 2 retries), all 503; poll 3 sees ACTIVE.
    expect(r.polls).toHaveLength(5);
  });

  it("a 503 on a poll that is not retried is a missed look too", async () => {
    const r = await waitAgainst(["INITIATED", fail(503, "Http_503"), "ACTIVE"], {
      initialIntervalMs: 50,
      requestOptions: { maxRetries: 0 },
    });
    expect(r.value?.status).toBe("ACTIVE");
    expect(r.polls).toHaveLength(3);
  });

  it("a refused connection on one poll is a missed look", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    let sent = 0;
    const r = await waitAgainst(
      ["INITIATED", "ACTIVE"],
      { initialIntervalMs: 50, requestOptions: { maxRetries: 0 } },
      // The second poll goes to a port nothing listens on: ECONNREFUSED.
      (url, serverUrl) => (++sent === 2 ? url.replace(serverUrl, dead) : url),
    );
    expect(r.value?.status).toBe("ACTIVE");
    expect(sent).toBe(3);
    expect(r.polls).toHaveLength(2);
  });

  it("polls that only fail go on to the deadline, then ComposioTimeoutError", async () => {
    const r = await waitAgainst([fail(503, "Http_503")], {
      timeoutMs: 600,
      initialIntervalMs: 50,
      maxIntervalMs: 50,
      requestOptions: { maxRetries: 0 },
    });
    expect(r.error).toBeInstanceOf(ComposioTimeoutError);
    expect(r.polls.length).toBeGreaterThan(8);
    expect(r.ms).toBeGreaterThan(500);
    expect(r.ms).toBeLessThan(800);
  });
});

describe("waitForConnection: deadline and cancellation", () => {
  it("a server that stops answering: ComposioTimeoutError at timeoutMs, naming the id and the last status", async () => {
    const r = await waitAgainst(["INITIATED", hang], { timeoutMs: 1_500, initialIntervalMs: 100 });
    expect(r.error).toBeInstanceOf(ComposioTimeoutError);
    expect((r.error as Error).message).toMatch(
      new RegExp(
        `^waitForConnection: ${ID} was not ACTIVE within its timeoutMs of 1500 ms \\(still INITIATED at the last look, \\d+ ms in\\)$`,
      ),
    );
    expect((r.error as Error).cause).toBeInstanceOf(ComposioTimeoutError);
    // The hung poll was cut at the wait's deadline, not at the request's own 60 s.
    expect(r.ms).toBeGreaterThanOrEqual(1_450);
    expect(r.ms).toBeLessThan(1_900);
    expect(r.polls).toHaveLength(2);
  });

  it("a server that never answers: the message says the account was never read", async () => {
    const r = await waitAgainst([hang], { timeoutMs: 400 });
    expect(r.error).toBeInstanceOf(ComposioTimeoutError);
    expect((r.error as Error).message).toMatch(
      new RegExp(
        `^waitForConnection: ${ID} was not ACTIVE within its timeoutMs of 400 ms \\(never read at the last look, \\d+ ms in\\)$`,
      ),
    );
    expect(r.ms).toBeGreaterThanOrEqual(380);
    expect(r.ms).toBeLessThan(800);
  });

  it("abort during a poll: ComposioAbortError at once", async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const r = await waitAgainst(
      [
        "INITIATED",
        () =>
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort(new Error("user left"));
          }, 100),
      ],
      { signal: controller.signal, timeoutMs: 10_000, initialIntervalMs: 50 },
    );
    expect(r.error).toBeInstanceOf(ComposioAbortError);
    expect(r.settledAt - abortedAt).toBeLessThan(100);
    expect(r.polls).toHaveLength(2);
  });

  it("abort during the wait between polls: ComposioAbortError at once, well under the interval", async () => {
    const controller = new AbortController();
    const reason = new Error("user left");
    let abortedAt = 0;
    const r = await waitAgainst(
      [
        (res) => {
          json(res, 200, account("INITIATED"));
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort(reason);
          }, 100);
        },
      ],
      { signal: controller.signal, initialIntervalMs: 5_000 },
    );
    expect(r.error).toBeInstanceOf(ComposioAbortError);
    expect((r.error as Error).message).toBe("waitForConnection: aborted");
    expect((r.error as Error).cause).toBe(reason);
    expect(r.settledAt - abortedAt).toBeLessThan(100);
    expect(r.polls).toHaveLength(1);
  });

  it("an already aborted signal: ComposioAbortError, nothing sent", async () => {
    const r = await waitAgainst(["ACTIVE"], { signal: AbortSignal.abort() });
    expect(r.error).toBeInstanceOf(ComposioAbortError);
    expect(r.polls).toHaveLength(0);
  });
});

describe("the default schedule (pollDelay)", () => {
  /** The delay before poll n without jitter: 1 s × 1.5^(n-1), to 10 s. */
  const planned = (n: number) => (n === 0 ? 0 : Math.min(1_000 * 1.5 ** (n - 1), 10_000));
  /** Random schedules: the times of the polls up to `untilMs`. */
  const schedule = (untilMs: number) => {
    const times: number[] = [];
    for (let n = 0, at = 0; (at += pollDelay(n)) <= untilMs; n++) times.push(at);
    return times;
  };

  it("none before the first poll, then 1 s × 1.5 per poll to 10 s, each cut by at most a fifth", () => {
    expect(pollDelay(0)).toBe(0);
    for (let n = 1; n <= 12; n++) {
      const samples = Array.from({ length: 300 }, () => pollDelay(n));
      expect(Math.max(...samples), `delay ${n}`).toBeLessThanOrEqual(planned(n));
      expect(Math.min(...samples), `delay ${n}`).toBeGreaterThan(planned(n) * 0.8);
      // jittered: 300 samples spread over most of the fifth
      expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(planned(n) * 0.1);
    }
    expect(pollDelay(3, 100, 150)).toBeLessThanOrEqual(150);
    expect(pollDelay(2, 100, 150)).toBeGreaterThan(120);
  });

  it("ten minutes of polls cost about 65 requests (not 600, and no hot loop)", () => {
    // Without jitter (every delay at its longest): the fewest polls.
    const slowest: number[] = [];
    for (let n = 0, at = 0; (at += planned(n)) <= 600_000; n++) slowest.push(at);
    expect(slowest).toHaveLength(64);
    expect(slowest.slice(0, 7)).toEqual([0, 1_000, 2_500, 4_750, 8_125, 13_187.5, 20_781.25]);
    for (let run = 0; run < 500; run++) {
      const polls = schedule(600_000).length;
      expect(polls).toBeGreaterThanOrEqual(64);
      // Every delay cut by the most (a fifth): 79 polls at most.
      expect(polls).toBeLessThanOrEqual(79);
    }
    // The bounds the brief sets, for a reader: > 30 and < 100.
    expect(schedule(600_000).length).toBeGreaterThan(30);
    expect(schedule(600_000).length).toBeLessThan(100);
    // Over the default deadline of 10.5 minutes: a few more, still well under 100.
    expect(schedule(630_000).length).toBeLessThan(85);
  });

  it("a connection completed at 2 s is seen by 3.5 s at the latest", () => {
    // Poll n happens between 0.8× and 1× the sum of the planned delays before it. The first poll
    // sure to come at or after 2 s is the first whose earliest time is ≥ 2 s; its latest time bounds
    // when the connection is seen.
    let earliest = 0;
    let latest = 0;
    for (let n = 0; earliest < 2_000; n++) {
      earliest += planned(n) * 0.8;
      latest += planned(n);
    }
    expect(latest).toBe(2_500);
    expect(latest).toBeLessThanOrEqual(3_500);
    for (let run = 0; run < 500; run++) {
      expect(schedule(60_000).find((at) => at >= 2_000)).toBeLessThanOrEqual(2_500);
    }
  });
});

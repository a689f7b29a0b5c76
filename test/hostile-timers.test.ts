// Timers a hostile caller or clock cannot break (issue 14, points 5 and 9): waitForConnection's
// intervals are bounded like the client's timers, deadlines read the monotonic clock (a wall clock
// set back an hour ends nothing later), and the wait's last look comes at its deadline, with the
// call ending within a small bound after it. Real servers on 127.0.0.1; the wall clock is moved with
// vitest's fake `Date` only (timers, performance.now and fetch stay real).
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ComposioAbortError, ComposioError, ComposioTimeoutError } from "../src/index.js";
import { errorBody, json, serverPerTest, type Handler } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  const KEY = "ak_PLANTED_timers_key_8e21f0";
  const ID = "ca_4f9d2b7c1e0a";
  const account = (status: string) => ({ id: ID, status, status_reason: null });

  const serve = serverPerTest();
  afterEach(() => {
    vi.useRealTimers();
  });
  async function clientFor(handler: Handler) {
    const server = await serve(handler);
    return createComposioClient({ apiKey: KEY, baseUrl: server.url, logger: null }).connectedAccounts;
  }

  /** Fakes `Date` only (advancing with real time), so that a test can set the wall clock back. */
  function fakeWallClock(): void {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  }
  const HOUR = 3_600_000;

  describe("5. intervals bounded, deadlines on the monotonic clock", () => {
    it("an interval above 2^31 - 1 ms (which Node fires after 1 ms) is refused, naming the option", async () => {
      const accounts = await clientFor((_req, res) => json(res, 200, account("INITIATED")));
      for (const name of ["initialIntervalMs", "maxIntervalMs"]) {
        const error = await accounts
          .waitForConnection(ID, { [name]: 2 ** 31, timeoutMs: 2_000, signal: AbortSignal.timeout(2_000) })
          .catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(ComposioError);
        expect((error as Error).message).toBe(
          `waitForConnection: \`${name}\` must be a number of milliseconds ≥ 10, at most 2147483647 (got 2147483648).`,
        );
      }
      await expect(accounts.waitForConnection(ID, { timeoutMs: -1 })).rejects.toThrow(
        "waitForConnection: `timeoutMs` must be a number of milliseconds ≥ 0 (or Infinity) (got -1).",
      );
      expect(serve.last.requests).toHaveLength(0);
    });

    it("a wall clock set back an hour during a wait does not keep it running", async () => {
      fakeWallClock();
      const accounts = await clientFor((_req, res, n) => {
        if (n === 1) vi.setSystemTime(Date.now() - HOUR);
        json(res, 200, account("INITIATED"));
      });
      const started = performance.now();
      const error = await accounts
        .waitForConnection(ID, { timeoutMs: 400, initialIntervalMs: 50, signal: AbortSignal.timeout(3_000) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioTimeoutError);
      expect(performance.now() - started).toBeLessThan(1_500);
    });

    it("nor a call's totalTimeoutMs, between retries", async () => {
      fakeWallClock();
      const accounts = await clientFor((_req, res, n) => {
        if (n === 1) vi.setSystemTime(Date.now() - HOUR);
        json(res, 503, errorBody(503, "Busy", "busy"), { "retry-after-ms": "20" });
      });
      const started = performance.now();
      const error = await accounts
        .retrieve(ID, { totalTimeoutMs: 300, maxRetries: 1_000, signal: AbortSignal.timeout(3_000) })
        .catch((e: unknown) => e);
      // The 503 of the last attempt, or that attempt cut at the deadline: not the 3 s signal.
      expect(error).toBeInstanceOf(ComposioError);
      expect(error).not.toBeInstanceOf(ComposioAbortError);
      expect(serve.last.requests.length).toBeGreaterThan(1);
      expect(performance.now() - started).toBeLessThan(1_500);
    });
  });

  describe("9. the wait's last look comes at its deadline", () => {
    // Polls at once, then every 240–300 ms: the third look is past the 400 ms deadline, so the last
    // one comes at the deadline instead.
    const schedule = { timeoutMs: 400, initialIntervalMs: 300, maxIntervalMs: 300 };

    /**
     * A wait on that schedule after one warm-up retrieve (a cold first request takes ~100 ms, which
     * would shift every poll); `answer` is told when each poll came, in ms since the wait began.
     */
    async function timedWait(answer: (at: number, res: ServerResponse, poll: number) => void) {
      let started: number | undefined;
      const polls: number[] = [];
      const accounts = await clientFor((_req, res) => {
        if (started === undefined) return json(res, 200, account("INITIATED"));
        polls.push(performance.now() - started);
        answer(polls.at(-1)!, res, polls.length);
      });
      await accounts.retrieve(ID);
      started = performance.now();
      const result = await accounts.waitForConnection(ID, schedule).catch((e: unknown) => e);
      return { result, polls, ms: performance.now() - started };
    }

    it("an account that turns ACTIVE at 90% of timeoutMs is seen (3.6 s of 4 s, scaled down tenfold)", async () => {
      const { result, polls } = await timedWait((at, res) =>
        json(res, 200, account(at >= 360 ? "ACTIVE" : "INITIATED")),
      );
      expect(result, `polls at ${polls.map(Math.round).join(", ")} ms`).toMatchObject({ status: "ACTIVE" });
      expect(polls.at(-1)).toBeGreaterThanOrEqual(360);
    });

    it("never ACTIVE: the last look is sent at the deadline, and the wait ends soon after it", async () => {
      const { result, polls, ms } = await timedWait((_at, res) => json(res, 200, account("INITIATED")));
      expect(result).toBeInstanceOf(ComposioTimeoutError);
      expect((result as Error).message).toMatch(
        new RegExp(
          `^waitForConnection: ${ID} was not ACTIVE within its timeoutMs of 400 ms \\(still INITIATED`,
        ),
      );
      expect(polls, `polls at ${polls.map(Math.round).join(", ")} ms`).toHaveLength(3);
      expect(polls[2]).toBeGreaterThanOrEqual(395);
      expect(ms).toBeLessThan(700);
    });

    it("a last look that hangs gets at most half of timeoutMs (at most 1 s) past the deadline", async () => {
      const { result, ms } = await timedWait(
        (_at, res, poll) => poll < 3 && json(res, 200, account("INITIATED")),
      );
      expect(result).toBeInstanceOf(ComposioTimeoutError);
      expect((result as Error).cause).toBeInstanceOf(ComposioTimeoutError);
      expect(ms).toBeGreaterThanOrEqual(590);
      expect(ms).toBeLessThan(900);
    });
  });
});

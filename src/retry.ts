// The retry loop. A create is NOT idempotent and the API has no idempotency key, so by default it
// repeats a request only where an answer proves the server did nothing with it (REFUSED_STATUSES
// and NOT_SENT_CODES in retry-policy.ts): a 429, or a connection that failed before the request was sent.
// 500, 502, 503, 504, 408, timeouts and connections cut after sending may come after the API made
// the account: retrying them could make a second one, so they are retried only for reads and
// idempotent writes, or when the caller opts in (`retryUnsafe`). stripe-node retries its POSTs
// after such failures only because each carries an Idempotency-Key the API deduplicates; Composio
// has none. An abort is never retried; its error says, as a timeout's does, whether the server may
// have acted. Every timer is cleared before the call settles. Deadlines and durations read the
// monotonic clock (`performance.now()`): a wall clock set back an hour would otherwise keep a call
// waiting for an hour.
//
// All of that time is read and waited on through a `Clock` (the client's `clock` option): `now`,
// `setTimeout`, `clearTimeout`, the real ones by default. That is the vocabulary of sinon's and
// vitest's fake timers, which patch the globals instead: ours are never patched, as that would fake
// the user's and the test runner's timers too. stripe-node's tests stub its `_getSleepTimeInMS` to
// 0, openai-node's answer `Retry-After-Ms: 10`: neither shortens a timeout or a ten-minute poll,
// which the fake's clock (virtual time, src/testing/clock.ts) does. Timer functions rather than a
// `sleep(ms, signal)` keep the default path as it was (no promise or controller more per attempt).
import { later } from "./later.js";
import type { AttemptResult, Clock, RetrySettings } from "./types.js";

// What follows a failed attempt (an error status, no answer) is decided by retry-policy.ts, loaded
// with the failure's words (later.ts): an attempt that succeeds needs none of it.

/**
 * What aborts an attempt (its timeout, the caller's signal), and the signal the attempt reads: an
 * AbortController, or a sender's lighter stand-in (node-send.ts: an AbortController costs Node some
 * 20 µs of CPU a call to make and to listen to between requests).
 */
export interface AttemptController<S extends { readonly aborted: boolean }> {
  readonly signal: S;
  abort(): void;
}

export async function withRetries<T extends AttemptResult, S extends { readonly aborted: boolean }>(
  settings: RetrySettings,
  attempt: (signal: S) => Promise<T>,
  controller: () => AttemptController<S>,
): Promise<T> {
  const { signal, onAttempt, clock = REAL_CLOCK } = settings;
  const start = clock.now();
  const deadline = settings.totalTimeoutMs === undefined ? Infinity : start + settings.totalTimeoutMs;
  // Whether an attempt so far may have reached the server without an answer that proves it refused.
  let mayHaveActed = false;
  for (let retry = 0; ; retry++) {
    if (signal?.aborted)
      throw (await later()).abortError(
        settings,
        retry === 0 ? "before" : "waiting",
        mayHaveActed,
        signal.reason,
      );
    const attemptStart = clock.now();
    const budget = Math.min(settings.timeoutMs, deadline - attemptStart);
    const byDeadline = budget < settings.timeoutMs;
    const abort = controller();
    const stopForwarding = onAbort(signal, () => abort.abort());
    const timer = clock.setTimeout(() => abort.abort(), Math.max(0, budget));
    let delay: number | undefined;
    let failure: Error | undefined;
    let result: T | undefined;
    // A virtual clock (fake.clock) stands still while the attempt is on its way, and while its
    // error is made (the messages are loaded the first time).
    const ended = clock.attempt?.();
    try {
      result = await attempt(abort.signal);
      // An error status: the transport has loaded later's module already, to say what it was.
      const verdict = result.status >= 400 ? (await later()).afterStatus(settings, result, retry) : undefined;
      if (!verdict?.refused) mayHaveActed = true;
      delay = verdict?.delay;
    } catch (error) {
      ({ failure, delay, mayHaveActed } = (await later()).afterError(settings, error, {
        retry,
        timedOut: abort.signal.aborted,
        byDeadline,
        mayHaveActed,
      }));
    } finally {
      clock.clearTimeout(timer);
      ended?.();
      stopForwarding();
    }
    const now = clock.now();
    // No wait that would end past the deadline: the caller learns now what it would learn then.
    if (delay !== undefined && now + delay >= deadline) delay = undefined;
    onAttempt?.({
      attempt: retry + 1,
      ms: Math.round(now - attemptStart),
      status: result?.status,
      error: failure,
      retryInMs: delay,
    });
    if (delay === undefined) {
      if (failure) throw failure;
      return result!;
    }
    if (!(await sleep(delay, signal, clock)))
      throw (await later()).abortError(settings, "waiting", mayHaveActed, signal?.reason);
  }
}

/** Waits `ms` on `clock`: true when it has passed, false at once when `signal` aborts. Exported for waitForConnection. */
export function sleep(ms: number, signal: AbortSignal | null | undefined, clock: Clock): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const stop = onAbort(signal, () => {
      clock.clearTimeout(timer);
      resolve(false);
    });
    const timer = clock.setTimeout(() => {
      stop();
      resolve(true);
    }, ms);
  });
}

/** The real clock. Timers are called as functions, not methods: a browser refuses `setTimeout` called on another object. */
export const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** The one listener this package adds to a caller's signal, and the calls it tells. */
interface Watch {
  callbacks: Set<() => void>;
  listener: () => void;
}
const watches = new WeakMap<AbortSignal, Watch>();
const NOTHING = () => {};

/**
 * Calls `then` when `signal` aborts; returns the function that stops watching. However many calls
 * share one signal (50 concurrent calls, a wait and its polls), the signal gets one listener from
 * this package: more than 10 would set off Node's MaxListenersExceededWarning. The listener is
 * removed when the last call stops watching.
 */
function onAbort(signal: AbortSignal | null | undefined, then: () => void): () => void {
  if (!signal) return NOTHING;
  let watch = watches.get(signal);
  if (!watch) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      watches.delete(signal);
      for (const callback of callbacks) callback();
    };
    watches.set(signal, (watch = { callbacks, listener }));
    signal.addEventListener("abort", listener, { once: true });
  }
  const current = watch;
  current.callbacks.add(then);
  return () => {
    if (!current.callbacks.delete(then) || current.callbacks.size > 0) return;
    if (watches.get(signal) !== current) return;
    watches.delete(signal);
    signal.removeEventListener("abort", current.listener);
  };
}

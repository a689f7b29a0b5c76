// The retry loop. A create is NOT idempotent and the API has no idempotency key, so by default it
// repeats a request only where an answer proves the server did nothing with it (REFUSED_STATUSES
// and NOT_SENT_CODES below): a 429, or a connection that failed before the request was sent.
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
import { errorCode } from "./errors.js";
import { later } from "./later.js";
import type { AttemptResult, Clock, RetrySettings } from "./types.js";

/**
 * The statuses that prove the server did nothing, after which even a create is retried: only 429.
 * A rate limiter answers before the request goes on to be handled: the API's own (its envelope,
 * code 10429, is in the spec) and a gateway's alike, and no gateway turns an upstream's failure
 * into a 429, so its body need not be checked. 503 is not here: a gateway answers it after it
 * forwarded the request too (Envoy's "upstream connect error or disconnect/reset before headers",
 * a draining load balancer), when the API may have made the account; one link() retried on 503
 * made three. Neither the API's envelope nor a Retry-After proves otherwise (a handler that failed
 * half-way may answer either), and the spec declares no 503.
 */
const REFUSED_STATUSES = new Set([429]);
/** Retried for reads and idempotent writes, and when the caller opts in: the server may have acted. */
const UNSAFE_STATUSES = new Set([408, 500, 502, 503, 504]);
/** Error codes (Node, undici) that mean no byte of the request reached the server. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const INITIAL_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** The longest `Retry-After` honoured; a longer one ends the retries and surfaces the error. */
const MAX_RETRY_AFTER_MS = 60_000;

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
      if (!REFUSED_STATUSES.has(result.status)) mayHaveActed = true;
      delay = retry < settings.maxRetries ? delayAfterStatus(result, retry, settings.retryUnsafe) : undefined;
    } catch (error) {
      const failures = await later();
      // Aborted while the attempt ran: it may have been sent, unless it surely was not.
      if (signal?.aborted)
        throw failures.abortError(
          settings,
          "sent",
          mayHaveActed || !NOT_SENT_CODES.has(errorCode(error) ?? ""),
          failures.safeCause(error, failures.redactLine(settings)),
        );
      const timedOut = abort.signal.aborted;
      const limit = !timedOut ? undefined : byDeadline ? "totalTimeoutMs" : "timeoutMs";
      const requestSent = limit !== undefined || !NOT_SENT_CODES.has(errorCode(error) ?? "");
      failure = failures.attemptError(settings, error, limit, retry + 1, requestSent);
      if (requestSent) mayHaveActed = true;
      const retryable =
        retry < settings.maxRetries && !(timedOut && byDeadline) && (!requestSent || settings.retryUnsafe);
      delay = retryable ? backoff(retry) : undefined;
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

function delayAfterStatus(result: AttemptResult, retry: number, retryUnsafe: boolean): number | undefined {
  if (!REFUSED_STATUSES.has(result.status) && !(retryUnsafe && UNSAFE_STATUSES.has(result.status)))
    return undefined;
  const asked = retryAfterMs(result.headers);
  if (asked === undefined) return backoff(retry);
  return asked <= MAX_RETRY_AFTER_MS ? asked : undefined;
}

/** `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date; Infinity for a number too large to hold. */
function retryAfterMs(headers: Headers): number | undefined {
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  // "1e400" is Infinity seconds: longer than any wait honoured, so the retries end.
  const seconds = Number(value);
  if (seconds >= 0) return seconds * 1000;
  // An HTTP date has letters ("Wed, 21 Oct 2026 07:28:00 GMT"); Date.parse would also read "-5" as a year.
  // The date is the server's wall clock, so it is compared with ours (Date.now), not a monotonic one.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s … up to 8 s, each cut by up to a quarter. */
function backoff(retry: number): number {
  return Math.min(INITIAL_DELAY_MS * 2 ** retry, MAX_BACKOFF_MS) * (1 - Math.random() * 0.25);
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

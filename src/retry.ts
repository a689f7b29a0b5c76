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
import {
  ComposioAbortError,
  ComposioConnectionError,
  ComposioTimeoutError,
  MAY_HAVE_MADE_ACCOUNT,
  safeCause,
} from "./errors.js";
import type { Clock } from "./types.js";

export interface RetrySettings {
  maxRetries: number;
  /** Per attempt. */
  timeoutMs: number;
  /** For the whole call, attempts and waits included; undefined for none. */
  totalTimeoutMs?: number | undefined;
  /** Also retry failures after which the server may have acted (see above). */
  retryUnsafe: boolean;
  /** For messages: the operationId (or undefined for a route the raw client does not know). */
  operation?: string | undefined;
  /** For messages: the method and the path (its query is left out). */
  method: string;
  path: string;
  /** Scrubs the request's secrets from a message (an id the caller gave may be anything). */
  redact?: ((text: string) => string) | undefined;
  /** A read or an idempotent write: a call cut after it was sent harmed nothing. */
  idempotent: boolean;
  /** A call cut after it was sent may have made a connected account (create, link: `x-sdk-creates-account`). */
  createsAccount?: boolean | undefined;
  signal?: AbortSignal | null | undefined;
  /** Told of each attempt's end, for debug logging. */
  onAttempt?: ((event: AttemptEvent) => void) | undefined;
  /** What the waits and timeouts run on; the real clock when undefined. */
  clock?: Clock | undefined;
}

export interface AttemptEvent {
  attempt: number;
  ms: number;
  status: number | undefined;
  error: Error | undefined;
  /** Milliseconds until the next attempt, if there is one. */
  retryInMs: number | undefined;
}

/** What an attempt must report for the loop to decide. */
export interface AttemptResult {
  status: number;
  headers: Headers;
}

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

export async function withRetries<T extends AttemptResult>(
  settings: RetrySettings,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { signal, onAttempt, clock = REAL_CLOCK } = settings;
  const start = clock.now();
  const deadline = settings.totalTimeoutMs === undefined ? Infinity : start + settings.totalTimeoutMs;
  // Whether an attempt so far may have reached the server without an answer that proves it refused.
  let mayHaveActed = false;
  for (let retry = 0; ; retry++) {
    if (signal?.aborted)
      throw abortError(settings, retry === 0 ? "before" : "waiting", mayHaveActed, signal.reason);
    const attemptStart = clock.now();
    const budget = Math.min(settings.timeoutMs, deadline - attemptStart);
    const byDeadline = budget < settings.timeoutMs;
    const controller = new AbortController();
    const stopForwarding = onAbort(signal, () => controller.abort());
    const timer = clock.setTimeout(() => controller.abort(), Math.max(0, budget));
    let delay: number | undefined;
    let failure: ComposioConnectionError | undefined;
    let result: T | undefined;
    // A virtual clock (fake.clock) stands still while the attempt is on its way.
    const ended = clock.attempt?.();
    try {
      result = await attempt(controller.signal);
      if (!REFUSED_STATUSES.has(result.status)) mayHaveActed = true;
      delay = retry < settings.maxRetries ? delayAfterStatus(result, retry, settings.retryUnsafe) : undefined;
    } catch (error) {
      // Aborted while the attempt ran: it may have been sent, unless it surely was not.
      if (signal?.aborted)
        throw abortError(
          settings,
          "sent",
          mayHaveActed || !NOT_SENT_CODES.has(errorCode(error) ?? ""),
          safeCause(error, settings.redact ?? ((text) => text)),
        );
      const timedOut = controller.signal.aborted;
      const limit = !timedOut ? undefined : byDeadline ? "totalTimeoutMs" : "timeoutMs";
      failure = attemptError(settings, error, limit, retry + 1);
      if (failure.requestSent) mayHaveActed = true;
      const retryable =
        retry < settings.maxRetries &&
        !(timedOut && byDeadline) &&
        (!failure.requestSent || settings.retryUnsafe);
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
    await sleep(delay, signal, () => abortError(settings, "waiting", mayHaveActed, signal?.reason), clock);
  }
}

/**
 * The error for an attempt that got no answer: a timeout (`limit` names the one that ended it) or
 * a connection failure. It names the operation and the route, says whether the request may have
 * reached the server (`requestSent`), and, for a call that is not safe to repeat, what to do then.
 */
function attemptError(
  settings: RetrySettings,
  error: unknown,
  limit: "timeoutMs" | "totalTimeoutMs" | undefined,
  attempts: number,
): ComposioConnectionError {
  const requestSent = limit !== undefined || !NOT_SENT_CODES.has(errorCode(error) ?? "");
  // Built only here, when a call fails: the success path makes no message.
  const what = describeCall(settings);
  const redact = settings.redact ?? ((text: string) => text);
  const advice = adviceFor(settings, requestSent);
  // The cause is a copy (names, messages, codes): undici's parser error keeps the raw answer's bytes.
  const options = { cause: safeCause(error, redact), requestSent };
  if (limit === undefined) {
    const how = requestSent ? "the request may have reached the server" : "nothing was sent";
    const message = `${what}: connection failed (${how}): ${describeCause(error)}.${advice}`;
    return new ComposioConnectionError(redact(message), options);
  }
  // A clock of the caller's (fake.clock in a test) is not the wall's: a timeout a moment after the
  // call began is then no mystery.
  const on = settings.clock ? ", timed on the client's `clock`, not in real time" : "";
  const within =
    limit === "totalTimeoutMs"
      ? `totalTimeoutMs (${settings.totalTimeoutMs} ms${on}), after ${attempts} attempt(s)`
      : `timeoutMs (${settings.timeoutMs} ms${on})`;
  return new ComposioTimeoutError(redact(`${what}: no answer within ${within}.${advice}`), options);
}

/** `linkConnectedAccount (POST /api/v3.1/connected_accounts/link)`: the operation and its route, for messages. */
function describeCall(settings: RetrySettings): string {
  const route = `${settings.method} ${settings.path.split("?")[0]}`;
  return settings.operation ? `${settings.operation} (${route})` : route;
}

/** What to do after a call that may have reached the server, when repeating it is not safe. */
function adviceFor(settings: RetrySettings, requestSent: boolean): string {
  if (!requestSent || settings.idempotent) return "";
  return settings.createsAccount
    ? MAY_HAVE_MADE_ACCOUNT
    : " The server may have acted on it: check the account before repeating the call.";
}

/**
 * The error for the caller's abort: `before` any attempt, while one was `sent`, or while `waiting`
 * to retry. Like a timeout's, it says whether the server may have acted (`requestSent`), and for a
 * call not safe to repeat what to do then.
 */
function abortError(
  settings: RetrySettings,
  when: "before" | "sent" | "waiting",
  requestSent: boolean,
  cause: unknown,
): ComposioAbortError {
  const how =
    when === "before"
      ? "before the request was sent"
      : when === "sent"
        ? "after the request was sent"
        : "while waiting to retry";
  const message = `${describeCall(settings)}: aborted ${how}.${adviceFor(settings, requestSent)}`;
  return new ComposioAbortError(settings.redact ? settings.redact(message) : message, {
    cause,
    requestSent,
  });
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

/** Waits `ms` on `clock`; a signal ends the wait at once with the error `aborted` makes. Exported for waitForConnection. */
export function sleep(
  ms: number,
  signal: AbortSignal | null | undefined,
  aborted: () => ComposioAbortError,
  clock: Clock,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const stop = onAbort(signal, () => {
      clock.clearTimeout(timer);
      reject(aborted());
    });
    const timer = clock.setTimeout(() => {
      stop();
      resolve();
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

/** The first `code` in an error's cause chain (undici wraps the socket error, sometimes in an AggregateError). */
function errorCode(error: unknown): string | undefined {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause ?? e.errors?.[0], depth++) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
}

/** Every message down the cause chain ("fetch failed: connect ECONNREFUSED 127.0.0.1:1"), and the code. */
function describeCause(error: unknown): string {
  const messages: string[] = [];
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause ?? e.errors?.[0], depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !messages.includes(message)) messages.push(message);
  }
  const code = errorCode(error);
  const text = messages.join(": ");
  return code && !text.includes(code) ? `${text} (${code})` : text;
}

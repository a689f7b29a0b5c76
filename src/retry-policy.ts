// What the retry loop (retry.ts) does after an attempt that failed: an error status, or no answer.
// Loaded with the failure's words (later.ts), so an app's first chunk carries none of it: an attempt
// that succeeds is never retried. retry.ts's opening comment says why the policy is what it is.
import type { AttemptResult, RetrySettings } from "./types.js";

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
export const NOT_SENT_CODES = new Set([
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

/** After an error status: whether it proves the server did nothing (`refused`), and the delay before a retry, if one is made. */
export function afterStatus(
  settings: RetrySettings,
  result: AttemptResult,
  retry: number,
): { refused: boolean; delay: number | undefined } {
  return {
    refused: REFUSED_STATUSES.has(result.status),
    delay: retry < settings.maxRetries ? delayAfterStatus(result, retry, settings.retryUnsafe) : undefined,
  };
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
export function backoff(retry: number): number {
  return Math.min(INITIAL_DELAY_MS * 2 ** retry, MAX_BACKOFF_MS) * (1 - Math.random() * 0.25);
}

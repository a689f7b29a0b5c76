// What only a failed call or a log line needs, loaded by later.ts the first time one is made: the
// errors of an answer (and their classes), of an attempt that got none and of an abort, the
// redactor that scrubs them, and the debug and deprecation lines. A module that imports later.ts
// (retry.ts, transport.ts) decides what happened; this one only says it. Nothing here may import
// such a module back: it would be a circle, and would pull this module into the first chunk.
import {
  errorFromResponse,
  isRedirect,
  MAY_HAVE_MADE_ACCOUNT,
  oversizeAnswer,
  redirectError,
  safeCause,
  unreadableSuccess,
} from "./answers.js";
import {
  ComposioAbortError,
  ComposioConnectionError,
  ComposioError,
  ComposioTimeoutError,
  errorCode,
  parseJson,
} from "./errors.js";
import type { Log } from "./log.js";
import { describeAttempt, warnIfDeprecated } from "./log-lines.js";
import { CREDENTIALS, KEY_HELP, type Credential } from "./options.js";
import { redactorFor, type Redactor } from "./redact.js";
import { backoff, NOT_SENT_CODES } from "./retry-policy.js";
import type { AttemptEvent, RetrySettings } from "./types.js";

export { safeCause };
export { afterStatus } from "./retry-policy.js";
export { words } from "./refusals.js";
// For the helpers over a client (waitForConnection, confirmConnection, forUser).
export { collect, EXCERPT, redactorOf } from "./redact.js";

/**
 * Refuses, before anything is sent, an operation the client's key cannot call: the spec's security
 * lists the headers it accepts (`accepted`, undefined when every key will do), and the API answers
 * any other with a 401.
 */
export function checkCredential(
  credential: Credential,
  operation: string,
  accepted: readonly string[] | undefined,
): void {
  if (!accepted || accepted.includes(credential.header)) return;
  const needed = CREDENTIALS.filter((c) => accepted.includes(c.header));
  const names = needed.map((c) => `\`${c.option}\` (${c.what}, sent as ${c.header})`).join(" or ");
  throw new ComposioError(
    `${operation}: needs ${names || accepted.join(" or ")}; this client was made with \`${credential.option}\`, which the API refuses here (401). Nothing was sent. ${needed.some((c) => c.option === "apiKey") ? KEY_HELP : ""}`.trim(),
  );
}

/**
 * The error that ends a walk of pages making no progress: the server sent a cursor `again` (`n`: its
 * length; the cursor itself is the server's string, which may echo a secret), `n` `empty` pages in a
 * row, or there were `maxPages` (`n`) pages, after `count` pages.
 */
export function walkStopped(
  operation: string,
  why: "repeated" | "empty" | "maxPages",
  count: number,
  n: number,
): ComposioError {
  return new ComposioError(
    why === "repeated"
      ? `${operation}: the server sent a cursor again (${n} chars) after ${count} page(s); stopped instead of reading the same pages forever.`
      : why === "empty"
        ? `${operation}: the server sent ${n} empty pages in a row, each with a next cursor (after ${count} page(s)); stopped: the walk made no progress.`
        : `${operation}: stopped after \`maxPages\` (${n}) pages, and the server has more; pass a larger \`maxPages\` in the list's options to read on.`,
  );
}

/**
 * The error for a server's value of another type than the client branches on: it names the type,
 * never the value (which may be huge, or echo a secret). `redact` scrubs what the caller gave.
 */
export function wrongType(
  where: string,
  what: string,
  value: unknown,
  expected: string,
  redact = (text: string) => text,
): ComposioError {
  const type =
    value === undefined
      ? "missing"
      : value === null
        ? "null"
        : Array.isArray(value)
          ? "an array"
          : typeof value === "object"
            ? "an object"
            : `a ${typeof value}`;
  return new ComposioError(redact(`${where}: ${what} is ${type}, not ${expected}; it cannot be read.`));
}

/** The error of a wait (`where`: waitForConnection) that reached its `timeoutMs` (`ms` in), scrubbed by `redact`. */
export function waitTimedOut(
  where: string,
  id: string,
  timeoutMs: number,
  lastStatus: string | undefined,
  ms: number,
  redact: Redactor,
  cause: unknown,
): ComposioTimeoutError {
  const message = `${where}: ${id} was not ACTIVE within its timeoutMs of ${timeoutMs} ms (${
    lastStatus ? `still ${lastStatus}` : "never read"
  } at the last look, ${ms} ms in)`;
  return new ComposioTimeoutError(redact.text(message), { cause });
}

/** The redactor of each call's secrets, made once per call (settings are one call's). */
const redactors = new WeakMap<RetrySettings, Redactor>();

/** The redactor of the secrets of the call `settings` are for. */
export function redactorOfCall(settings: RetrySettings): Redactor {
  let redactor = redactors.get(settings);
  if (!redactor) {
    const { headers = {}, body, earlier } = settings.secrets ?? {};
    redactor = redactorFor(headers, body, earlier);
    redactors.set(settings, redactor);
  }
  return redactor;
}

/** A message of the call scrubbed of its secrets. */
export const redactLine =
  (settings: RetrySettings) =>
  (text: string): string =>
    redactorOfCall(settings).text(text);

/** A debug line for one attempt of the call, scrubbed. */
export const attemptLine = (settings: RetrySettings, event: AttemptEvent): string =>
  redactorOfCall(settings).text(describeAttempt(settings.method, settings.path, event));

/**
 * After an attempt that got no answer (it threw): the error to end the call with, the delay before
 * a retry if one is made, and whether the server may have acted on an attempt so far. An abort of
 * the caller's, while the attempt ran, is thrown at once: it may have been sent, unless it surely
 * was not.
 */
export function afterError(
  settings: RetrySettings,
  error: unknown,
  at: { retry: number; timedOut: boolean; byDeadline: boolean; mayHaveActed: boolean },
): { failure: ComposioConnectionError; delay: number | undefined; mayHaveActed: boolean } {
  const { retry, timedOut, byDeadline } = at;
  const notSent = NOT_SENT_CODES.has(errorCode(error) ?? "");
  if (settings.signal?.aborted)
    throw abortError(settings, "sent", at.mayHaveActed || !notSent, safeCause(error, redactLine(settings)));
  const limit = !timedOut ? undefined : byDeadline ? "totalTimeoutMs" : "timeoutMs";
  const requestSent = limit !== undefined || !notSent;
  const retryable =
    retry < settings.maxRetries && !(timedOut && byDeadline) && (!requestSent || settings.retryUnsafe);
  return {
    failure: attemptError(settings, error, limit, retry + 1, requestSent),
    delay: retryable ? backoff(retry) : undefined,
    mayHaveActed: at.mayHaveActed || requestSent,
  };
}

/**
 * The error for an attempt that got no answer: a timeout (`limit` names the one that ended it) or
 * a connection failure. It names the operation and the route, says whether the request may have
 * reached the server (`requestSent`), and, for a call that is not safe to repeat, what to do then.
 */
export function attemptError(
  settings: RetrySettings,
  error: unknown,
  limit: "timeoutMs" | "totalTimeoutMs" | undefined,
  attempts: number,
  requestSent: boolean,
): ComposioConnectionError {
  const what = describeCall(settings);
  const redact = redactLine(settings);
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
export function abortError(
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
  return new ComposioAbortError(redactLine(settings)(message), { cause, requestSent });
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

/** An answer as the transport read it. */
export interface Answer {
  status: number;
  headers: Headers;
  followedTo?: string | undefined;
  text: string;
  truncated: boolean;
}

/**
 * What the transport does with an answer that is not a JSON object with a success status, or that
 * carries a deprecation: throws the error for a redirect; warns of the deprecation (once per
 * operation); throws the error for an error status, a success larger than `maxBytes`, or one that
 * is no JSON object. Returns only for a success that was only deprecated.
 */
export function settle(
  settings: RetrySettings & { operation: string; url: string; maxBytes: number; log: Log },
  exchanged: Omit<Answer, "text">,
  text: string,
  parsed?: { value: unknown },
): void {
  // Its fields read here, not spread by the caller: a sender's headers may be a getter (node-send.ts).
  const { status, headers, followedTo, truncated } = exchanged;
  const answer: Answer = { status, headers, followedTo, text, truncated };
  const { operation, method, path, createsAccount } = settings;
  const redact = redactorOfCall(settings);
  if (isRedirect(status) || followedTo !== undefined) {
    throw redirectError(answer, settings.url, redact);
  }
  // The text is parsed once at most (the transport may have parsed it already).
  const value = () => (parsed ??= { value: parseJson(text) }).value;
  // The answer's own tokens are secrets of the warning too (a server may echo one in a header).
  warnIfDeprecated(settings.log, operation, method, path, headers, () => redact.with(value()));
  if (status < 200 || status > 299) {
    throw errorFromResponse(status, headers, { text, truncated }, redact, operation, createsAccount);
  }
  if (truncated) {
    throw oversizeAnswer(status, headers, settings.maxBytes, redact, method, path, createsAccount);
  }
  const body = value();
  // Every operation answers a JSON object: no body, null or HTML is an error, not a value.
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw unreadableSuccess(status, headers, text, body, redact, operation, createsAccount);
  }
}

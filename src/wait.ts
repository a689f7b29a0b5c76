// waitForConnection: polls retrieve until a connected account is ACTIVE.
//
// The schedule: a first look at once, then 1 s, growing by half each time, with jitter, to a 10 s
// cap. A user who finishes the OAuth screen in two seconds is noticed about as soon as by a 1 s
// poller; one who walks away costs ~72 requests over ten minutes (65 without jitter) instead of 600. The deadline holds
// even when a poll hangs: each attempt keeps the client's `timeoutMs`, and the whole poll, retries
// included, gets only the time that is left. When the next interval would pass the deadline, the last
// look comes at it, and gets at most a second to answer. A signal cuts a poll or a wait at once;
// every timer is cleared when the wait settles. Times are read from the monotonic clock, or the
// client's `clock` (the fake's, in a test: ten minutes of polls then pass in no real time).
import { retrieveConnectedAccount, type RetrieveConnectedAccountResponse } from "../generated/resources.js";
import { ComposioAbortError, ComposioApiError, ComposioConnectionError, cut } from "./errors.js";
import { checkKnown, checkNumber, MAX_TIMER_MS } from "./options.js";
import { ConnectionFailedError } from "./connection-failed.js";
import { later } from "./later.js";
import type { Redactor } from "./redact.js";
import { REAL_CLOCK, sleep } from "./retry.js";
import { EarlierSecrets } from "./earlier-secrets.js";
import type { RequestOptions, Transport } from "./types.js";

/** Statuses that end a wait with a ConnectionFailedError. INACTIVE: someone disabled the account meanwhile. */
const FINAL = new Set(["FAILED", "EXPIRED", "REVOKED", "INACTIVE"]);

/**
 * The server fails an INITIATED connection after 10 minutes; the default deadline is half a minute
 * more, so that a wait started at once ends with that FAILED status and its reason, not a timeout.
 */
const DEFAULT_TIMEOUT_MS = 630_000;
const INITIAL_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 10_000;
const GROWTH = 1.5;
/** The time the last look, sent at the deadline, gets to answer (or half of timeoutMs, if less). */
const LAST_LOOK_MS = 1_000;
/** The shortest interval between polls that may be asked for: no hot loop. */
const MIN_INTERVAL_MS = 10;

/** Options of `connectedAccounts.waitForConnection`. */
export interface WaitOptions {
  /**
   * How long to wait in all, polls included. The server fails a connection that is not completed
   * within 10 minutes.
   * @default 630000 (10.5 minutes)
   */
  timeoutMs?: number;
  /** Cancels the wait, during a poll or between polls, at once. */
  signal?: AbortSignal;
  /** The first interval between polls; later ones grow by half, to `maxIntervalMs`. @default 1000 */
  initialIntervalMs?: number;
  /** The longest interval between polls. @default 10000 */
  maxIntervalMs?: number;
  /** Options of each poll's request (headers, its own `timeoutMs` …); its `totalTimeoutMs` is cut to the time left. */
  requestOptions?: Omit<RequestOptions, "signal">;
}

/** The delay before poll `n` (0-based): none before the first, then 1 s growing by half to the cap, each cut by up to a fifth. */
export function pollDelay(n: number, initialMs = INITIAL_INTERVAL_MS, maxMs = MAX_INTERVAL_MS): number {
  if (n === 0) return 0;
  return Math.min(initialMs * GROWTH ** (n - 1), maxMs) * (1 - Math.random() * 0.2);
}

/**
 * `connectedAccounts.waitForConnection` as a function of its own: polls `retrieveConnectedAccount`
 * until the account is ACTIVE, and resolves it. Ends with a `ConnectionFailedError` on FAILED,
 * EXPIRED, REVOKED or INACTIVE, the `NotFoundError` on 404, a `ComposioTimeoutError` at
 * `timeoutMs` (default 10.5 minutes), a `ComposioAbortError` when `signal` fires, a `ComposioError`
 * when the answer's status is not a string (`["ACTIVE"]` is no status). Polls at once,
 * then after 1 s, growing by half to 10 s, with jitter; the last look comes at the deadline, and the
 * wait ends at most a second after it.
 *
 * @param transport From `createComposioTransport`.
 * @param id The connected account's id (`ca_…`), e.g. `link`'s `connected_account_id`.
 * @param options The deadline, a signal, the intervals, and each poll's request options.
 */
export async function waitForConnection(
  transport: Transport,
  id: string,
  options: WaitOptions = {},
): Promise<RetrieveConnectedAccountResponse> {
  checkKnown(WHERE, options, WAIT_OPTIONS);
  const { signal, requestOptions = {} } = options;
  const timeoutMs = optional("timeoutMs", options.timeoutMs, 0, Infinity) ?? DEFAULT_TIMEOUT_MS;
  const initialMs = optional("initialIntervalMs", options.initialIntervalMs, MIN_INTERVAL_MS, MAX_TIMER_MS);
  const maxMs = optional("maxIntervalMs", options.maxIntervalMs, initialMs ?? MIN_INTERVAL_MS, MAX_TIMER_MS);
  // The monotonic clock: a wall clock set back an hour would keep the wait going for an hour.
  const clock = transport.clock ?? REAL_CLOCK;
  const start = clock.now();
  const deadline = start + timeoutMs;
  // The last look is sent at the deadline and gets this long to answer (as does a poll sent just
  // before it); a poll that hangs earlier is cut at the deadline. So the wait ends no later than
  // this after its timeoutMs.
  const grace = Math.min(LAST_LOOK_MS, timeoutMs / 2);
  let lastStatus: string | undefined;
  /** The account last read: its tokens are secrets of the timeout's message too. */
  let lastAccount: unknown;
  let lastError: unknown;
  // What the server and the caller give passes the redactor that knows the client's key (loaded
  // when there is something to say: later.ts).
  // A wait is one call: each poll's errors are scrubbed of the tokens of the polls before it too.
  const earlier = new EarlierSecrets();
  const redactor = async () => (await later()).redactorOf(transport, requestOptions.headers, earlier.secrets);
  const timedOut = async () => {
    const ms = Math.round(clock.now() - start);
    const redact = (await redactor()).with(lastAccount);
    return (await later()).waitTimedOut(WHERE, id, timeoutMs, lastStatus, ms, redact, lastError);
  };
  for (let n = 0; ; n++) {
    // When the next interval would pass the deadline, the last look comes at the deadline instead.
    let delay = pollDelay(n, initialMs, maxMs);
    const left = deadline - clock.now();
    const lastLook = delay >= left;
    if (lastLook) delay = Math.max(0, left);
    // Between polls no request is out, and the polls only read: nothing the server may have done.
    if (delay > 0 && !(await sleep(delay, signal, clock)))
      throw new ComposioAbortError(WHERE + ": aborted", { cause: signal?.reason, requestSent: false });
    try {
      // Each attempt keeps the client's timeoutMs; the whole poll, retries included, gets only
      // what is left of the wait (at least the grace), so a hanging poll cannot overrun it.
      const account = await retrieveConnectedAccount(
        transport,
        id,
        earlier.on({
          ...requestOptions,
          signal,
          totalTimeoutMs: Math.min(
            requestOptions.totalTimeoutMs ?? Infinity,
            Math.max(deadline - clock.now(), grace, 1),
          ),
        }),
      );
      const given = (account as { status?: unknown } | null | undefined)?.status;
      const status =
        typeof given === "string"
          ? given
          : await stringField(account, "status", WHERE, id, textOf(await redactor()));
      if (status === "ACTIVE") return account;
      if (FINAL.has(status)) {
        const { EXCERPT } = await later();
        throw new ConnectionFailedError((await redactor()).with(account).value(account, EXCERPT));
      }
      // INITIALIZING, INITIATED, or a status this client does not know yet: keep waiting.
      lastStatus = cut(status, 100);
      lastAccount = account;
      await earlier.add(account);
    } catch (error) {
      // A poll that failed for a passing reason (no answer, 429, 5xx after its retries) is only a
      // missed look: the next one may succeed. A final status, an abort, 404 and other client
      // errors end the wait.
      if (!transient(error)) throw error;
      lastError = error;
    }
    if (lastLook || clock.now() >= deadline) throw await timedOut();
  }
}

const WHERE = "waitForConnection";

/** A redactor's `text`, as a function of a text. */
export const textOf =
  (redactor: Redactor) =>
  (text: string): string =>
    redactor.text(text);

/**
 * A field of an account the client branches on (`status`, `user_id`): a string, or the answer
 * cannot be read. `String(["ACTIVE"])` is "ACTIVE" too, so only a string is compared; a status of
 * another type is no status, known or unknown, and waiting on would poll the same answer until the
 * deadline.
 */
export async function stringField(
  account: unknown,
  field: "status" | "user_id",
  where: string,
  id: string,
  redact = (text: string) => text,
): Promise<string> {
  // A client of the caller's making may resolve anything, not even an object.
  const value: unknown = (account as Record<string, unknown> | null | undefined)?.[field];
  if (typeof value === "string") return value;
  throw (await later()).wrongType(where, `account ${id}'s \`${field}\``, value, "a string", redact);
}

/** Every option of WaitOptions: any other key is refused. */
const WAIT_OPTIONS = [
  "timeoutMs",
  "signal",
  "initialIntervalMs",
  "maxIntervalMs",
  "requestOptions",
] as const satisfies readonly (keyof WaitOptions)[];

/** A wait option, if it is a number within [min, max]; intervals are timers, so at most 2^31 - 1 ms. */
function optional(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  return checkNumber(WHERE, name, value, {
    text: `a number of milliseconds ≥ ${min}${max === Infinity ? " (or Infinity)" : `, at most ${max}`}`,
    test: (v) => v >= min && v <= max,
  });
}

function transient(error: unknown): boolean {
  if (error instanceof ComposioConnectionError) return true;
  return error instanceof ComposioApiError && (error.status === 429 || error.status >= 500);
}

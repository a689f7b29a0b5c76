// The contract between generated code and the runtime, as types only: what a generated operation
// hands to the transport, the options of one request, the retry loop's settings, and the compiled
// validators' shape. It imports nothing, so every file of src/ can use it without making a circle.

declare const unknownValue: unique symbol;

/**
 * A value the API sent that this version of the client does not know yet: an auth scheme or a
 * status added after its spec was written (the types of schemas marked `x-sdk-open` admit it).
 * At run time it is the string the server sent; `String(value)` reads it. The type is opaque on
 * purpose: comparing with a known literal (`=== "OAUTH2"`) still narrows to that member, and an
 * exhaustive `switch` over the known values keeps a reachable `default` branch, as it is at run time.
 */
export interface UnknownValue {
  readonly [unknownValue]: "a value this version of the client does not know";
}

/** Options of one request. Each one overrides the client's option of the same name. */
export interface RequestOptions {
  /** Cancels the request, and any wait between retries, at once. */
  signal?: AbortSignal;
  /** Milliseconds one attempt may take, from sending to the last byte of the answer. */
  timeoutMs?: number;
  /** Milliseconds the whole call may take: every attempt and every wait between them. */
  totalTimeoutMs?: number;
  /** How many times a failed attempt may be retried, where retrying is safe (see README). */
  maxRetries?: number;
  /** The most bytes the answer may have once decoded; past it the call ends with a ComposioApiError. */
  maxResponseBytes?: number;
  /**
   * For a list's `for await` and `.pages()`: the most pages the walk reads; past them it ends
   * with a ComposioError. `Infinity` for no limit.
   * @default 10000
   */
  maxPages?: number;
  /**
   * Also retry failures after which the server may have acted: 408, 500, 502, 503, 504, timeouts, and
   * connections cut after the request was sent. Reads and idempotent writes (update, updateStatus,
   * delete …) do by default. Creating calls (create, link, completeAuth, refresh, revoke) do not: a retried create
   * can make a second connected account. Set it there only where a duplicate is harmless to you.
   * @default true for reads and idempotent writes, false for the others
   */
  retryUnsafe?: boolean;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
}

/** What a generated operation hands to the transport, beside the method and the filled-in path. */
export interface RequestInput {
  /** The operationId. */
  operation: string;
  body?: unknown;
  /** A read, or a write the spec marks idempotent: failures after which the server may have acted are retried too. */
  idempotent?: boolean;
  /** A call cut after it was sent may have made a connected account (`x-sdk-creates-account`): its error says how to find it. */
  createsAccount?: boolean;
  /** The credential headers the operation takes, when not every key will do: another is refused before sending. */
  credentials?: readonly string[];
}

/**
 * The fields of one object of a request body, from the spec (generated/body-fields.ts). Closed,
 * it takes only those; `open` (the spec's `additionalProperties`, or an `x-sdk-open` union and
 * everything in it), it takes others too, but not one too near a listed name to be anything but
 * a misspelling of it.
 */
export interface BodyFields {
  readonly open?: true;
  /** Each listed name → the fields of its value, when that is an object (or an array of them); 0 when not. */
  readonly fields: Readonly<Record<string, BodyFields | 0>>;
}

/** Sends one operation and resolves to its parsed success body, or throws a ComposioError. */
export interface Transport {
  request<T>(
    method: string,
    path: string,
    input: RequestInput,
    options: RequestOptions | undefined,
  ): Promise<T>;
  /** The clock of the client's `clock` option, which waitForConnection waits on too; none for the real one. */
  readonly clock?: Clock | undefined;
}

/**
 * The time a client waits on: the backoff between retries, `Retry-After`, each attempt's
 * `timeoutMs`, `totalTimeoutMs`, and waitForConnection's polls and deadline. The default is the
 * real one (`performance.now()` and the host's timers); `fake.clock` of
 * `composio-connected-accounts/testing` is one on which no real time passes.
 */
export interface Clock {
  /** Milliseconds on a clock that never goes back, from any origin: deadlines and durations are read on it. */
  now(): number;
  /** Calls `callback` once `ms` milliseconds have passed on this clock; returns what `clearTimeout` takes. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a callback `setTimeout` returned, if it has not run. */
  clearTimeout(handle: unknown): void;
  /**
   * Optional, for a virtual clock: told that an attempt of the client starts (before its `fetch` is
   * called); returns the function the client calls when the attempt ends (answered, failed, timed
   * out or aborted). `fake.clock` stands still meanwhile, unless the fake leaves the request
   * unanswered: work the attempt does in real time (a fetch wrapper's, a socket's) takes none of
   * its time. The real clock has none.
   */
  attempt?(): () => void;
  /**
   * The time of day on this clock, in milliseconds since 1970 as `Date.now()` gives it, for a clock
   * that tells it (`fake.clock` does: the fake's time). What `forUser(…).linkOrReuse` reads a
   * pending link's age against, as the server's `created_at` is; without it, `Date.now()`.
   */
  epochNow?(): number;
}

/** Checks a request body before it is sent, and throws (a ComposioValidationError) to refuse it. */
export type RequestValidator = (operation: string, body: unknown) => void;

/** One error of a compiled validator (the fields of ajv's error objects that are used). */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, any>;
}

/** A validator compiled from the spec at generate time. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** One call's retry loop: its limits, what its messages name, and its secrets. */
export interface RetrySettings {
  maxRetries: number;
  /** Per attempt. */
  timeoutMs: number;
  /** For the whole call, attempts and waits included; undefined for none. */
  totalTimeoutMs?: number | undefined;
  /** Also retry failures after which the server may have acted (see retry.ts). */
  retryUnsafe: boolean;
  /** For messages: the operationId (or undefined for a route the raw client does not know). */
  operation?: string | undefined;
  /** For messages: the method and the path (its query is left out). */
  method: string;
  path: string;
  /**
   * The request's secrets: its headers (the key among them), the JSON text of its body, and in a
   * list walk or a wait the secrets of the answers read before. A message (an id the caller gave
   * may be anything) and a log line are scrubbed of them.
   */
  secrets?:
    | {
        headers: Record<string, string>;
        body?: string | undefined;
        earlier?: ReadonlySet<string> | undefined;
      }
    | undefined;
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

/** What an attempt must report for the retry loop to decide. */
export interface AttemptResult {
  status: number;
  headers: Headers;
}

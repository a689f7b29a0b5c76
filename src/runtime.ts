// The one file of src/ that generated code imports: the transport contract the generated resources
// call, and the query-string helper for operations that have query parameters. Keep it small and
// stable.

import { ComposioError } from "./errors.js";

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
   * Also retry failures after which the server may have acted: 408, 500, 502, 504, timeouts, and
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

export { PagePromise, type PaginationSpec } from "./pagination.js";

/**
 * A path parameter, percent-encoded. An empty value or a dot segment ("." or "..", which URL
 * parsing removes even when encoded) would send the request to another route — `retrieve("")` to
 * the list — so they are refused before anything is sent, as is a value that is not a string or a
 * number (`undefined` would become "/undefined").
 */
export function pathParam(value: unknown, name: string, operation: string): string {
  const text = typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  if (text === undefined || text === "" || text === "." || text === "..") {
    throw new ComposioError(
      `${operation}: \`${name}\` is ${text === undefined ? String(value) : JSON.stringify(text)}, which is no id: the request would go to another route.`,
    );
  }
  return encode(text, operation, name);
}

/**
 * A value percent-encoded; one with a lone surrogate (no UTF-8 for it) is refused, naming the
 * operation and the parameter (`name`; undefined for a query parameter's own name).
 */
function encode(value: string, operation: string, name: string | undefined): string {
  try {
    return encodeURIComponent(value);
  } catch {
    const at = value.search(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    throw new ComposioError(
      `${operation}: ${name === undefined ? "a query parameter's name" : `\`${name}\``} has a lone surrogate (half of a UTF-16 pair) at index ${at}, which no URL can carry.`,
    );
  }
}

/**
 * `?a=1&b=x&b=y` from query parameters, as the spec's `style` and `explode` say: an array repeats
 * its name (form, explode: true), or, named in `joined`, is one value with its items joined by the
 * delimiter (`statuses=ACTIVE,FAILED`). undefined and null are left out. `operation` names the
 * call in the error for a value no URL can carry.
 */
export function queryString(
  query: object | undefined,
  joined: Readonly<Record<string, string>> = {},
  operation = "queryString",
): string {
  const parts: string[] = [];
  const add = (key: string, value: string) => parts.push(`${encode(key, operation, undefined)}=${value}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    const items = (Array.isArray(value) ? value : [value]).filter(
      (item) => item !== undefined && item !== null,
    );
    const delimiter = Array.isArray(value) ? joined[key] : undefined;
    if (delimiter !== undefined) {
      if (items.length) add(key, items.map((item) => encode(String(item), operation, key)).join(delimiter));
    } else for (const item of items) add(key, encode(String(item), operation, key));
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

/** Sends one operation and resolves to its parsed success body, or throws a ComposioError. */
export interface Transport {
  request<T>(
    method: string,
    path: string,
    input: RequestInput,
    options: RequestOptions | undefined,
  ): Promise<T>;
}

/** One problem the local validator found in a request, before anything was sent. */
export interface ValidationIssue {
  /** Where, as a dotted path into the body: `connection.state.val`. */
  path: string;
  /** What is wrong, for people: `OAUTH2 ACTIVE requires access_token`. */
  message: string;
  /** The JSON Schema rule that failed: `required`, `type`, `discriminator` … */
  rule: string;
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

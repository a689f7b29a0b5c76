// Errors a caller can act on: a class per failure, the API's fields lifted to the top, and a
// message written for people (never the raw JSON body).

import { cut, parseJson, type Redactor } from "./redact.js";

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Longest excerpt of a non-JSON or unexpected body kept in a message. */
const EXCERPT_CHARS = 200;
/**
 * The longest of each envelope field a message quotes: what a user acts on (the message, the slug,
 * the fix, the request id) fits; a server's 30 MB "message" does not reach a log.
 */
const FIELD_CHARS = { message: 500, slug: 100, fix: 500, requestId: 100, detail: 200 } as const;
/** How many of the API's details (`error.errors`) a message quotes; the rest are counted. */
const MAX_DETAILS = 3;

/** What an error after a create or link says: the answer does not prove that no account was made. */
export const MAY_HAVE_MADE_ACCOUNT =
  " The server may have made the connected account: before making another, look for it with connectedAccounts.list({ user_ids: [userId], auth_config_ids: [authConfigId] }), newest first.";

/**
 * Marks this package's errors. The ESM and the CommonJS build may both be loaded in one process
 * (an ESM app with a CommonJS dependency that uses this package too), each with its own classes:
 * `instanceof` then checks this brand and the class names, so an error thrown by one build is an
 * instance of the other's classes. `Symbol.for` gives both builds the same symbol.
 */
const BRAND = Symbol.for("composio-connected-accounts.error");

/** Fields of an error in a cause chain that say what happened, and never carry the answer's bytes. */
const CAUSE_FIELDS = ["code", "errno", "syscall"] as const;

/**
 * A copy of an error and its causes (five deep) with only their names, messages (scrubbed, cut
 * to 500 characters) and codes: what a cause says, without what it holds. undici's parser error
 * keeps the rest of the raw answer in `data` (later headers, a body with tokens), and a `fetch`
 * given by the caller may throw anything; `util.inspect(error)` would print it all.
 */
export function safeCause(error: unknown, redact: (text: string) => string, depth = 0): Error | undefined {
  if (error === undefined || error === null || depth >= 5) return undefined;
  try {
    return copyOf(error, redact, depth);
  } catch {
    // a getter that throws: the cause says only that there was one
    return new Error("(an error that could not be read)");
  }
}

function copyOf(error: unknown, redact: (text: string) => string, depth: number): Error {
  const source = error as { name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const text = (value: unknown, max: number) => redact(cut(typeof value === "string" ? value : "", max));
  const next = source.cause ?? (Array.isArray(source.errors) ? source.errors[0] : undefined);
  const cause = safeCause(next, redact, depth + 1);
  const copy = new Error(text(typeof error === "string" ? error : source.message, 500), cause && { cause });
  copy.name = text(source.name, 100) || "Error";
  for (const field of CAUSE_FIELDS) {
    const value = (error as Record<string, unknown>)[field];
    if (typeof value === "number" || (typeof value === "string" && value.length <= 100))
      Object.assign(copy, { [field]: value });
  }
  // The stack of the copy is where it was made, which says nothing: its name and message say it all.
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/** The base of every error this package throws. */
// Each class names itself with a getter on its prototype (not an instance field): `instanceof`
// across builds reads the names along the prototype chain, and the stack starts with the name.
export class ComposioError extends Error {
  override get name(): string {
    return "ComposioError";
  }

  get [BRAND](): true {
    return true;
  }

  /** `instanceof` that also holds for the same class of another build of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // A caller's own subclass has no name of its own on its prototype: plain `instanceof` only.
    if (typeof value !== "object" || value === null || !(BRAND in value)) return false;
    if (!Object.hasOwn(this.prototype, "name")) return false;
    const wanted = this.prototype.name;
    for (let p = Object.getPrototypeOf(value); p; p = Object.getPrototypeOf(p)) {
      if (Object.hasOwn(p, "name") && p.name === wanted) return true;
    }
    return false;
  }

  /**
   * What `JSON.stringify` shows: the name, the message and the error's own fields (status, slug,
   * requestId, body, issues …), all already redacted; `headers` is left out.
   */
  toJSON(): Record<string, unknown> {
    const { headers: _headers, ...fields } = this as { headers?: unknown };
    return { ...fields, name: this.name, message: this.message };
  }
}

/** The fields of the API's error envelope, `{ error: { message, code, slug, ... } }`, as they may arrive. */
export interface ErrorEnvelopeFields {
  message?: unknown;
  code?: unknown;
  slug?: unknown;
  request_id?: unknown;
  suggested_fix?: unknown;
  errors?: unknown;
}

/** The server answered with an error status (or a success body that could not be read). */
// Fields set in constructors are `declare`d: no field initializers are emitted for them.
export class ComposioApiError extends ComposioError {
  override get name(): string {
    return "ComposioApiError";
  }
  /** The HTTP status. */
  declare readonly status: number;
  /** The response headers. */
  declare readonly headers: Headers;
  /** The response body: parsed JSON, or the text when it was not JSON. */
  declare readonly body: unknown;
  /** The API's numeric error code (600–699: connected-account errors; 10000–10999: HTTP-level). */
  declare readonly code: number | undefined;
  /** The API's machine-readable error name, e.g. `ConnectedAccount_BadRequest`. */
  declare readonly slug: string | undefined;
  /** The request id, from the body or the `x-request-id` header: quote it to Composio support. */
  declare readonly requestId: string | undefined;
  /** What the API suggests changing. */
  declare readonly suggestedFix: string | undefined;
  /** Details, one per problem the API found. */
  declare readonly errors: string[] | undefined;

  constructor(
    status: number,
    headers: Headers,
    body: unknown,
    message: string,
    envelope: ErrorEnvelopeFields = {},
  ) {
    super(message);
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.code = typeof envelope.code === "number" ? envelope.code : undefined;
    this.slug = str(envelope.slug);
    this.requestId = str(envelope.request_id) ?? headers.get("x-request-id") ?? undefined;
    this.suggestedFix = str(envelope.suggested_fix);
    this.errors = Array.isArray(envelope.errors)
      ? envelope.errors.filter((e) => str(e) !== undefined)
      : undefined;
  }
}

/** 400: the request was malformed or refused. */
export class BadRequestError extends ComposioApiError {
  override get name(): string {
    return "BadRequestError";
  }
}
/**
 * 400 from `connectedAccounts.create` for a Composio-managed OAuth auth config: create no longer
 * makes those connections. Call `connectedAccounts.link` instead, send the user to its
 * `redirect_url`, then `connectedAccounts.waitForConnection`.
 */
export class ManagedOAuthNotSupportedError extends BadRequestError {
  override get name(): string {
    return "ManagedOAuthNotSupportedError";
  }
  /** Where such connections are made now: the endpoint of `connectedAccounts.link`. */
  readonly linkEndpoint = "POST /api/v3.1/connected_accounts/link";
  /** The method that makes such connections now. */
  readonly useInstead = "connectedAccounts.link";
}
/** 401: the API key is missing, wrong, or both credential headers were sent. */
export class AuthenticationError extends ComposioApiError {
  override get name(): string {
    return "AuthenticationError";
  }
}
/** 403: the key may not do this. */
export class PermissionDeniedError extends ComposioApiError {
  override get name(): string {
    return "PermissionDeniedError";
  }
}
/** 404: what the call names does not exist: the connected account (never existed, or deleted), or the auth config. */
export class NotFoundError extends ComposioApiError {
  override get name(): string {
    return "NotFoundError";
  }
}
/** 409: the request conflicts with the current state. */
export class ConflictError extends ComposioApiError {
  override get name(): string {
    return "ConflictError";
  }
}
/** 422: the auth scheme could not be resolved or the account is in an invalid state. */
export class UnprocessableEntityError extends ComposioApiError {
  override get name(): string {
    return "UnprocessableEntityError";
  }
}
/** 429: too many requests; retried by default after the server's `Retry-After`. */
export class RateLimitError extends ComposioApiError {
  override get name(): string {
    return "RateLimitError";
  }
}
/** 5xx: the server failed. */
export class InternalServerError extends ComposioApiError {
  override get name(): string {
    return "InternalServerError";
  }
}
/** 501: the server does not support this (yet). */
export class NotImplementedError extends InternalServerError {
  override get name(): string {
    return "NotImplementedError";
  }
}

/**
 * 3xx: the server answered with a redirect, which the client does not follow, so that the key and
 * the request body never reach another address. Usually `baseUrl` is not the API's address.
 */
export class RedirectError extends ComposioApiError {
  override get name(): string {
    return "RedirectError";
  }
  /** Where the redirect pointed: origin and path (no query), or undefined when it was not given or hidden (a browser's opaque redirect). */
  declare readonly location: string | undefined;

  constructor(
    status: number,
    headers: Headers,
    body: unknown,
    message: string,
    location: string | undefined,
  ) {
    super(status, headers, body, message);
    this.location = location;
  }
}

/** The request did not get an answer: DNS, refused or reset connection, TLS … */
export class ComposioConnectionError extends ComposioError {
  override get name(): string {
    return "ComposioConnectionError";
  }
  /**
   * false when the request surely never reached the server (connection refused, DNS, host
   * unreachable): nothing happened there. true when it was sent, or may have been (a connection
   * cut after sending, a timeout): the server may have acted on it, e.g. made the account.
   */
  declare readonly requestSent: boolean;

  constructor(message: string, options?: ErrorOptions & { requestSent?: boolean }) {
    super(message, options);
    this.requestSent = options?.requestSent ?? true;
  }
}
/** No answer in time: an attempt took longer than `timeoutMs`, the call longer than `totalTimeoutMs`, or a wait longer than its `timeoutMs`. */
export class ComposioTimeoutError extends ComposioConnectionError {
  override get name(): string {
    return "ComposioTimeoutError";
  }
}
/** The caller's `signal` aborted the request. */
export class ComposioAbortError extends ComposioError {
  override get name(): string {
    return "ComposioAbortError";
  }
  /**
   * false when the server surely did nothing with the call: it was aborted before a request was
   * sent, or while waiting to retry requests that were refused (429, connection refused). true when
   * a request was sent, or may have been, and nothing proved it refused: the server may have acted
   * on it (a `create` or `link` may have made the account, and the message says how to find it).
   */
  declare readonly requestSent: boolean;

  constructor(message: string, options?: ErrorOptions & { requestSent?: boolean }) {
    super(message, options);
    this.requestSent = options?.requestSent ?? true;
  }
}

const CLASS_BY_STATUS: Record<number, typeof ComposioApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  501: NotImplementedError,
};

/** A response body as read: `truncated` when reading stopped at a size limit. */
export interface BodyText {
  text: string;
  truncated: boolean;
}

/**
 * The error for an error response, from its status, headers and body text (at most 64 KiB). Its
 * message, headers and body pass the redactor in one go, with the answer's own secrets added.
 * After a create or link (`createsAccount`), a status that does not prove nothing happened says
 * how to look for the account.
 */
export function errorFromResponse(
  status: number,
  headers: Headers,
  { text, truncated }: BodyText,
  requestRedactor: Redactor,
  operation = "",
  createsAccount = false,
): ComposioApiError {
  const parsed = parseJson(text);
  const envelope = isEnvelope(parsed) ? parsed.error : undefined;
  const Class = classFor(status, envelope, operation);
  // A status HTTP does not have (a Response cannot even carry it) is named as such.
  const odd =
    status < 100 || status > 599 ? `${operation}: status ${status} is no HTTP status (100–599): ` : "";
  // Each quote of the server's is cut to its length (the redactor ends a quoted value at a cut's "…").
  const quote = (before: string, value: unknown, max: number, after = "") =>
    typeof value === "string" ? `${before}${cut(value, max)}${after}` : "";
  const requestId =
    typeof envelope?.request_id === "string" ? envelope.request_id : headers.get("x-request-id");
  const message = !envelope
    ? `${odd}${status} ${describeBody(text, truncated)}`
    : `${odd}${status}${quote(" ", envelope.slug, FIELD_CHARS.slug)}: ${
        quote("", envelope.message, FIELD_CHARS.message) || "(no message)"
      }${details(envelope.errors)}${quote(" — ", envelope.suggested_fix, FIELD_CHARS.fix)}${
        Class === ManagedOAuthNotSupportedError ? " Use connectedAccounts.link." : ""
      }${quote(" (request_id ", requestId, FIELD_CHARS.requestId, ")")}`;
  // The answer's own secrets (an account's tokens) are scrubbed wherever else it quotes them.
  // A 5xx or a 408 may come after the API acted (a gateway's 503 after it forwarded the request);
  // a 501 says the API does not do this at all.
  const unsure =
    createsAccount && ((status >= 500 && status !== 501) || status === 408)
      ? `.${MAY_HAVE_MADE_ACCOUNT}`
      : "";
  const safe = requestRedactor.with(parsed).seal(message + unsure, headers, parsed ?? text);
  const fields = isEnvelope(safe.value) ? safe.value.error : {};
  return new Class(status, safe.headers, safe.value, safe.message, fields);
}

// REDIRECTS: the client follows none. The API answers its JSON operations directly; a redirect
// means `baseUrl` is not the API's address (an old host, an http→https upgrade, a proxy's login
// page). Following one would send the key, and the body with the service credentials in it, to
// wherever it points; even a same-origin 307/308 would re-send a create that is not idempotent,
// and 301/302/303 would turn it into a GET. So every 3xx ends the call with a RedirectError that
// says where it pointed, and the plain-http rule on `baseUrl` holds for every request sent.

/** Whether a status is a redirect: a 3xx, or the opaque redirect a browser's fetch gives (status 0). */
export const isRedirect = (status: number): boolean => status === 0 || (status >= 300 && status <= 399);

/** An answer that is a redirect; `followedTo` is set when a `fetch` followed it despite `redirect: "manual"`. */
export interface RedirectAnswer extends BodyText {
  status: number;
  headers: Headers;
  followedTo?: string | undefined;
}

/** The error for a redirect answer to a request sent to `url`. */
export function redirectError(answer: RedirectAnswer, url: string, requestRedactor: Redactor): RedirectError {
  const { status, headers, text, followedTo } = answer;
  const parsed = parseJson(text);
  const redact = requestRedactor.with(parsed);
  const target = followedTo ?? headers.get("location");
  let location: string | undefined;
  try {
    const to = new URL(target ?? "", url);
    if (target) {
      // URL parsing lowercases the host and re-encodes the path: a secret in the Location as sent
      // would escape the redactor there. Where it holds one, the Location is shown as sent, scrubbed.
      const path = target.split("?", 1)[0]!.split("#", 1)[0]!;
      const absolute = /^[a-z][\w+.-]*:/i.test(path)
        ? path
        : path.startsWith("//")
          ? `${to.protocol}${path}`
          : `${to.origin}${path.startsWith("/") ? path : to.pathname}`;
      const sent = cut(absolute, FIELD_CHARS.message);
      const safe = redact.text(sent);
      location = safe !== sent ? safe : redact.text(cut(`${to.origin}${to.pathname}`, FIELD_CHARS.message));
    }
  } catch {
    // an unreadable Location is reported as "elsewhere"
  }
  const what =
    followedTo !== undefined
      ? `The \`fetch\` given followed a redirect to ${location}, despite \`redirect: "manual"\`;`
      : status === 0
        ? "A redirect (its target hidden by the browser) was not followed:"
        : `${status} redirect to ${location ?? "elsewhere"} not followed:`;
  const safe = redact.seal(
    `${what} the key and request bodies go to ${new URL(url).origin} only. Is \`baseUrl\` the API's address?`,
    headers,
    parsed ?? text,
  );
  return new RedirectError(status, safe.headers, safe.value, safe.message, location);
}

/**
 * A success answer that is not the JSON object every operation answers with: no body, a body that
 * is not JSON, or JSON that is no object (`null`, an array …). `parsed` is the body as parsed
 * (undefined when it is not JSON). After a create or link, the account may have been made.
 */
export function unreadableSuccess(
  status: number,
  headers: Headers,
  text: string,
  parsed: unknown,
  requestRedactor: Redactor,
  operation: string,
  createsAccount = false,
): ComposioApiError {
  const what =
    parsed !== undefined
      ? `is ${kindOf(parsed)}, not a JSON object`
      : /^\s*$/.test(text)
        ? "has no body, not a JSON object"
        : `is not JSON: ${describeBody(text)}`;
  const advice = createsAccount ? `.${MAY_HAVE_MADE_ACCOUNT}` : "";
  const safe = requestRedactor
    .with(parsed)
    .seal(`${operation}: ${status} response ${what}${advice}`, headers, parsed ?? text);
  return new ComposioApiError(status, safe.headers, safe.value, safe.message);
}

/** What a JSON value is, without quoting it. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a JSON array of ${value.length} item(s)`;
  if (typeof value === "string") return `a JSON string of ${value.length} character(s)`;
  return `a JSON ${typeof value}`;
}

/** A success answer larger than `maxResponseBytes`: reading stopped there and the connection was dropped. */
export function oversizeAnswer(
  status: number,
  headers: Headers,
  maxResponseBytes: number,
  redact: Redactor,
  method: string,
  path: string,
  createsAccount = false,
): ComposioApiError {
  const advice = createsAccount ? MAY_HAVE_MADE_ACCOUNT : "";
  const safe = redact.seal(
    `${status} answer to ${method} ${cut(path.split("?")[0]!, FIELD_CHARS.message)} is larger than maxResponseBytes (${maxResponseBytes} bytes, decoded): reading stopped there and the connection was dropped.${advice}`,
    headers,
    undefined,
  );
  return new ComposioApiError(status, safe.headers, undefined, safe.message);
}

function classFor(
  status: number,
  envelope: ErrorEnvelopeFields | undefined,
  operation: string,
): typeof ComposioApiError {
  // The retired case is create's only, and has only a generic slug: the pointer to /link in its
  // text is what tells it apart.
  const text = [envelope?.message, envelope?.suggested_fix].filter((v) => typeof v === "string").join(" ");
  if (status === 400 && operation === "createConnectedAccount" && /\/connected_accounts\/link\b/.test(text))
    return ManagedOAuthNotSupportedError;
  return CLASS_BY_STATUS[status] ?? (status >= 500 ? InternalServerError : ComposioApiError);
}

/** How answers are read (it lives beside the redactor, which reads a sent body with it). */
export { parseJson };

function isEnvelope(body: unknown): body is { error: ErrorEnvelopeFields } {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { error?: unknown }).error === "object" &&
    (body as { error: unknown }).error !== null
  );
}

/**
 * The API's details as a message quotes them (` (auth_config_id: Required; and 2 more)`): the
 * first few strings, each cut (a 400's "Invalid request" says nothing of which field without
 * them). Items that are not strings, which the spec does not promise, are left out, as from
 * `errors`.
 */
function details(errors: unknown): string {
  const texts = Array.isArray(errors) ? errors.filter((e): e is string => typeof e === "string") : [];
  if (!texts.length) return "";
  const more = texts.length - MAX_DETAILS;
  const shown = texts.slice(0, MAX_DETAILS).map((e) => cut(e, FIELD_CHARS.detail));
  return ` (${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""})`;
}

/** A short, one-line excerpt of a body that is not the error envelope (only its start is read). */
function describeBody(text: string, truncated = false): string {
  const whole = !truncated && text.length <= 4 * EXCERPT_CHARS;
  const flat = text
    .slice(0, 4 * EXCERPT_CHARS)
    .replace(/\s+/g, " ")
    .trim();
  if (flat === "" && whole) return "(empty body)";
  if (flat.length <= EXCERPT_CHARS && whole) return flat;
  return `${flat.slice(0, EXCERPT_CHARS)}… (${truncated ? "over " : ""}${text.length} chars)`;
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

/** The opt-in local validator refused a request body; nothing was sent. */
export class ComposioValidationError extends ComposioError {
  override get name(): string {
    return "ComposioValidationError";
  }
  /** Every problem found, with its field path and rule. */
  declare readonly issues: ValidationIssue[];

  constructor(operation: string, issues: ValidationIssue[]) {
    super(
      `Invalid body for ${operation}:\n${issues.map((i) => `  ${i.path || "(body)"}: ${i.message}`).join("\n")}`,
    );
    this.issues = issues;
  }
}

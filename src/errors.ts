// Errors a caller can act on: a class per failure, the API's fields lifted to the top, and a
// message written for people (never the raw JSON body). The classes only: what makes an error of an
// answer, and its message, is answers.ts's, loaded with the first failure (later.ts).

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * Marks this package's errors. The ESM and the CommonJS build may both be loaded in one process
 * (an ESM app with a CommonJS dependency that uses this package too), each with its own classes:
 * `instanceof` then checks this brand and the class names, so an error thrown by one build is an
 * instance of the other's classes. `Symbol.for` gives both builds the same symbol.
 */
const BRAND = Symbol.for("composio-connected-accounts.error");

/** The text cut to `max` characters, saying how long it was. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** The JSON value of a text; undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first `code` in an error's cause chain (undici wraps the socket error, sometimes in an AggregateError). */
export function errorCode(error: unknown): string | undefined {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause ?? e.errors?.[0], depth++) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
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

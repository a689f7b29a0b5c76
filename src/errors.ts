// Errors a caller can act on: a class per failure, the API's fields lifted to the top, and a
// message written for people (never the raw JSON body).

import { isSensitiveKey, REDACTED, type Redactor } from "./redact.js";
import type { ValidationIssue } from "./runtime.js";

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Longest excerpt of a non-JSON or unexpected body kept in a message. */
const EXCERPT_CHARS = 200;

/** The base of every error this package throws. */
export class ComposioError extends Error {
  override name = "ComposioError";

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
  override name = "ComposioApiError";
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
  override name = "BadRequestError";
}
/**
 * 400 for a Composio-managed OAuth auth config: this endpoint no longer creates those connections.
 * Call `POST /api/v3/connected_accounts/link` instead.
 */
export class ManagedOAuthNotSupportedError extends BadRequestError {
  override name = "ManagedOAuthNotSupportedError";
  /** Where such connections are made now. */
  readonly linkEndpoint = "POST /api/v3/connected_accounts/link";
}
/** 401: the API key is missing, wrong, or both credential headers were sent. */
export class AuthenticationError extends ComposioApiError {
  override name = "AuthenticationError";
}
/** 403: the key may not do this. */
export class PermissionDeniedError extends ComposioApiError {
  override name = "PermissionDeniedError";
}
/** 404: the auth config (or another referenced object) does not exist. */
export class NotFoundError extends ComposioApiError {
  override name = "NotFoundError";
}
/** 409: the request conflicts with the current state. */
export class ConflictError extends ComposioApiError {
  override name = "ConflictError";
}
/** 422: the auth scheme could not be resolved or the account is in an invalid state. */
export class UnprocessableEntityError extends ComposioApiError {
  override name = "UnprocessableEntityError";
}
/** 429: too many requests; retried by default after the server's `Retry-After`. */
export class RateLimitError extends ComposioApiError {
  override name = "RateLimitError";
}
/** 5xx: the server failed. */
export class InternalServerError extends ComposioApiError {
  override name = "InternalServerError";
}
/** 501: the server does not support this (yet). */
export class NotImplementedError extends InternalServerError {
  override name = "NotImplementedError";
}

/** The request did not get an answer: DNS, refused or reset connection, TLS … */
export class ComposioConnectionError extends ComposioError {
  override name = "ComposioConnectionError";
}
/** An attempt took longer than `timeoutMs`. */
export class ComposioTimeoutError extends ComposioConnectionError {
  override name = "ComposioTimeoutError";
}
/** The caller's `signal` aborted the request. */
export class ComposioAbortError extends ComposioError {
  override name = "ComposioAbortError";
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

/** The error for an error response, from its status, headers and body text, with the request's secrets scrubbed. */
export function errorFromResponse(
  status: number,
  headers: Headers,
  { text, truncated }: BodyText,
  redact: Redactor,
): ComposioApiError {
  const safeHeaders = redactHeaders(headers, redact);
  const body = redact.value(parseJson(text));
  const envelope = isEnvelope(body) ? body.error : undefined;
  const Class = classFor(status, envelope);
  if (!envelope)
    return new Class(
      status,
      safeHeaders,
      body ?? redact.text(text),
      `${status} ${describeBody(redact.text(text), truncated)}`,
    );
  const slug = str(envelope.slug);
  const fix = str(envelope.suggested_fix);
  const requestId = str(envelope.request_id) ?? headers.get("x-request-id");
  const message = `${status}${slug ? ` ${slug}` : ""}: ${str(envelope.message) ?? "(no message)"}${fix ? ` — ${fix}` : ""}${requestId ? ` (request_id ${requestId})` : ""}`;
  return new Class(status, safeHeaders, body, message, envelope);
}

/** A success status whose body is not the JSON the operation promises. */
export function unreadableSuccess(
  status: number,
  headers: Headers,
  text: string,
  redact: Redactor,
): ComposioApiError {
  const safe = redact.text(text);
  return new ComposioApiError(
    status,
    redactHeaders(headers, redact),
    safe,
    `${status} response is not JSON: ${describeBody(safe)}`,
  );
}

function classFor(status: number, envelope: ErrorEnvelopeFields | undefined): typeof ComposioApiError {
  // The retired case has only a generic slug: the pointer to /link in its text is what tells it apart.
  const text = `${String(envelope?.message ?? "")} ${String(envelope?.suggested_fix ?? "")}`;
  if (status === 400 && /\/connected_accounts\/link\b/.test(text)) return ManagedOAuthNotSupportedError;
  return CLASS_BY_STATUS[status] ?? (status >= 500 ? InternalServerError : ComposioApiError);
}

function redactHeaders(headers: Headers, redact: Redactor): Headers {
  const safe = new Headers();
  headers.forEach((value, name) => safe.append(name, isSensitiveKey(name) ? REDACTED : redact.text(value)));
  return safe;
}

export function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isEnvelope(body: unknown): body is { error: ErrorEnvelopeFields } {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as { error?: unknown }).error === "object" &&
    (body as { error: unknown }).error !== null
  );
}

/** A short, one-line excerpt of a body that is not the error envelope. */
function describeBody(text: string, truncated = false): string {
  if (text.trim() === "") return "(empty body)";
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT_CHARS && !truncated) return flat;
  return `${flat.slice(0, EXCERPT_CHARS)}… (${truncated ? "over " : ""}${text.length} chars)`;
}

/** The opt-in local validator refused a request body; nothing was sent. */
export class ComposioValidationError extends ComposioError {
  override name = "ComposioValidationError";
  /** Every problem found, with its field path and rule. */
  declare readonly issues: ValidationIssue[];

  constructor(operation: string, issues: ValidationIssue[]) {
    super(
      `Invalid body for ${operation}:\n${issues.map((i) => `  ${i.path || "(body)"}: ${i.message}`).join("\n")}`,
    );
    this.issues = issues;
  }
}

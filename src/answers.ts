// The errors of answers and causes, and their messages: what an error status, a redirect, a success
// that cannot be read or is too large, and a failed connection's cause become. Only a failure needs
// it: it is loaded with the first one (later.ts), and imported by no module the success path loads.
import {
  AuthenticationError,
  BadRequestError,
  ComposioApiError,
  ConflictError,
  cut,
  type ErrorEnvelopeFields,
  InternalServerError,
  ManagedOAuthNotSupportedError,
  NotFoundError,
  NotImplementedError,
  parseJson,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  UnprocessableEntityError,
} from "./errors.js";
import type { Redactor } from "./redact.js";

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

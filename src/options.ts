// Client options, checked once: shared by createComposioClient and createRawClient, so both send
// the same credential, headers and User-Agent, with the same retry defaults and logging.
import { DEFAULT_BASE_URL, PATH_PREFIXES, VERSION } from "../generated/meta.js";
import { ComposioError } from "./errors.js";
import { checkHeaders } from "./headers.js";
import { createLog, LEVELS, type Log, type Logger, type LogLevel } from "./log.js";
import type { RetrySettings } from "./retry.js";
import type { RequestValidator } from "./runtime.js";

/** The options of `createComposioClient` (and `createRawClient`) other than the credential. */
export interface ClientSettings {
  /**
   * The API's address. `http:` is refused unless it is a loopback address or `allowInsecureHttp`.
   * @default "https://backend.composio.dev"
   */
  baseUrl?: string;
  /** Allow an `http:` baseUrl that is not loopback: the key would cross the network in clear. @default false */
  allowInsecureHttp?: boolean;
  /** The `fetch` to send with; pass one to add a proxy, instrumentation or a test double. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Milliseconds one attempt may take, from sending to the last byte of the answer.
   * @default 60000
   */
  timeoutMs?: number;
  /** Milliseconds a whole call may take, every attempt and wait included. @default undefined (no limit) */
  totalTimeoutMs?: number;
  /**
   * How many times a failed attempt may be retried where the server surely did not act
   * (429, 503, connection refused). See `RequestOptions.retryUnsafe` for the rest.
   * @default 2
   */
  maxRetries?: number;
  /** Headers sent with every request. They may not carry the credential headers. */
  headers?: Record<string, string>;
  /** Where warnings and debug lines go; `null` for nowhere. @default console */
  logger?: Logger | null;
  /** The least severe level logged: deprecation warnings are `warn`, per-attempt lines `debug`. @default "warn" */
  logLevel?: LogLevel;
  /**
   * Checks every request body before it is sent. Pass `validateRequest` from
   * `composio-connected-accounts/validate`; left out, no validator is loaded.
   */
  validate?: RequestValidator;
}

/** Client options: exactly one credential, `apiKey` or `userApiKey`. */
// The `userApiKey` member comes first: when options have neither key, TypeScript's error names the
// last member's missing property, and `apiKey` is the one most callers mean.
export type ClientOptions = ClientSettings &
  (
    | {
        /** A user API key, sent as `x-user-api-key`. */
        userApiKey: string;
        apiKey?: never;
      }
    | {
        /** Your project API key, sent as `x-api-key`. */
        apiKey: string;
        userApiKey?: never;
      }
  );

/** Options after their checks, ready for a transport. */
export interface ResolvedOptions {
  /** The key given: its option's name and the header it is sent in. */
  credential: Credential;
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  defaults: Pick<RetrySettings, "maxRetries" | "timeoutMs" | "totalTimeoutMs">;
  log: Log;
  validate: RequestValidator | undefined;
}

/** Sent with every request (browsers may drop it); a `user-agent` in `headers` replaces it. */
const USER_AGENT = `composio-connected-accounts/${VERSION}`;

/** Checks the options; every message starts with `where`, the function the caller called. */
export function resolveOptions(options: ClientOptions, where: string): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new ComposioError(
      `${where}: pass the options, e.g. ${where}({ apiKey: process.env.COMPOSIO_API_KEY }) (got ${describe(options)}).`,
    );
  }
  const credential = pickCredential(options, where);
  const headers = {
    "user-agent": USER_AGENT,
    ...checkHeaders(options.headers ?? {}, `${where}: headers`),
    [credential.header]: credential.value,
  };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function")
    throw new ComposioError(`${where}: no fetch here; pass one as \`fetch\`.`);
  const logLevel = options.logLevel ?? "warn";
  if (!LEVELS.includes(logLevel)) {
    throw new ComposioError(
      `${where}: \`logLevel\` must be one of ${LEVELS.map((l) => JSON.stringify(l)).join(", ")} (got ${describe(logLevel)}).`,
    );
  }
  return {
    credential,
    baseUrl: checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp === true, where),
    headers,
    fetch: fetchImpl,
    defaults: {
      maxRetries: 2,
      timeoutMs: 60_000,
      ...checkLimits(where, options),
    },
    log: createLog(options.logger, logLevel, where),
    validate: options.validate,
  };
}

/**
 * The limits given among `options` (a client's or one request's), checked: `maxRetries` a whole
 * number ≥ 0; `timeoutMs` and `totalTimeoutMs` numbers > 0 (0 would end every call at once);
 * `retryUnsafe` a boolean. Each message names the option and says what it got.
 */
export function checkLimits(
  where: string,
  options: { maxRetries?: unknown; timeoutMs?: unknown; totalTimeoutMs?: unknown; retryUnsafe?: unknown },
): { maxRetries?: number; timeoutMs?: number; totalTimeoutMs?: number } {
  const limits: { maxRetries?: number; timeoutMs?: number; totalTimeoutMs?: number } = {};
  for (const name of ["maxRetries", "timeoutMs", "totalTimeoutMs"] as const) {
    const value = options[name];
    if (value === undefined) continue;
    const retries = name === "maxRetries";
    // An attempt's timeout is a timer: above 2^31 - 1 ms Node would fire it at once. The whole
    // call's may be Infinity (no limit).
    const max =
      name === "timeoutMs" ? MAX_TIMER_MS : name === "totalTimeoutMs" ? Infinity : Number.MAX_SAFE_INTEGER;
    if (
      typeof value !== "number" ||
      Number.isNaN(value) ||
      value > max ||
      (retries ? value < 0 || !Number.isInteger(value) : value <= 0)
    ) {
      throw new ComposioError(
        `${where}: \`${name}\` must be ${retries ? "a whole number ≥ 0" : `a number of milliseconds > 0${name === "timeoutMs" ? `, at most ${MAX_TIMER_MS}` : ""}`} (got ${describe(value)}).`,
      );
    }
    limits[name] = value;
  }
  if (options.retryUnsafe !== undefined && typeof options.retryUnsafe !== "boolean")
    throw new ComposioError(
      `${where}: \`retryUnsafe\` must be true or false (got ${describe(options.retryUnsafe)}).`,
    );
  return limits;
}

/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** A value as a message shows it: strings quoted and called strings, so `"5000"` is not taken for 5000. */
export function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (value === null || typeof value === "number" || typeof value === "boolean" || value === undefined)
    return String(value);
  return `a ${Array.isArray(value) ? "array" : typeof value}`;
}

/** Where the keys come from, for messages about a missing one. */
const KEY_HELP =
  "Project API keys are in Composio's dashboard (Settings → API Keys); most apps read one from an environment variable such as COMPOSIO_API_KEY.";

/** The credential options, and the header each is sent in. */
const CREDENTIALS = [
  { option: "apiKey", header: "x-api-key", what: "your project API key" },
  { option: "userApiKey", header: "x-user-api-key", what: "a user API key" },
] as const;

export interface Credential {
  option: (typeof CREDENTIALS)[number]["option"];
  header: string;
  value: string;
}

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

function pickCredential(options: ClientOptions, where: string): Credential {
  const candidates = CREDENTIALS.map((c) => ({
    option: c.option,
    header: c.header,
    value: options[c.option] as unknown,
  }));
  const given = candidates.filter((c) => c.value !== undefined);
  if (given.length > 1) {
    throw new ComposioError(`${where}: pass \`apiKey\` or \`userApiKey\`, not both.`);
  }
  if (given.length === 0) {
    // `{ apiKey: process.env.X! }` with X unset arrives as a key whose value is undefined.
    const named = candidates.find((c) => c.option in options);
    throw new ComposioError(
      named
        ? `${where}: \`${named.option}\` is undefined; is its environment variable set? ${KEY_HELP}`
        : `${where}: pass \`apiKey\` (your project API key, sent as x-api-key) or \`userApiKey\`. ${KEY_HELP}`,
    );
  }
  const [credential] = given as [(typeof candidates)[number]];
  if (typeof credential.value !== "string") {
    throw new ComposioError(
      `${where}: \`${credential.option}\` must be a string (got ${describe(credential.value)}).`,
    );
  }
  if (credential.value.trim() === "") {
    throw new ComposioError(`${where}: \`${credential.option}\` is empty; is its environment variable set?`);
  }
  if (/[\r\n\0]/.test(credential.value)) {
    throw new ComposioError(
      `${where}: \`${credential.option}\` has a line break (CR or LF) or NUL; was it read with a trailing newline?`,
    );
  }
  return { option: credential.option, header: credential.header, value: credential.value };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The base URL, if it is https, or http to loopback (or with the caller's explicit consent). */
function checkBaseUrl(baseUrl: unknown, allowInsecureHttp: boolean, where: string): string {
  let url: URL;
  try {
    if (typeof baseUrl !== "string") throw new TypeError();
    url = new URL(baseUrl);
  } catch {
    throw new ComposioError(`${where}: \`baseUrl\` is not a URL (got ${describe(baseUrl)}).`);
  }
  if (url.search || url.hash) {
    throw new ComposioError(
      `${where}: \`baseUrl\` may not carry a query or a fragment: every request path is added to its end.`,
    );
  }
  if (url.username || url.password) {
    throw new ComposioError(`${where}: \`baseUrl\` may not carry a user name or password.`);
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !allowInsecureHttp) {
    throw new ComposioError(
      `${where}: \`baseUrl\` ${url.origin} is plain http, so the key would travel unencrypted. Use https, or \`allowInsecureHttp: true\`.`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ComposioError(`${where}: \`baseUrl\` must be http(s), not ${url.protocol}`);
  }
  // Every operation's path starts with /api/v3.1: a baseUrl ending so would double it.
  const path = url.pathname.replace(/\/+$/, "");
  const doubled = PATH_PREFIXES.filter((prefix) => path.endsWith(prefix)).pop();
  if (doubled) {
    throw new ComposioError(
      `${where}: \`baseUrl\` ends with ${doubled}, which every request path already starts with; use ${url.origin}${path.slice(0, -doubled.length)} instead.`,
    );
  }
  return baseUrl as string;
}

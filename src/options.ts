// Client options, checked once: shared by createComposioClient and createRawClient, so both send
// the same credential, headers and User-Agent, with the same retry defaults and logging.
import { DEFAULT_BASE_URL, PATH_PREFIXES, VERSION } from "../generated/meta.js";
import { ComposioError } from "./errors.js";
import { checkHeaders } from "./headers.js";
import { createLog, LEVELS, type Log, type Logger, type LogLevel } from "./log.js";
import type { Clock, RequestOptions, RequestValidator, RetrySettings } from "./types.js";

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
   * The most bytes an answer may have once decoded (gzip and all): past it, the call ends with a
   * `ComposioApiError` and the connection is dropped. Error answers are read only up to 64 KiB.
   * @default 33554432 (32 MiB)
   */
  maxResponseBytes?: number;
  /**
   * How many times a failed attempt may be retried where the server surely did not act
   * (429, connection refused); reads and idempotent writes also after 408 and 5xx. See `RequestOptions.retryUnsafe` for the rest.
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
  /**
   * The clock the client waits on: retries' backoff and `Retry-After`, the timeouts, and
   * waitForConnection's polls and deadline. In tests, pass `fake.clock` of
   * `composio-connected-accounts/testing`: those waits then take no real time.
   * @default the real one (`performance.now()` and the host's timers)
   */
  clock?: Clock;
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
  /** Whether `fetch` was given: then it sends, on Node too (not the Node transport). */
  fetchGiven: boolean;
  /** What each call's retry loop starts from: the limits a request may override, and the clock. */
  defaults: Pick<RetrySettings, "maxRetries" | "timeoutMs" | "totalTimeoutMs" | "clock"> & {
    maxResponseBytes: number;
  };
  log: Log;
  validate: RequestValidator | undefined;
}

/** Every option of ClientOptions: any other key is refused (see checkKnown). */
const CLIENT_OPTIONS = [
  "apiKey",
  "userApiKey",
  "baseUrl",
  "allowInsecureHttp",
  "fetch",
  "timeoutMs",
  "totalTimeoutMs",
  "maxResponseBytes",
  "maxRetries",
  "headers",
  "logger",
  "logLevel",
  "validate",
  "clock",
] as const satisfies readonly (keyof ClientSettings | "apiKey" | "userApiKey")[];

/** Sent with every request (browsers may drop it); a `user-agent` in `headers` replaces it. */
const USER_AGENT = `composio-connected-accounts/${VERSION}`;

/** Checks the options; every message starts with `where`, the function the caller called. */
export function resolveOptions(options: ClientOptions, where: string): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new ComposioError(
      `${where}: pass the options, e.g. ${where}({ apiKey: process.env.COMPOSIO_API_KEY }) (got ${shapeOf(options)}${typeof options === "string" ? ", which is not shown: it may be the key" : ""}).`,
    );
  }
  checkKnown(where, options, CLIENT_OPTIONS);
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
  // From JavaScript, anything (the whole fake, say, not its `clock`).
  const clock: Partial<Clock> | undefined = options.clock;
  if (clock !== undefined) {
    const required = ["now", "setTimeout", "clearTimeout"] as const;
    const optional = ["attempt", "epochNow"] as const;
    if (!required.every((name) => typeof clock?.[name] === "function"))
      throw new ComposioError(
        `${where}: \`clock\` must have now, setTimeout and clearTimeout functions (got ${describe(clock)}).`,
      );
    const wrong = optional.find((name) => clock[name] !== undefined && typeof clock[name] !== "function");
    if (wrong)
      throw new ComposioError(
        `${where}: \`clock.${wrong}\` must be a function, or left out (got ${describe(clock[wrong])}).`,
      );
  }
  return {
    credential,
    baseUrl: checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp === true, where),
    headers,
    fetch: fetchImpl,
    fetchGiven: options.fetch !== undefined,
    defaults: {
      maxRetries: 2,
      timeoutMs: 60_000,
      maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
      clock: options.clock,
      ...checkLimits(where, options),
    },
    log: createLog(options.logger, logLevel, where),
    validate: options.validate,
  };
}

/** The headers each transport or client sends (its credential among them), for what runs on top of it. */
const known = new WeakMap<object, Record<string, string>>();

/** Remembers what a transport sends, so that helpers given it (waitForConnection, confirmConnection) know its secrets. */
export function rememberHeaders(sender: object, headers: Record<string, string>): void {
  known.set(sender, headers);
}

/** Remembers that `client` sends what `transport` sends. */
export function rememberAs(client: object, transport: object): void {
  rememberHeaders(client, known.get(transport) ?? {});
}

/** The headers a transport or client of this package sends; none for another object. */
export const headersOf = (sender: object): Record<string, string> | undefined => known.get(sender);

/** The longest delay a timer takes (2^31 - 1 ms, about 24.8 days): Node fires a longer one at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The default `maxResponseBytes`: 32 MiB, about ten times a page of a thousand accounts with their
 * state. No answer of this API comes near it; a gzip answer that decodes to gigabytes stops there.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** A numeric option's rule: what it must be, in words for the message, and the test. */
interface NumberRule {
  text: string;
  test: (value: number) => boolean;
}

// An attempt's timeout is a timer: above MAX_TIMER_MS Node would fire it at once. The whole
// call's may be Infinity (no limit), as may a walk's number of pages.
const LIMIT_RULES = {
  maxRetries: { text: "a whole number ≥ 0", test: (v) => Number.isInteger(v) && v >= 0 },
  timeoutMs: {
    text: `a number of milliseconds > 0, at most ${MAX_TIMER_MS}`,
    test: (v) => v > 0 && v <= MAX_TIMER_MS,
  },
  totalTimeoutMs: { text: "a number of milliseconds > 0", test: (v) => v > 0 },
  maxResponseBytes: { text: "a whole number of bytes > 0", test: (v) => Number.isSafeInteger(v) && v > 0 },
  maxPages: {
    text: "a whole number > 0, or Infinity",
    test: (v) => v === Infinity || (Number.isInteger(v) && v > 0),
  },
} satisfies Record<string, NumberRule>;

type Limits = { -readonly [name in keyof typeof LIMIT_RULES]?: number };

/** `value` if it is a number that passes `rule`; otherwise an error naming the option and what it got. */
export function checkNumber(where: string, name: string, value: unknown, rule: NumberRule): number {
  if (typeof value !== "number" || !rule.test(value)) {
    throw new ComposioError(`${where}: \`${name}\` must be ${rule.text} (got ${describe(value)}).`);
  }
  return value;
}

/**
 * The limits given among `options` (a client's or one request's), checked: `maxRetries` a whole
 * number ≥ 0; `timeoutMs` and `totalTimeoutMs` numbers > 0 (0 would end every call at once);
 * `maxResponseBytes` and `maxPages` whole numbers > 0; `retryUnsafe` a boolean. Each message
 * names the option and says what it got.
 */
export function checkLimits(where: string, options: object): Limits {
  const given = options as Record<string, unknown>;
  const limits: Limits = {};
  for (const name of Object.keys(LIMIT_RULES) as (keyof typeof LIMIT_RULES)[]) {
    const value = given[name];
    if (value !== undefined) limits[name] = checkNumber(where, name, value, LIMIT_RULES[name]);
  }
  if (given.retryUnsafe !== undefined && typeof given.retryUnsafe !== "boolean")
    throw new ComposioError(
      `${where}: \`retryUnsafe\` must be true or false (got ${describe(given.retryUnsafe)}).`,
    );
  return limits;
}

/** Every option of RequestOptions: any other key is refused. */
const REQUEST_OPTIONS = [
  "signal",
  "timeoutMs",
  "totalTimeoutMs",
  "maxRetries",
  "retryUnsafe",
  "maxResponseBytes",
  "maxPages",
  "headers",
] as const satisfies readonly (keyof RequestOptions)[];

/** One request's options, checked: no unknown key, and the limits as `checkLimits` says. */
export function checkRequestOptions(where: string, options: RequestOptions): Limits {
  checkKnown(where, options, REQUEST_OPTIONS);
  return checkLimits(where, options);
}

/**
 * Refuses a key of `options` that is not among `known` (a JavaScript caller's `timeout` for
 * `timeoutMs` would otherwise be ignored without a word), naming it and the nearest known one.
 */
export function checkKnown(where: string, options: unknown, known: readonly string[]): void {
  // From JavaScript, a bare value where the options go (@composio/core's `waitForConnection(id,
  // 5000)`), or an object whose keys are not its own fields (a Map, a Promise), has no keys to
  // refuse and would be ignored without a word.
  if (!isPlainObject(options)) {
    if (options === undefined) return;
    const timeout = typeof options === "number" && known.includes("timeoutMs");
    throw new ComposioError(
      `${where}: the options are a plain object, ${timeout ? `\`{ timeoutMs: ${options} }\` for a deadline` : `of ${codeList(known)}`} (got ${shapeOf(options)}).`,
    );
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    throw new ComposioError(`${where}: unknown option \`${key}\`; ${didYouMean(key, known)}`);
  }
}

/**
 * What to tell of `key`, which is none of `known` (a non-empty list): the nearest known name when it
 * is near enough to be a misspelling (a few edits, or one name inside the other), else every one.
 */
export function didYouMean(key: string, known: readonly string[]): string {
  const best = known.reduce((a, b) => (distance(key, b) < distance(key, a) ? b : a));
  const [k, b] = [key.toLowerCase(), best.toLowerCase()];
  const near =
    distance(k, b) <= Math.max(2, Math.floor(k.length / 3)) ||
    (k.length >= 3 && (b.includes(k) || k.includes(b)));
  return near ? `did you mean \`${best}\`?` : `known: ${codeList(known)}.`;
}

/** Edit distance between two names, case aside: the nearest known option to a misspelt one. */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length]!;
}

/**
 * An object literal (or one made with Object.create(null)), of this realm or another: what its
 * own keys say is all it says. A Map, a URLSearchParams, a Promise, a class's instance or an object
 * whose fields are inherited would read as `{}`.
 */
export function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Names as a message lists them: \`a\`, \`b\`. */
export const codeList = (names: readonly string[]): string => names.map((name) => `\`${name}\``).join(", ");

/** What a value is, for a message that must not quote it (a string there may be a key). */
export function shapeOf(value: unknown): string {
  if (typeof value === "string") return "a string";
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return typeof value === "object" && value !== null && !["Object", "Array"].includes(tag)
    ? `a ${tag}`
    : describe(value);
}

/** A value as a message shows it: strings quoted and called strings, so `"5000"` is not taken for 5000. */
export function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (value === null || typeof value === "number" || typeof value === "boolean" || value === undefined)
    return String(value);
  const kind = Array.isArray(value) ? "array" : typeof value;
  return `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind}`;
}

/** Where the keys come from, for messages about a missing one. */
export const KEY_HELP =
  "Project API keys are in Composio's dashboard (Settings → API Keys); most apps read one from an environment variable such as COMPOSIO_API_KEY.";

/** The credential options, and the header each is sent in. */
export const CREDENTIALS = [
  { option: "apiKey", header: "x-api-key", what: "your project API key" },
  { option: "userApiKey", header: "x-user-api-key", what: "a user API key" },
] as const;

export interface Credential {
  option: (typeof CREDENTIALS)[number]["option"];
  header: string;
  value: string;
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

/** `text` without the slashes it ends with; a loop, as `/\/+$/` is quadratic on slashes not at the end. */
export function trimSlashes(text: string): string {
  let end = text.length;
  while (text[end - 1] === "/") end--;
  return text.slice(0, end);
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** A path segment that names an API version: `v3`, `V3.1` … */
const VERSION_SEGMENT = /^v\d+(\.\d+)*$/i;

/** The base URL, if it is https, or http to loopback (or with the caller's explicit consent). */
function checkBaseUrl(baseUrl: unknown, allowInsecureHttp: boolean, where: string): string {
  let url: URL;
  try {
    if (typeof baseUrl !== "string") throw new TypeError();
    url = new URL(baseUrl);
  } catch {
    throw new ComposioError(`${where}: \`baseUrl\` is not a URL (got ${describe(baseUrl)}).`);
  }
  // "https://host/?" has an empty `search`, yet its `?` would still precede every request path.
  if (url.href.includes("?") || url.href.includes("#")) {
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
  // Every operation's path starts with /api/v3.1: a baseUrl holding it, or another version's
  // (/api/v3, any case), perhaps with a resource path after it (a URL copied from the docs), would
  // double it, and the 404s read as "no such account". So would the resource's own name
  // (/connected_accounts, /v3.1/connected_accounts/link) anywhere. A gateway's own mount point
  // stays allowed: `/api` alone, `/composio/v1`, `/api/v3/composio`.
  const segments = trimSlashes(url.pathname).split("/");
  const words = PATH_PREFIXES.flatMap((prefix) => prefix.toLowerCase().split("/"));
  // `api` and this API's major version (v3, v3.1 …), which precede the resource in its own path.
  const major = words.find((word) => VERSION_SEGMENT.test(word))?.split(".")[0];
  const isOwn = (segment: string) =>
    segment.toLowerCase() === "api" ||
    (VERSION_SEGMENT.test(segment) && segment.toLowerCase().split(".")[0] === major);
  const resources = new Set(
    words.filter((word) => word !== "" && word !== "api" && !VERSION_SEGMENT.test(word)),
  );
  let kept = segments.findIndex((segment) => resources.has(segment.toLowerCase()));
  if (kept === -1) {
    const last = segments.length - 1;
    kept =
      last > 1 && segments[last - 1]!.toLowerCase() === "api" && VERSION_SEGMENT.test(segments[last]!)
        ? last - 1
        : segments.length;
  }
  while (kept > 1 && kept < segments.length && isOwn(segments[kept - 1]!)) kept--;
  if (kept < segments.length) {
    throw new ComposioError(
      `${where}: \`baseUrl\` ends with /${segments.slice(kept).join("/")}, the API's own path, which the client adds to every request itself (${PATH_PREFIXES[0]}/…): sent twice, every call would 404. Use ${url.origin}${segments.slice(0, kept).join("/")} instead.`,
    );
  }
  // Composio serves the API at its host's root: any path there is a mistake.
  if (url.host === new URL(DEFAULT_BASE_URL).host && segments.length > 1) {
    throw new ComposioError(
      `${where}: \`baseUrl\` ${url.origin} serves the API at its root, and the client adds ${PATH_PREFIXES[0]}/… to every request itself; ${url.pathname} would be sent before it and every call would 404. Use ${url.origin} instead.`,
    );
  }
  return baseUrl;
}

// Client options, checked once: shared by createComposioClient and createRawClient, so both send
// the same credential, headers and User-Agent, with the same retry defaults and logging.
import { DEFAULT_BASE_URL, VERSION } from "../generated/meta.js";
import { ComposioError } from "./errors.js";
import { checkHeaders } from "./headers.js";
import { createLog, type Log, type Logger, type LogLevel } from "./log.js";
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
export type ClientOptions = ClientSettings &
  (
    | {
        /** Your project API key, sent as `x-api-key`. */
        apiKey: string;
        userApiKey?: never;
      }
    | {
        /** A user API key, sent as `x-user-api-key`. */
        userApiKey: string;
        apiKey?: never;
      }
  );

/** Options after their checks, ready for a transport. */
export interface ResolvedOptions {
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
  const credential = pickCredential(options, where);
  const headers = {
    "user-agent": USER_AGENT,
    ...checkHeaders(options.headers ?? {}, `${where}: headers`),
    [credential.header]: credential.value,
  };
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function")
    throw new ComposioError(`${where}: no fetch here; pass one as \`fetch\`.`);
  const number = (name: string, value: number | undefined) => {
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value < 0)) {
      throw new ComposioError(`${where}: \`${name}\` must be a number ≥ 0 (got ${String(value)}).`);
    }
    return value;
  };
  return {
    baseUrl: checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp === true, where),
    headers,
    fetch: fetchImpl,
    defaults: {
      maxRetries: number("maxRetries", options.maxRetries) ?? 2,
      timeoutMs: number("timeoutMs", options.timeoutMs) ?? 60_000,
      totalTimeoutMs: number("totalTimeoutMs", options.totalTimeoutMs),
    },
    log: createLog(options.logger, options.logLevel ?? "warn"),
    validate: options.validate,
  };
}

function pickCredential(options: ClientOptions, where: string): { header: string; value: string } {
  const given = [
    { option: "apiKey", header: "x-api-key", value: options.apiKey },
    { option: "userApiKey", header: "x-user-api-key", value: options.userApiKey },
  ].filter((c) => c.value !== undefined);
  if (given.length !== 1) {
    throw new ComposioError(
      `${where}: pass exactly one of \`apiKey\` or \`userApiKey\` (got ${given.length ? "both" : "neither"}).`,
    );
  }
  const [credential] = given as [{ option: string; header: string; value: unknown }];
  if (typeof credential.value !== "string" || credential.value.trim() === "") {
    throw new ComposioError(`${where}: \`${credential.option}\` is empty; is its environment variable set?`);
  }
  if (/[\r\n\0]/.test(credential.value)) {
    throw new ComposioError(
      `${where}: \`${credential.option}\` has a line break (CR or LF) or NUL; was it read with a trailing newline?`,
    );
  }
  return { header: credential.header, value: credential.value };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The base URL, if it is https, or http to loopback (or with the caller's explicit consent). */
function checkBaseUrl(baseUrl: string, allowInsecureHttp: boolean, where: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ComposioError(`${where}: \`baseUrl\` is not a URL: ${JSON.stringify(baseUrl)}.`);
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
  return baseUrl;
}

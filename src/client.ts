// createComposioClient: options checked once, then the generated resources bound to a transport,
// and `raw`, the openapi-fetch client, sharing the same headers, retry loop and logging.
import type { Client } from "openapi-fetch";
import { DEFAULT_BASE_URL, VERSION } from "../generated/meta.js";
import { createResources, type Resources } from "../generated/resources.js";
import type { paths } from "../generated/schema.js";
import { ComposioError } from "./errors.js";
import { checkHeaders } from "./headers.js";
import { createLog, describeAttempt, warnIfDeprecated, type Log, type Logger, type LogLevel } from "./log.js";
import { withRetries, type RetrySettings } from "./retry.js";
import type { RequestValidator } from "./runtime.js";
import { createClient } from "./openapi-fetch.js";
import { createTransport } from "./transport.js";

/** The options of `createComposioClient` other than the credential. */
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

/** The client: one property per resource of the API, and `raw`. */
export type ComposioClient = Resources & {
  /**
   * The typed openapi-fetch client, for `{ data, error, response }` results instead of exceptions.
   * It shares the credential, retry loop and logging; per-request options are openapi-fetch's own.
   */
  readonly raw: Client<paths>;
};

/** Sent with every request (browsers may drop it); a `user-agent` in `headers` replaces it. */
const USER_AGENT = `composio-connected-accounts/${VERSION}`;

/**
 * Creates a client for Composio's connected-accounts API.
 *
 * @example
 * ```ts
 * const composio = createComposioClient({ apiKey: process.env.COMPOSIO_API_KEY! });
 * const account = await composio.connectedAccounts.create({
 *   auth_config: { id: "ac_1a2b3c4d5e6f" },
 *   connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: serviceKey }) },
 * });
 * ```
 */
export function createComposioClient(options: ClientOptions): ComposioClient {
  const credential = pickCredential(options);
  const headers = {
    "user-agent": USER_AGENT,
    ...checkHeaders(options.headers ?? {}, "createComposioClient: headers"),
    [credential.header]: credential.value,
  };
  const baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, options.allowInsecureHttp === true);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new ComposioError("createComposioClient: no fetch here; pass one as `fetch`.");
  }
  const defaults = {
    maxRetries: nonNegative("maxRetries", options.maxRetries, 2),
    timeoutMs: nonNegative("timeoutMs", options.timeoutMs, 60_000),
    totalTimeoutMs:
      options.totalTimeoutMs === undefined
        ? undefined
        : nonNegative("totalTimeoutMs", options.totalTimeoutMs, 0),
  };
  const log = createLog(options.logger, options.logLevel ?? "warn");
  const transport = createTransport({
    baseUrl,
    headers,
    fetch: fetchImpl,
    defaults,
    log,
    validate: options.validate,
  });
  const raw = createClient<paths>({ baseUrl, headers, fetch: retryingFetch(fetchImpl, defaults, log) });
  return { ...createResources(transport), raw };
}

function pickCredential(options: ClientOptions): { header: string; value: string } {
  const given = [
    { option: "apiKey", header: "x-api-key", value: options.apiKey },
    { option: "userApiKey", header: "x-user-api-key", value: options.userApiKey },
  ].filter((c) => c.value !== undefined);
  if (given.length !== 1) {
    throw new ComposioError(
      `createComposioClient: pass exactly one of \`apiKey\` or \`userApiKey\` (got ${given.length ? "both" : "neither"}).`,
    );
  }
  const [credential] = given as [{ option: string; header: string; value: unknown }];
  if (typeof credential.value !== "string" || credential.value.trim() === "") {
    throw new ComposioError(
      `createComposioClient: \`${credential.option}\` is empty; is its environment variable set?`,
    );
  }
  if (/[\r\n\0]/.test(credential.value)) {
    throw new ComposioError(
      `createComposioClient: \`${credential.option}\` has a line break (CR or LF) or NUL; was it read with a trailing newline?`,
    );
  }
  return { header: credential.header, value: credential.value };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The base URL, if it is https, or http to loopback (or with the caller's explicit consent). */
function checkBaseUrl(baseUrl: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ComposioError(`createComposioClient: \`baseUrl\` is not a URL: ${JSON.stringify(baseUrl)}.`);
  }
  if (url.username || url.password) {
    throw new ComposioError("createComposioClient: `baseUrl` may not carry a user name or password.");
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname) && !allowInsecureHttp) {
    throw new ComposioError(
      `createComposioClient: \`baseUrl\` ${url.origin} is plain http: the API key would cross the network unencrypted. ` +
        "Use https, or set `allowInsecureHttp: true` if you mean it.",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ComposioError(`createComposioClient: \`baseUrl\` must be http(s), not ${url.protocol}`);
  }
  return baseUrl;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ComposioError(`createComposioClient: \`${name}\` must be a number ≥ 0 (got ${String(value)}).`);
  }
  return value;
}

/** The retry loop as a `fetch`, for openapi-fetch: each attempt sends a fresh clone of the request. */
function retryingFetch(
  fetchImpl: typeof fetch,
  defaults: Pick<RetrySettings, "maxRetries" | "timeoutMs" | "totalTimeoutMs">,
  log: Log,
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const response = await withRetries(
      {
        ...defaults,
        retryUnsafe: false,
        signal: request.signal,
        onAttempt: log.debug && ((event) => log.debug!(describeAttempt(request.method, path, event))),
      },
      (signal) => fetchImpl(new Request(request.clone(), { signal })),
      (discarded) => void discarded.body?.cancel(),
    );
    warnIfDeprecated(log, request.method, path, response.headers);
    return response;
  };
}

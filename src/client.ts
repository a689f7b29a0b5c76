// createComposioClient: options checked once, then the generated resources bound to a transport,
// and `raw`, the openapi-fetch client, sharing the same headers and retry loop.
import createClient, { type Client } from "openapi-fetch";
import { createResources, DEFAULT_BASE_URL, type Resources } from "../generated/resources.js";
import type { paths } from "../generated/schema.js";
import { ComposioError } from "./errors.js";
import { withRetries, type RetrySettings } from "./retry.js";
import { createTransport } from "./transport.js";

interface CommonOptions {
  /**
   * The API's address.
   * @default "https://backend.composio.dev"
   */
  baseUrl?: string;
  /** The `fetch` to send with; pass one to add a proxy, instrumentation or a test double. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Milliseconds one attempt may take, from sending to the last byte of the answer.
   * @default 60000
   */
  timeoutMs?: number;
  /**
   * How many times a failed attempt may be retried where the server surely did not act
   * (429, 503, connection refused). See `RequestOptions.retryUnsafe` for the rest.
   * @default 2
   */
  maxRetries?: number;
  /** Headers sent with every request. They may not carry the credential headers. */
  headers?: Record<string, string>;
}

/** Client options: exactly one credential, `apiKey` or `userApiKey`. */
export type ClientOptions = CommonOptions &
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
  /** The typed openapi-fetch client, for `{ data, error, response }` results instead of exceptions. */
  readonly raw: Client<paths>;
};

const CREDENTIAL_HEADERS = ["x-api-key", "x-user-api-key"];

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
  const headers = { ...options.headers, [credential.header]: credential.value };
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new ComposioError("createComposioClient: no fetch here; pass one as `fetch`.");
  }
  const defaults = {
    maxRetries: nonNegative("maxRetries", options.maxRetries, 2),
    timeoutMs: nonNegative("timeoutMs", options.timeoutMs, 60_000),
  };
  const transport = createTransport({ baseUrl, headers, fetch: fetchImpl, defaults });
  const raw = createClient<paths>({ baseUrl, headers, fetch: retryingFetch(fetchImpl, defaults) });
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
  const clash = Object.keys(options.headers ?? {}).find((name) =>
    CREDENTIAL_HEADERS.includes(name.toLowerCase()),
  );
  if (clash) {
    throw new ComposioError(
      `createComposioClient: \`headers\` may not set ${clash}; pass the key as \`apiKey\` or \`userApiKey\`.`,
    );
  }
  return { header: credential.header, value: credential.value };
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new ComposioError(`createComposioClient: \`${name}\` must be a number ≥ 0 (got ${String(value)}).`);
  }
  return value;
}

/** The retry loop as a `fetch`, for openapi-fetch: each attempt sends a fresh clone of the request. */
function retryingFetch(
  fetchImpl: typeof fetch,
  defaults: Pick<RetrySettings, "maxRetries" | "timeoutMs">,
): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    return withRetries(
      { ...defaults, retryUnsafe: false, signal: request.signal },
      (signal) => fetchImpl(new Request(request.clone(), { signal })),
      (response) => void response.body?.cancel(),
    );
  };
}

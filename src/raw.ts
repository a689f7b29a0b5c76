// composio-connected-accounts/raw: the openapi-fetch client typed by the spec's paths, for
// `{ data, error, response }` results instead of exceptions. Same options, credential, retry loop
// and logging as createComposioClient; its own entry point so that openapi-fetch is bundled only
// by those who use it.
import type { Client } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { describeAttempt, warnIfDeprecated } from "./log.js";
import { createClient } from "./openapi-fetch.js";
import { resolveOptions, type ClientOptions, type ResolvedOptions } from "./options.js";
import { withRetries } from "./retry.js";

export type { components, operations, paths } from "../generated/schema.js";
export type { ClientOptions, ClientSettings } from "./options.js";
export type { Logger, LogLevel } from "./log.js";
export type { RequestValidator, ValidationIssue } from "./runtime.js";

/** The openapi-fetch client over the spec's paths. */
export type RawClient = Client<paths>;

/**
 * Creates the openapi-fetch client for the API, with the options of `createComposioClient`.
 * Per-request options are openapi-fetch's own (`signal`, `headers` …).
 *
 * @example
 * ```ts
 * import { createRawClient } from "composio-connected-accounts/raw";
 * const raw = createRawClient({ apiKey: process.env.COMPOSIO_API_KEY! });
 * const { data, error, response } = await raw.POST("/api/v3/connected_accounts", { body });
 * ```
 */
export function createRawClient(options: ClientOptions): RawClient {
  const resolved = resolveOptions(options, "createRawClient");
  return createClient<paths>({
    baseUrl: resolved.baseUrl,
    headers: resolved.headers,
    fetch: retryingFetch(resolved),
  });
}

/** The retry loop as a `fetch`, for openapi-fetch: each attempt sends a fresh clone of the request. */
function retryingFetch({ fetch: fetchImpl, defaults, log }: ResolvedOptions): typeof fetch {
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

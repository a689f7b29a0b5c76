// composio-connected-accounts/raw: the openapi-fetch client typed by the spec's paths, for
// `{ data, error, response }` results instead of exceptions. Same options, credential, retry loop
// and logging as createComposioClient; its own entry point so that openapi-fetch is bundled only
// by those who use it.
import type { Client, Middleware } from "openapi-fetch";
import { QUERY_JOINED, ROUTES } from "../generated/meta.js";
import type { paths } from "../generated/schema.js";
import { isRedirect, parseJson, redirectError } from "./errors.js";
import { describeAttempt, warnIfDeprecated } from "./log.js";
import { createClient } from "./openapi-fetch.js";
import {
  checkCredential,
  resolveOptions,
  type ClientOptions,
  type Credential,
  type ResolvedOptions,
} from "./options.js";
import { redactorFor } from "./redact.js";
import { withRetries } from "./retry.js";
import { pathParam, queryString, type RequestValidator } from "./runtime.js";

export type { components, operations, paths } from "../generated/schema.js";
export type { ClientOptions, ClientSettings } from "./options.js";
export type { Logger, LogLevel } from "./log.js";
export type { RequestValidator, UnknownValue, ValidationIssue } from "./runtime.js";

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
 * const { data, error, response } = await raw.POST("/api/v3.1/connected_accounts", {
 *   body: { auth_config: { id: "ac_1a2b3c4d5e6f" }, connection: { user_id: "user_42" } },
 * });
 * ```
 */
export function createRawClient(options: ClientOptions): RawClient {
  const resolved = resolveOptions(options, "createRawClient");
  const routes = new WeakMap<Request, Route>();
  const client = createClient<paths>({
    baseUrl: resolved.baseUrl,
    headers: resolved.headers,
    fetch: retryingFetch(resolved, routes),
    // Arrays as the spec's style and explode say (`statuses=ACTIVE,FAILED`), as the main client sends them.
    querySerializer: (query) => queryString(query, QUERY_JOINED),
    // Path parameters as the main client fills them: an empty id or a dot segment is refused.
    pathSerializer: (url, params) =>
      url.replace(/\{([^}]+)\}/g, (template, name: string) =>
        name in params ? pathParam(params[name], name, "createRawClient") : template,
      ),
  });
  client.use(routing(routes, resolved.credential, resolved.validate));
  return client;
}

type Route = (typeof ROUTES)[string];

/**
 * Tells the retry loop which operation each request is (openapi-fetch hands the middleware the
 * path template, and `fetch` the same Request), so that reads and idempotent writes are retried as
 * on the main client; refuses an operation the client's key cannot call; and runs the validator,
 * when there is one, on each JSON body before it is sent.
 */
function routing(
  routes: WeakMap<Request, Route>,
  credential: Credential,
  validate: RequestValidator | undefined,
): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      const route = ROUTES[`${request.method} ${schemaPath}`];
      if (!route) return;
      checkCredential(credential, route.operation, route.credentials);
      routes.set(request, route);
      if (validate && request.body) validate(route.operation, parseJson(await request.clone().text()));
    },
  };
}

/** Statuses whose answers have no body (a Response with one cannot be made). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * The retry loop as a `fetch`, for openapi-fetch. Each attempt sends a fresh clone of the request,
 * follows no redirect (see REDIRECTS in errors.ts), and reads the whole answer, so that
 * `timeoutMs` bounds the body as it does on the main client; the answer is handed back buffered.
 */
function retryingFetch(
  { fetch: fetchImpl, defaults, log }: ResolvedOptions,
  routes: WeakMap<Request, Route>,
): typeof fetch {
  return async (input, init) => {
    const route = input instanceof Request ? routes.get(input) : undefined;
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const answer = await withRetries(
      {
        ...defaults,
        retryUnsafe: route?.idempotent === true,
        signal: request.signal,
        onAttempt: log.debug && ((event) => log.debug!(describeAttempt(request.method, path, event))),
      },
      async (signal) => {
        const response = await fetchImpl(new Request(request.clone(), { signal, redirect: "manual" }));
        const { status, statusText, headers, redirected, url } = response;
        return {
          status,
          statusText,
          headers,
          followedTo: redirected ? url : undefined,
          bytes: await response.arrayBuffer(),
        };
      },
    );
    if (isRedirect(answer.status) || answer.followedTo !== undefined) {
      const body = parseJson(await request.clone().text());
      const text = new TextDecoder().decode(answer.bytes);
      throw redirectError(
        { ...answer, text, truncated: false },
        request.url,
        redactorFor(Object.fromEntries(request.headers), body),
      );
    }
    warnIfDeprecated(log, route?.operation, request.method, path, answer.headers);
    const { status, statusText, headers, bytes } = answer;
    const response = new Response(NO_BODY.has(status) ? null : bytes, { status, statusText, headers });
    // A Response made here has no url of its own: give it the request's, as fetch would.
    return Object.defineProperty(response, "url", { value: request.url });
  };
}

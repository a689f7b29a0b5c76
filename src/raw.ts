// composio-connected-accounts/raw: the openapi-fetch client typed by the spec's paths, for
// `{ data, error, response }` results instead of exceptions. Same options, credential, retry loop
// and logging as createComposioClient; its own entry point so that openapi-fetch is bundled only
// by those who use it.
import type { Client, Middleware } from "openapi-fetch";
import { BODY_FIELDS } from "../generated/body-fields.js";
import { QUERY_JOINED, ROUTES } from "../generated/meta.js";
import type { paths } from "../generated/schema.js";
import {
  errorFromResponse,
  isRedirect,
  oversizeAnswer,
  redirectError,
  unreadableSuccess,
} from "./answers.js";
import { ComposioError, parseJson } from "./errors.js";
import { checkCredential } from "./failure.js";
import { checkHeader } from "./headers.js";
import { describeAttempt, warnIfDeprecated } from "./log-lines.js";
import { createClient } from "./openapi-fetch.js";
import { resolveOptions, type ClientOptions, type Credential, type ResolvedOptions } from "./options.js";
import { appendHeader, redactorFor, type Redactor } from "./redact.js";
import { withRetries } from "./retry.js";
import { now } from "./refusals.js";
import { checkBody, checkQueryNames, pathParam, queryString } from "./runtime.js";
import type { RequestValidator } from "./types.js";
import { MAX_ERROR_BODY_BYTES, readBody } from "./transport.js";

export type { components, operations, paths } from "../generated/schema.js";
export type { ClientOptions, ClientSettings } from "./options.js";
export type { Logger, LogLevel } from "./log.js";
export type { ValidationIssue } from "./errors.js";
export type { Clock, RequestValidator, UnknownValue } from "./types.js";

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
  const fetch = retryingFetch(resolved, routes);
  const client = createClient<paths>({
    baseUrl: resolved.baseUrl,
    headers: resolved.headers,
    fetch,
    // Arrays as the spec's style and explode say (`statuses=ACTIVE,FAILED`), as the main client sends them.
    querySerializer: (query) => now(() => queryString(query, QUERY_JOINED, "createRawClient")),
    // Path parameters encoded as the main client encodes them. checkingRequests has already refused a
    // missing or empty one and a dot segment, naming the operation, so none is left as its template.
    pathSerializer: (url, params) =>
      url.replace(/\{([^{}]+)\}/g, (_, name: string) =>
        now(() => pathParam(params[name], name, "createRawClient")),
      ),
  });
  client.use(routing(routes, resolved.credential, resolved.validate, fetch));
  return checkingRequests(client);
}

type Route = (typeof ROUTES)[string];

const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;
type Send = (
  url: string,
  init?: {
    headers?: unknown;
    body?: unknown;
    params?: { header?: unknown; path?: object; query?: object | null };
  },
) => Promise<unknown>;

/**
 * Each request's own headers are checked as the client's are, before openapi-fetch builds its
 * Request: undici would refuse a value with CR or LF in a TypeError that quotes it (a token). Its
 * query's names, body fields and path parameters too, as on the main client: a misspelt filter or
 * field is refused, not sent and ignored, and a missing id is refused, not sent as the template's
 * `{nanoid}`.
 */
function checkingRequests(client: RawClient): RawClient {
  const check = (method: string, url: string, init: Parameters<Send>[1]) => {
    const route = ROUTES[`${method} ${url}`];
    const operation = route?.operation ?? "createRawClient";
    if (route) now(() => checkQueryNames(init?.params?.query ?? undefined, route.query ?? [], operation));
    const fields = route && BODY_FIELDS[route.operation];
    if (fields && init?.body !== undefined) now(() => checkBody(init.body, fields, operation));
    // openapi-fetch fills in only the path parameters it is given: a missing one would be sent as
    // `%7Bnanoid%7D`, to another route.
    const path = (init?.params?.path ?? {}) as Record<string, unknown>;
    for (const [, name] of url.matchAll(/\{([^{}]+)\}/g)) now(() => pathParam(path[name!], name!, operation));
    const where = `${route?.operation ?? `${method} ${url}`}: headers`;
    for (const headers of [init?.headers, init?.params?.header]) {
      // A Headers object checked its values when it was made.
      if (!headers || typeof headers !== "object" || headers instanceof Headers) continue;
      for (const [name, value] of Object.entries(headers)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          if (item !== null && item !== undefined) checkHeader(name, String(item), where);
        }
      }
    }
  };
  const methods = client as unknown as Record<(typeof METHODS)[number], Send>;
  for (const method of METHODS) {
    const send = methods[method];
    methods[method] = async (url, init) => {
      check(method, url, init);
      return send(url, init);
    };
  }
  const request = client.request as unknown as (
    method: string,
    url: string,
    init?: Parameters<Send>[1],
  ) => Promise<unknown>;
  (client as unknown as { request: typeof request }).request = async (method, url, init) => {
    check(String(method).toUpperCase(), url, init);
    return request(method, url, init);
  };
  return client;
}

/**
 * Tells the retry loop which operation each request is (openapi-fetch hands the middleware the
 * path template, and `fetch` the same Request), so that reads and idempotent writes are retried as
 * on the main client; refuses an operation the client's key cannot call; and runs the validator,
 * when there is one, on each JSON body before it is sent. A per-request `fetch` is refused: it would
 * send without the timeout, retries, redirect rule and size bound that the client's `fetch` (the
 * retry loop) brings.
 */
function routing(
  routes: WeakMap<Request, Route>,
  credential: Credential,
  validate: RequestValidator | undefined,
  clientFetch: typeof fetch,
): Middleware {
  return {
    async onRequest({ request, schemaPath, options }) {
      if (options.fetch !== clientFetch) {
        throw new ComposioError(
          "createRawClient: a per-request `fetch` would bypass the client's timeout, retries and checks; pass `fetch` to createRawClient instead.",
        );
      }
      const route = ROUTES[`${request.method} ${schemaPath}`];
      if (!route) return;
      checkCredential(credential, route.operation, route.credentials);
      routes.set(request, route);
      if (validate && request.body) validate(route.operation, parseJson(await request.clone().text()));
    },
  };
}

/**
 * The route a path is an instance of, by its segments from the end (baseUrl's own path may come
 * first), a literal segment before a parameter: for a request the middleware did not see, because
 * its ids were written into the path (`/connected_accounts/ca_1`) or another middleware made a new
 * Request. The deprecation warning is then once per operation, not once per id.
 */
function routeOf(method: string, path: string): Route | undefined {
  const segments = path.split("/");
  let found: { route: Route; params: number } | undefined;
  for (const [key, route] of Object.entries(ROUTES)) {
    const [routeMethod, template] = key.split(" ") as [string, string];
    const parts = template.split("/").slice(1);
    if (routeMethod !== method || parts.length >= segments.length) continue;
    const tail = segments.slice(-parts.length);
    const matches = parts.every((part, i) => (part.startsWith("{") ? tail[i] !== "" : part === tail[i]));
    const params = parts.filter((part) => part.startsWith("{")).length;
    if (matches && (!found || params < found.params)) found = { route, params };
  }
  return found?.route;
}

/** Statuses whose answers have no body (a Response with one cannot be made). */
const NO_BODY = new Set([204, 205]);

/**
 * The retry loop as a `fetch`, for openapi-fetch. Each attempt sends a fresh clone of the request,
 * follows no redirect (see REDIRECTS in errors.ts), and reads the answer within `timeoutMs` and
 * `maxResponseBytes` as the main client does (error bodies up to 64 KiB); the answer is handed back
 * buffered. Only `baseUrl`'s origin gets a request: openapi-fetch's per-request `baseUrl`, or a
 * middleware's new Request, may not send the key elsewhere.
 */
function retryingFetch(
  { fetch: fetchImpl, defaults, log, baseUrl }: ResolvedOptions,
  routes: WeakMap<Request, Route>,
): typeof fetch {
  const origin = new URL(baseUrl).origin;
  const { maxResponseBytes, ...limits } = defaults;
  return async (input, init) => {
    const known = input instanceof Request ? routes.get(input) : undefined;
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== origin) {
      throw new ComposioError(
        `createRawClient: refused to send to ${url.origin}: the key and request bodies go to baseUrl's origin (${origin}) only, so a per-request \`baseUrl\` must keep it.`,
      );
    }
    const path = url.pathname;
    // A path written out (`/connected_accounts/ca_1`) is read by its shape: retried as its
    // operation is, and warned about once per operation.
    const route = known ?? routeOf(request.method, path);
    const operation = route?.operation ?? `${request.method} ${path}`;
    let lineRedactor: Redactor | undefined;
    // For debug lines: they hold the method, the path (no query) and a status or a cause, so the
    // request's headers are enough (as for the messages of failures without an answer: `secrets`).
    const redactLine = (text: string) =>
      (lineRedactor ??= redactorFor(Object.fromEntries(request.headers))).text(text);
    // Made only for an error or a log line, from the headers and the body as sent.
    const redact = async () =>
      redactorFor(
        Object.fromEntries(request.headers),
        request.body ? await request.clone().text() : undefined,
      );
    const answer = await withRetries(
      {
        ...limits,
        retryUnsafe: route?.idempotent === true,
        operation: route?.operation,
        method: request.method,
        path,
        idempotent: route?.idempotent === true,
        createsAccount: route?.createsAccount,
        secrets: { headers: Object.fromEntries(request.headers) },
        signal: request.signal,
        onAttempt:
          log.debug && ((event) => log.debug!(redactLine(describeAttempt(request.method, path, event)))),
      },
      async (signal: AbortSignal) => {
        // The signal goes to fetch itself: on a Request made here, it would be followed only while
        // that Request lived, and a garbage collection would leave the request without a timeout.
        const response = await fetchImpl(request.clone(), { signal, redirect: "manual" });
        const { status, statusText, headers, redirected, url: followedTo } = response;
        const ok = status >= 200 && status <= 299;
        const limit = ok ? maxResponseBytes : Math.min(maxResponseBytes, MAX_ERROR_BODY_BYTES);
        const { bytes, truncated } = await readBody(response, limit, !ok, signal);
        return {
          status,
          statusText,
          headers,
          followedTo: redirected ? followedTo : undefined,
          bytes,
          truncated,
        };
      },
      () => new AbortController(),
    );
    const { status, statusText, headers, bytes, truncated } = answer;
    const text = () => new TextDecoder().decode(bytes);
    if (isRedirect(status) || answer.followedTo !== undefined) {
      throw redirectError({ ...answer, text: text() }, request.url, await redact());
    }
    // No Response can carry a status outside 200–599 (a RangeError): it is the server's error.
    if (status < 200 || status > 599) {
      throw errorFromResponse(status, headers, { text: text(), truncated }, await redact(), operation);
    }
    if (truncated && status <= 299) {
      throw oversizeAnswer(
        status,
        headers,
        maxResponseBytes,
        await redact(),
        request.method,
        path,
        route?.createsAccount,
      );
    }
    if (log.warn && (headers.has("deprecation") || headers.has("sunset"))) {
      const redactor = (await redact()).with(parseJson(text()));
      warnIfDeprecated(log, route?.operation, request.method, path, headers, () => redactor);
    }
    const ok = status <= 299 && !NO_BODY.has(status);
    // No body is no JSON object either: openapi-fetch would read a `content-length: 0` as no data
    // and no error, where the main client says the answer cannot be read (and, after a create,
    // that the account may exist).
    if (ok && bytes.byteLength === 0)
      throw unreadableSuccess(
        status,
        headers,
        "",
        undefined,
        await redact(),
        operation,
        route?.createsAccount,
      );
    // An error answer reaches the caller as `error` and `response`: its body (an excerpt, as the
    // main client's errors keep), headers and status text scrubbed of the request's secrets and its
    // own tokens first, in one pass (a server may echo the key or the body anywhere).
    const safe = status > 299 ? scrubbed(text(), statusText, headers, await redact()) : undefined;
    const response = new Response(NO_BODY.has(status) ? null : (safe?.body ?? bytes), {
      status,
      statusText: latin1(safe?.statusText ?? statusText),
      headers: safe?.headers ?? copyHeaders(headers, ok ? bytes.byteLength : undefined),
    });
    // A success body that is not JSON is the server's error, as on the main client, not a SyntaxError.
    if (ok) {
      Object.defineProperty(response, "json", {
        value: async () => {
          const parsed = parseJson(text());
          if (parsed === undefined)
            throw unreadableSuccess(
              status,
              headers,
              text(),
              undefined,
              await redact(),
              operation,
              route?.createsAccount,
            );
          return parsed;
        },
      });
    }
    // A Response made here has no url of its own: give it the request's, as fetch would.
    return Object.defineProperty(response, "url", { value: request.url });
  };
}

/** An error answer, its secrets scrubbed: a JSON body stays JSON (`error` is parsed from it), other text stays text. */
function scrubbed(text: string, statusText: string, headers: Headers, redactor: Redactor) {
  const parsed = parseJson(text);
  const safe = redactor.with(parsed).seal(statusText, headers, parsed ?? text);
  // The body's length changed: the Response measures it anew.
  safe.headers.delete("content-length");
  return {
    body: parsed === undefined && typeof safe.value === "string" ? safe.value : JSON.stringify(safe.value),
    statusText: safe.message,
    headers: safe.headers,
  };
}

/** A status text a Response can carry (one line of Latin-1; undici reads others in): the rest shown as "?". */
const latin1 = (text: string): string => text.replace(/[^\x20-\x7e\x80-\xff]/g, "?");

/**
 * The answer's headers as a Response can hold them: a name or value undici let through and Headers
 * refuses (an empty name) is left out; a success body gets its length (openapi-fetch reads a JSON
 * body with json() only when it has one, else text() and its own JSON.parse).
 */
function copyHeaders(headers: Headers, length: number | undefined): Headers {
  const copy = new Headers();
  headers.forEach((value, name) => appendHeader(copy, name, value));
  if (length !== undefined && !copy.has("content-length")) copy.set("content-length", String(length));
  return copy;
}

// The fake's front door, shared by `fake.fetch` and the listening server: a request is routed by
// the generated ROUTES table (a new operation of the spec is found here and answers 501 until the
// fake implements it), its key checked as the API checks it, its body checked against the spec,
// recorded with its secrets redacted, and answered in Composio's error envelope when it fails.
// Faults asked for with `failNext` replace the answer. A query parameter the fake does not apply is
// refused, naming it, rather than ignored: a filter read and dropped would let a test pass wrongly.
// Browsers get CORS (below). No Node built-in is used here.
import { ROUTES } from "../../generated/meta.js";
import { validators } from "../../generated/validators.js";
import { ComposioError } from "../errors.js";
import { describe, didYouMean } from "../options.js";
import { isSensitiveKey, redactorFor } from "../redact.js";
import { findIssues } from "../validate.js";
import { randomId, type FakeStore } from "./accounts.js";
import { apiError, OPERATIONS, type Answer } from "./operations.js";
import { hostedPage } from "./pages.js";

/** A request as the fake reads it, from `fetch` or from the listening server. */
export interface Incoming {
  method: string;
  url: URL;
  headers: Headers;
  text: string;
}

/** What the fake does with a request: answers it, never answers, or cuts the connection. */
export type Outcome = Response | "hang" | "reset";

/**
 * A fault for the next request of an operation: an error status (with `Retry-After` seconds if
 * given), `"hang"` (no answer ever: the caller's timeout or signal ends it), or `"reset"` (the
 * connection is cut after the request arrived). The fake does not act on a faulted request.
 */
export type FakeFault = { status: number; retryAfter?: number } | "hang" | "reset";

/** A request the fake received, its credentials and secrets redacted. */
export interface FakeRequest {
  method: string;
  /** The path, without the query, with any secret of the request scrubbed. */
  path: string;
  /** The query parameters (a repeated name keeps its last value), redacted as the headers are. */
  query: Record<string, string>;
  /** The operationId the request was routed to; undefined for a hosted page or an unknown route. */
  operation: string | undefined;
  /** The JSON body, parsed, with every secret (`api_key`, tokens …) replaced by `[redacted]`. */
  body: unknown;
  /** The headers, lower-case: those of sensitive names (`x-api-key`, `x-user-api-key`, `cookie` …) redacted, secrets scrubbed from the others. */
  headers: Record<string, string>;
}

interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
  credentials: readonly string[] | undefined;
  /** The query parameters the spec gives the operation. */
  query: readonly string[];
}

/** The routes of a ROUTES-shaped table, those with fewer path parameters first (`/link` before `/{nanoid}`). */
export function compileRoutes(table: typeof ROUTES): Route[] {
  return Object.entries(table)
    .map(([key, { operation, credentials, query = [] }]) => {
      const [method, path] = key.split(" ") as [string, string];
      const source = path
        .split(/\{[^{}]+\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
        .join("([^/]+)");
      return { method, pattern: new RegExp(`^${source}$`), operation, credentials, query };
    })
    .sort((a, b) => a.pattern.source.split("([^/]+)").length - b.pattern.source.split("([^/]+)").length);
}

const ENVELOPE_SLUGS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  408: "RequestTimeout",
  409: "Conflict",
  422: "UnprocessableEntity",
  429: "TooManyRequests",
  500: "InternalServerError",
  501: "NotImplemented",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/**
 * CORS, for a page of the user's dev server that calls `listen()`'s API. No description of
 * Composio's own CORS was found (a client in the browser is one of this package's runtimes), so the
 * fake lets any origin send what the client sends (its key headers, JSON, its User-Agent), and the
 * headers the page asks for besides (a client's `headers` option, a tracer's `traceparent`), and
 * read the headers the client reads (Retry-After, the request id, deprecation notices). No cookie is
 * involved, so `*` is enough.
 */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "retry-after, retry-after-ms, x-request-id, deprecation, sunset, link",
};
const ALLOWED_HEADERS = ["accept", "content-type", "user-agent", "x-api-key", "x-user-api-key"];
/** The most names of a preflight's list echoed, and the longest: a browser asks for a few short ones. */
const MAX_ASKED_HEADERS = 50;
const MAX_HEADER_NAME = 100;
/** An HTTP header name (RFC 9110's token): no space, comma, quote, CR or LF can pass into the answer. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * The headers a preflight allows: the client's own, and those the page asks for (its
 * Access-Control-Request-Headers), lower-cased; what is no header name is left out, and the list
 * is bounded, so that the answer stays small and one line whatever the request says.
 */
function allowedHeaders(asked: string | null): string {
  const names = new Set(ALLOWED_HEADERS);
  let echoed = 0;
  for (const part of (asked ?? "").split(",")) {
    if (echoed === MAX_ASKED_HEADERS) break;
    const name = part.trim().toLowerCase();
    if (name.length > MAX_HEADER_NAME || !HEADER_NAME.test(name)) continue;
    names.add(name);
    echoed++;
  }
  return [...names].join(", ");
}

/**
 * The fake's answer when it fails itself (a bug of the fake, or a state it cannot write, such as a
 * date past Date's range): a 500 that says so. Thrown, the failure would reach the client as the
 * network's, saying the server may have acted.
 */
export function fakeFailure(error: unknown): Response {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return send(
    apiError(
      500,
      "InternalServerError",
      `the fake itself failed (composio-connected-accounts/testing): ${what.slice(0, 300)}`,
    ),
  );
}

/** How deep a request body may nest objects and arrays; the API's own bodies need a handful of levels. */
const MAX_BODY_DEPTH = 64;

export interface FakeKeys {
  apiKey: string;
  userApiKey: string;
}

/** The request handler behind `fake.fetch` and `fake.listen()`. */
export class FakeFrontDoor {
  readonly requests: FakeRequest[] = [];
  readonly #faults = new Map<string, FakeFault[]>();
  readonly #routes: Route[];
  readonly #operations: ReadonlySet<string>;

  constructor(
    readonly store: FakeStore,
    readonly keys: FakeKeys,
    table: typeof ROUTES = ROUTES,
  ) {
    this.#routes = compileRoutes(table);
    this.#operations = new Set(this.#routes.map((r) => r.operation));
  }

  failNext(operation: string, fault: FakeFault): void {
    const where = `fake.failNext(${JSON.stringify(String(operation).slice(0, 60))})`;
    if (!this.#operations.has(operation))
      throw new ComposioError(
        `${where}: no such operation; the spec's operationIds are ${[...this.#operations].join(", ")}.`,
      );
    if (fault !== "hang" && fault !== "reset") {
      const { status, retryAfter } = (fault ?? {}) as { status?: unknown; retryAfter?: unknown };
      if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599)
        throw new ComposioError(
          `${where}: the fault is "hang", "reset" or { status } with an error status 400–599 (got ${JSON.stringify(fault)}).`,
        );
      if (retryAfter !== undefined && (typeof retryAfter !== "number" || !(retryAfter >= 0)))
        throw new ComposioError(
          `${where}: retryAfter is seconds, a number ≥ 0 (got ${describe(retryAfter)}).`,
        );
    }
    const queue = this.#faults.get(operation) ?? [];
    queue.push(typeof fault === "string" ? fault : { ...fault });
    this.#faults.set(operation, queue);
  }

  async handle(incoming: Incoming): Promise<Outcome> {
    const { method, url, headers } = incoming;
    // A browser's preflight, not a request of the app: answered, not recorded.
    if (method === "OPTIONS" && headers.has("access-control-request-method"))
      return new Response(null, {
        status: 204,
        headers: {
          ...CORS_HEADERS,
          "access-control-allow-methods": [...new Set(this.#routes.map((r) => r.method))].join(", "),
          "access-control-allow-headers": allowedHeaders(headers.get("access-control-request-headers")),
          "access-control-max-age": "600",
        },
      });
    const path = url.pathname;
    const route = this.#routes.find((r) => r.method === method && r.pattern.test(path));
    const operation = route?.operation;
    const body = parseJson(incoming.text);
    const sent = Object.fromEntries(headers);
    // One rule for all it keeps: values under sensitive names blanked, and the secrets the request
    // carries (and the fake's own keys) scrubbed wherever else they are, in the path and query too.
    // The fake's keys and the query's values under sensitive names count as sent: they are looked
    // for everywhere, in every form (base64 too).
    const secrets = { ...sent, "fake-api-key": this.keys.apiKey, "fake-user-api-key": this.keys.userApiKey };
    [...url.searchParams].forEach(([name, value], i) => {
      if (isSensitiveKey(name)) Object.assign(secrets, { [`query-${i}-${name}`]: value });
    });
    const redact = redactorFor(secrets, incoming.text);
    this.requests.push({
      method,
      path: redact.text(path),
      query: redact.value(Object.fromEntries(url.searchParams)),
      operation,
      body: body.ok ? redact.value(body.value) : redact.text(incoming.text),
      headers: redact.value(sent),
    });
    if (method === "GET" && path.startsWith("/link/")) return hostedPage(this.store, path.slice(6), url);
    if (!route) return send(apiError(404, "NotFound", `No route ${method} ${path}`));

    // The key first, as the API checks it: a request it refuses does not use up a test's fault.
    const refused = this.#checkKey(headers, route);
    if (refused) return send(refused);
    const fault = this.#faults.get(route.operation)?.shift();
    if (fault === "hang" || fault === "reset") return fault;
    if (fault) {
      const slug = ENVELOPE_SLUGS[fault.status] ?? "HttpError";
      const answer = apiError(fault.status, slug, `${slug} (fake.failNext)`);
      return send(answer, fault.retryAfter === undefined ? {} : { "retry-after": String(fault.retryAfter) });
    }

    const implementation = OPERATIONS[route.operation];
    if (!implementation)
      return send(
        apiError(
          501,
          "NotImplemented",
          `${route.operation} (${method} ${path}) is not faked yet: composio-connected-accounts/testing does not implement this operation of the spec.`,
        ),
      );
    const unapplied = checkQuery(route, url.searchParams, implementation.query ?? []);
    if (unapplied) return send(unapplied);
    if (!body.ok) return send(apiError(400, "BadRequest", "The body is not JSON", { errors: [body.error] }));
    // A JSON parser with a recursion limit refuses such a body; kept, it would break every answer
    // that shows it (JSON.stringify recurses).
    if (nestedDeeper(body.value, MAX_BODY_DEPTH))
      return send(apiError(400, "BadRequest", `The body is nested deeper than ${MAX_BODY_DEPTH} levels`));
    if (body.value === undefined && implementation.body === "required")
      return send(apiError(400, "BadRequest", `${route.operation} needs a JSON body`));
    if (body.value !== undefined && Object.hasOwn(validators, route.operation)) {
      const issues = findIssues(route.operation as keyof typeof validators, body.value);
      if (issues.length)
        return send(
          apiError(400, "BadRequest", "The body does not match the schema", {
            errors: issues.map((i) => `${i.path || "(body)"}: ${i.message}`),
          }),
        );
    }
    const params = route.pattern.exec(path)!.slice(1).map(decodeParam);
    return send(implementation.run({ store: this.store, params, query: url.searchParams, body: body.value }));
  }

  #checkKey(headers: Headers, route: Route): Answer | undefined {
    const apiKey = headers.get("x-api-key");
    const userApiKey = headers.get("x-user-api-key");
    if (apiKey !== null && userApiKey !== null)
      return apiError(401, "Unauthorized", "Multiple authentication modes were provided");
    if (apiKey === null && userApiKey === null)
      return apiError(
        401,
        "Unauthorized",
        "No API key: send your project API key as x-api-key, or a user API key as x-user-api-key",
      );
    const header = apiKey !== null ? "x-api-key" : "x-user-api-key";
    if (apiKey !== null ? apiKey !== this.keys.apiKey : userApiKey !== this.keys.userApiKey)
      return apiError(401, "Unauthorized", `Invalid API key (${header})`);
    if (route.credentials && !route.credentials.includes(header))
      return apiError(
        401,
        "Unauthorized",
        `${route.operation} takes ${route.credentials.join(" or ")} only; ${header} is not accepted here`,
      );
    return undefined;
  }
}

/**
 * A 400 for a query parameter the spec does not give the operation, naming the nearest it has; a
 * 501 for one it gives that the fake does not apply (the spec added it since). undefined if the
 * fake applies every one sent.
 */
function checkQuery(route: Route, query: URLSearchParams, applied: readonly string[]): Answer | undefined {
  for (const name of new Set(query.keys())) {
    const shown = `\`${name.length > 40 ? `${name.slice(0, 40)}…` : name}\``;
    if (!route.query.includes(name))
      return apiError(
        400,
        "BadRequest",
        `${route.operation}: unknown query parameter ${shown}; ${route.query.length ? didYouMean(name, route.query) : "it takes none."} The fake refuses it rather than ignore it: a filter not applied would let a test pass wrongly.`,
      );
    if (!applied.includes(name))
      return apiError(
        501,
        "NotImplemented",
        `${route.operation}: the query parameter ${shown} is not faked yet: composio-connected-accounts/testing does not apply it, so it refuses the request rather than answer as if it did.`,
      );
  }
  return undefined;
}

/** The answer as a JSON response; an error's envelope gets the request id the header carries. */
function send(answer: Answer, extra: Record<string, string> = {}): Response {
  const requestId = randomId("req_", 16);
  const { body } = answer;
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (answer.status >= 400 && error) error.request_id = requestId;
  return new Response(JSON.stringify(body), {
    status: answer.status,
    headers: { "content-type": "application/json", "x-request-id": requestId, ...CORS_HEADERS, ...extra },
  });
}

/** A path parameter, decoded; a malformed escape (`%E0%A4%A`) stays as sent, an id no account has. */
function decodeParam(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Whether JSON `value` has objects or arrays nested more than `limit` deep (no recursion: any depth). */
function nestedDeeper(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== "object") continue;
    if (depth === limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

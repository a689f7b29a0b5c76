// The fuzzer's hostile requests, for the /testing fake: there the other side is the caller. A
// generated request (a route of the spec or a hosted page, any method, ids with broken escapes,
// queries and headers with secrets under sensitive names and echoed elsewhere, bodies that are the
// spec's own mutated, not JSON, or arrays of thousands of wrong items) goes to `fake.fetch` or to
// `fake.listen()`, and the fake must answer, in time, and record no secret in `fake.requests`.
import { inspect } from "node:util";
import fc from "fast-check";
import { ROUTES, SENSITIVE_KEY } from "../../generated/meta.js";
import { createFakeComposio, type FakeComposio } from "../../src/testing.js";
import {
  expand,
  GIVEN,
  setAt,
  underSensitiveKeys,
  jsonArb,
  SECRET_NAMES,
  secretsArb,
  textArb,
  type Json,
  type SecretName,
  type Secrets,
} from "./fuzz-answers.js";
import { findLeak, runsOf } from "./fuzz-run.js";
import { OPERATIONS } from "./operations.js";
import { AUTH_CONFIGS } from "./testing-fake.js";

const ROUTE_KEYS = Object.keys(ROUTES);
/** The route whose body schema checks each kind of wrong item. */
const WRONG_ROUTES = {
  "link-acl": routeOf("createConnectedAccountLink"),
  "create-scope": routeOf("createConnectedAccount"),
};
function routeOf(operation: string): string {
  return ROUTE_KEYS.find((key) => ROUTES[key]!.operation === operation)!;
}

export type FakeBody =
  | { json: Json }
  | { fixture: string; set: [path: string, value: Json][] }
  | { text: string }
  /** `count` wrong items in an array the schema checks item by item: as many validation errors. */
  | { wrong: "link-acl" | "create-scope"; count: number }
  | { none: true };

export interface FakeRun {
  transport: "fetch" | "listen";
  secrets: Secrets;
  /** A fault queued first, as a test would (`fake.failNext`). */
  fault?: { operation: string; status: number };
  /** A route of the spec (`METHOD /path`), or the hosted page. */
  route: string;
  /** Another method than the route's. */
  method?: string;
  /** Every path parameter (and the page's token); `{account}` is the id of an account the fake holds. */
  id: string;
  query: [name: string, value: string][];
  key: "apiKey" | "userApiKey" | "both" | "none" | "wrong";
  headers: [name: string, value: string][];
  body: FakeBody;
}

const idArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "{account}",
      "ca_missing1",
      "%",
      "%E0%A4%A",
      "%zz",
      "..",
      "a/b",
      "%2F",
      "{account}%",
      "«apiKey|plain»",
      "«requestSecret|percent»",
    ),
  },
  { weight: 2, arbitrary: textArb },
);

const QUERY_NAMES = [
  ...new Set(Object.values(ROUTES).flatMap((route) => route.query ?? [])),
  "access_token",
  "api_key",
  "code",
  "state",
  "session",
  "callback_url",
  "error",
];

const latin1 = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");

const bodyArb: fc.Arbitrary<FakeBody> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      fixture: fc.constantFrom(
        ...OPERATIONS.filter((op) => op.body !== undefined).map((op) => op.operationId),
      ),
      set: fc.array(
        fc.tuple(
          fc.constantFrom(
            "user_id",
            "callback_url",
            "alias",
            "auth_config_id",
            "auth_config.id",
            "connection.state",
            "connection.state.val",
            "connection.state.val.api_key",
            "connection.state.val.access_token",
            "connection.callback_url",
            "connection.data",
            "session_uri",
            "redirect_url",
            "client_secret",
            "notes",
          ),
          jsonArb,
        ),
        { maxLength: 3 },
      ),
    }),
  },
  { weight: 2, arbitrary: jsonArb.map((json) => ({ json })) },
  { weight: 1, arbitrary: textArb.map((text) => ({ text })) },
  {
    weight: 1,
    arbitrary: fc.record({
      wrong: fc.constantFrom<"link-acl" | "create-scope">("link-acl", "create-scope"),
      count: fc.noBias(fc.integer({ min: 1, max: 6000 })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ none: true as const }) },
);

export const fakeRunArb: fc.Arbitrary<FakeRun> = fc
  .record({
    transport: fc.constantFrom<FakeRun["transport"]>("fetch", "listen"),
    secrets: secretsArb,
    fault: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.record({
          operation: fc.constantFrom(...new Set(Object.values(ROUTES).map((r) => r.operation))),
          status: fc.integer({ min: 400, max: 599 }),
        }),
      },
    ),
    route: fc.constantFrom(...ROUTE_KEYS, "GET /link/{token}"),
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS") },
    ),
    id: idArb,
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_NAMES), textArb), textArb), { maxLength: 3 }),
    key: fc.constantFrom<FakeRun["key"]>("apiKey", "apiKey", "apiKey", "userApiKey", "both", "none", "wrong"),
    headers: fc.array(
      fc.tuple(
        fc.constantFrom(
          "x-client-secret",
          "authorization",
          "cookie",
          "x-request-id",
          "x-note",
          "x-session-token",
        ),
        textArb,
      ),
      { maxLength: 3 },
    ),
    body: bodyArb,
  })
  .map(({ fault, method, ...run }): FakeRun => ({
    ...run,
    ...(fault ? { fault } : {}),
    ...(method ? { method } : {}),
  }));

/** What one request did to the fake. */
export interface FakeOutcome {
  run: FakeRun;
  status?: number;
  /** What the fake threw, or the crash page the listening server made of it. */
  thrown?: string;
  ms: number;
  cpuMs: number;
  requestBytes: number;
  /** The request line as sent (method, path, query). */
  sent: string;
  requests: string;
  secrets: SecretName[];
}

export const FAKE_DEADLINE_MS = 2000;
/** The fake's CPU per request: its routing, key check and validation are linear in the request; 2 µs a byte is generous. */
export const FAKE_CPU_FIXED_MS = 100;
export const FAKE_CPU_NS_PER_BYTE = 2000;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function bodyOf(body: FakeBody, secrets: Secrets): string | undefined {
  if ("none" in body) return undefined;
  if ("text" in body) return expand(body.text, secrets);
  if ("wrong" in body) {
    const items = Array(body.count).fill(0);
    return JSON.stringify(
      body.wrong === "link-acl"
        ? {
            auth_config_id: AUTH_CONFIGS[0]!.id,
            user_id: "user_42",
            experimental: { acl_config_for_shared: { allowed_user_ids: items } },
          }
        : {
            auth_config: { id: AUTH_CONFIGS[1]!.id },
            connection: {
              user_id: "user_42",
              state: {
                authScheme: "OAUTH2",
                val: { status: "ACTIVE", access_token: "«accessToken|plain»", scope: items },
              },
            },
          },
    ).replace(/«accessToken\|plain»/, secrets.accessToken);
  }
  const json =
    "json" in body
      ? body.json
      : setAll(OPERATIONS.find((op) => op.operationId === body.fixture)!.body as Json, body.set);
  return JSON.stringify(expandJson(json, secrets));
}

function setAll(base: Json, set: [string, Json][]): Json {
  let out = structuredClone(base);
  for (const [path, value] of set) out = setAt(out, path.split("."), value);
  return out;
}
function expandJson(json: Json, secrets: Secrets): Json {
  if (typeof json === "string") return expand(json, secrets);
  if (Array.isArray(json)) return json.map((item) => expandJson(item, secrets));
  if (json && typeof json === "object")
    return Object.fromEntries(
      Object.entries(json).map(([k, v]) => [expand(k, secrets), expandJson(v, secrets)]),
    );
  return json;
}

/** The planted secrets a request carries in clear under a sensitive name: a body key, a query name, a header name. */
function carriedBy(
  body: string | undefined,
  query: [string, string][],
  headers: [string, string][],
  secrets: Secrets,
): SecretName[] {
  const under: string[] = [];
  for (const [name, value] of [...query, ...headers]) if (SENSITIVE_KEY.test(name)) under.push(value);
  under.push(...underSensitiveKeys(body));
  return SECRET_NAMES.filter((name) => !GIVEN.includes(name) || name === "requestSecret").filter((name) =>
    under.some((text) => text.includes(secrets[name])),
  );
}

export async function executeFake(generated: FakeRun): Promise<FakeOutcome> {
  const fake: FakeComposio = createFakeComposio({ authConfigs: AUTH_CONFIGS });
  // The fake's own keys are the secrets it holds; markers for them expand to them.
  const secrets: Secrets = { ...generated.secrets, apiKey: fake.apiKey, userApiKey: fake.userApiKey };
  const run = { ...generated, secrets };
  const server = run.transport === "listen" ? await fake.listen() : undefined;
  const base = server?.baseUrl ?? "https://backend.composio.dev";
  const send = server ? fetch : fake.fetch;
  try {
    // An account the request may name ({account}): one link made the way an app makes it.
    const linked = await send(`${base}/api/v3.1/connected_accounts/link`, {
      method: "POST",
      headers: { "x-api-key": fake.apiKey, "content-type": "application/json" },
      body: JSON.stringify({
        auth_config_id: AUTH_CONFIGS[0]!.id,
        user_id: "user_42",
        callback_url: "https://app.example.com/done",
      }),
    });
    const { connected_account_id: account, redirect_url: page } = (await linked.json()) as Record<
      string,
      string
    >;
    if (run.fault) fake.failNext(run.fault.operation as never, { status: run.fault.status });

    // Wrong items go to the operation whose schema checks them one by one.
    const route = "wrong" in run.body ? WRONG_ROUTES[run.body.wrong] : run.route;
    const [routeMethod, template] = route.split(" ") as [string, string];
    // On the hosted page, {account} is the page's token.
    const named = template.includes("{token}") ? new URL(page!).pathname.split("/").pop()! : account!;
    const path = template.replace(/\{[^}]+\}/g, expand(run.id, secrets).replaceAll("{account}", named));
    const query = run.query.map(
      ([name, value]) => [expand(name, secrets), expand(value, secrets)] as [string, string],
    );
    const headers = run.headers.map(
      ([name, value]) => [name, latin1(expand(value, secrets))] as [string, string],
    );
    const keyHeaders: [string, string][] =
      run.key === "apiKey"
        ? [["x-api-key", fake.apiKey]]
        : run.key === "userApiKey"
          ? [["x-user-api-key", fake.userApiKey]]
          : run.key === "both"
            ? [
                ["x-api-key", fake.apiKey],
                ["x-user-api-key", fake.userApiKey],
              ]
            : run.key === "wrong"
              ? [["x-api-key", latin1(`ak_wrong_${expand("«requestSecret|plain»", secrets)}`)]]
              : [];
    const method = "wrong" in run.body ? routeMethod : (run.method ?? routeMethod);
    const body = method === "GET" || method === "HEAD" ? undefined : bodyOf(run.body, secrets);
    const search = query.length ? `?${new URLSearchParams(query).toString()}` : "";
    const init: RequestInit = {
      method,
      // The hosted page sends the browser on to the app's callback: not followed (no network).
      redirect: "manual",
      headers: [
        ...keyHeaders,
        ...headers,
        ...(body === undefined ? [] : [["content-type", "application/json"] as [string, string]]),
      ],
      body,
    };
    const requestBytes =
      path.length + search.length + (body?.length ?? 0) + JSON.stringify(init.headers).length;

    const cpu0 = cpuMs();
    const start = performance.now();
    let status: number | undefined;
    let thrown: string | undefined;
    try {
      const answer = await Promise.race([
        send(`${base}${path}${search}`, init),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`no answer within ${FAKE_DEADLINE_MS} ms`)),
            FAKE_DEADLINE_MS,
          ).unref(),
        ),
      ]);
      status = answer.status;
      const text = await answer.text();
      if (server && status === 500 && text.startsWith("The fake failed"))
        thrown = `the listening server's crash page: ${text.slice(0, 200)}`;
    } catch (error) {
      thrown = `${(error as Error)?.constructor?.name}: ${String((error as Error)?.message).slice(0, 200)}`;
    }
    const ms = performance.now() - start;
    const cpu = cpuMs() - cpu0;
    const given = carriedBy(body, query, [...keyHeaders, ...headers], secrets);
    return {
      run,
      ...(status === undefined ? {} : { status }),
      ...(thrown === undefined ? {} : { thrown }),
      ms,
      cpuMs: cpu,
      requestBytes,
      sent: `${method} ${path}${search}`,
      requests: `${JSON.stringify(fake.requests)}\n${inspect(fake.requests, { depth: Infinity })}`,
      secrets: [...new Set<SecretName>(["apiKey", "userApiKey", ...given])],
    };
  } finally {
    await server?.close();
  }
}

const describeFake = (o: FakeOutcome) =>
  `  ${o.run.transport}: ${JSON.stringify(o.sent.slice(0, 120))}; ${
    o.thrown ? `threw ${o.thrown}` : `answered ${o.status}`
  } in ${Math.round(o.ms)} ms, CPU ${Math.round(o.cpuMs)} ms for ${o.requestBytes} request bytes`;

/** F1. The fake answers every request, in time: it never throws, crashes its server, or hangs. */
export function expectFakeAnswers(o: FakeOutcome): void {
  if (o.thrown !== undefined || o.ms > FAKE_DEADLINE_MS)
    throw new Error(
      `fake invariant 1: the fake answers every request, never throws or hangs\n  ${o.thrown ?? `took ${Math.round(o.ms)} ms`}\n${describeFake(o)}`,
    );
}

/** F2. No 8-character run of a secret in `fake.requests`. */
export function expectFakeNoSecrets(o: FakeOutcome): void {
  const leak = findLeak({ "fake.requests": o.requests }, runsOf(o.run.secrets, o.secrets));
  if (leak)
    throw new Error(
      `fake invariant 2: fake.requests holds no secret run\n  ${leak}\n  secrets held to it: ${o.secrets.join(", ")}\n${describeFake(o)}`,
    );
}

/** F3. CPU per request linear in its bytes (the validation of a body included). */
export function expectFakeBounded(o: FakeOutcome): void {
  const budget = FAKE_CPU_FIXED_MS + (FAKE_CPU_NS_PER_BYTE * o.requestBytes) / 1e6;
  if (o.cpuMs > budget)
    throw new Error(
      `fake invariant 3: CPU per request stays linear in its bytes\n  CPU ${Math.round(o.cpuMs)} ms > budget ${Math.round(budget)} ms (${Math.round((o.cpuMs * 1e6) / o.requestBytes)} ns per request byte)\n${describeFake(o)}`,
    );
}

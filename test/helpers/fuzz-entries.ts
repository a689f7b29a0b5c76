// Every entry point of the package, as the fuzzer drives it: each client method, each standalone
// function over createComposioTransport, /raw, waitForConnection and confirmConnection (on a client
// and on a transport), and the `for await` walk of each paginated list. The operations are read
// from the spec (test/helpers/operations.ts): a new one is driven without a change here.
import * as standalone from "../../generated/resources.js";
import {
  confirmConnection,
  waitForConnection,
  type ClientOptions,
  type RequestOptions,
} from "../../src/index.js";
import { createRawClient } from "../../src/raw.js";
import type { OperationModel } from "../../scripts/lib/model.js";
import type { Secrets } from "./fuzz-answers.js";
import { OPERATIONS, rawPath, SPEC_OPERATIONS } from "./operations.js";
import type { Factories } from "./transports.js";

/** The client's limits for one run: small, so that a hang costs the fuzzer little. */
export interface Settings {
  credential: "apiKey" | "userApiKey";
  timeoutMs: number;
  totalTimeoutMs: number;
  /** Left out: the client's default (2). */
  maxRetries?: number;
  maxResponseBytes: number;
  /** waitForConnection's own deadline and first interval. */
  waitTimeoutMs: number;
  initialIntervalMs: number;
}

/** What an entry point is called with. */
export interface EntryContext {
  baseUrl: string;
  /** /raw's fetch (the scripted one, on both transports). */
  fetch: typeof fetch;
  /** The client's: the scripted fetch, or none for the node:http transport. */
  clientFetch: typeof fetch | undefined;
  /** How the client and the transport are made: the fetch build's factories, or node:http's. */
  factories: Factories;
  secrets: Secrets;
  settings: Settings;
  logger: {
    debug(line: string): void;
    info(line: string): void;
    warn(line: string): void;
    error(line: string): void;
  };
}

export interface Entry {
  name: string;
  /** The operation it sends (each poll of a wait, each page of a walk, sends it again). */
  operationId: string;
  /** The longest a call may take by its options before it settles (without slack). */
  deadlineMs(settings: Settings): number;
  call(ctx: EntryContext): Promise<unknown>;
  /** What is wrong with the value it resolved to, if it is not the type the entry point promises. */
  wrongValue(value: unknown): string | undefined;
  /** Texts of the value that reach the caller as an error (/raw's `error` and error response): they may hold no secret. */
  exposed?(value: unknown): Record<string, string>;
}

/** The id every path parameter gets, and the user confirmConnection expects. */
export const ID = "ca_fuzz1";
export const USER = "user_42";
/** A walk reads at most this many pages: the server may send new cursors forever. */
const MAX_PAGES = 3;

const clientOptions = ({ baseUrl, clientFetch, secrets, settings, logger }: EntryContext): ClientOptions =>
  ({
    [settings.credential]: secrets[settings.credential],
    baseUrl,
    ...(clientFetch ? { fetch: clientFetch } : {}),
    logger,
    logLevel: "debug",
    timeoutMs: settings.timeoutMs,
    totalTimeoutMs: settings.totalTimeoutMs,
    maxResponseBytes: settings.maxResponseBytes,
    ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }),
  }) as ClientOptions;

/** Each request carries a secret of the caller's in a header whose name says so: the client must know it too. */
const requestOptions = (ctx: EntryContext, extra: RequestOptions = {}): RequestOptions => ({
  headers: { "x-client-secret": ctx.secrets.requestSecret },
  ...extra,
});

/** The operation's fixture body, with the caller's secret under a sensitive key. */
function bodyOf(op: OperationModel, ctx: EntryContext): unknown {
  if (!op.body) return undefined;
  const fixture = OPERATIONS.find((o) => o.operationId === op.operationId)?.body;
  return { ...(fixture as object), client_secret: ctx.secrets.requestSecret };
}

/** The arguments of the generated function (after the transport), as the generator orders them. */
const argsOf = (op: OperationModel, ctx: EntryContext, options: RequestOptions): unknown[] => [
  ...op.pathParams.map(() => ID),
  ...(op.body ? [bodyOf(op, ctx)] : []),
  ...(op.query ? [undefined] : []),
  options,
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const requestDeadline = (s: Settings) => s.totalTimeoutMs;
const anObject = (value: unknown) =>
  isObject(value) ? undefined : `resolved ${describe(value)}, not a JSON object`;

function describe(value: unknown): string {
  if (value === null || typeof value !== "object") return `${typeof value} ${String(value).slice(0, 40)}`;
  return Array.isArray(value)
    ? `an array of ${value.length}`
    : `an object (${Object.keys(value).slice(0, 5).join(", ")})`;
}

function operationEntries(op: OperationModel): Entry[] {
  const fn = (standalone as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
    op.operationId
  ]!;
  const route = rawPath(op.operationId) as string;
  return [
    {
      name: `client.${op.resource}.${op.method}`,
      operationId: op.operationId,
      deadlineMs: requestDeadline,
      call: async (ctx) => {
        const resource = (
          ctx.factories.createComposioClient(clientOptions(ctx)) as unknown as Record<
            string,
            Record<string, (...a: unknown[]) => Promise<unknown>>
          >
        )[op.resource]!;
        return resource[op.method]!(...argsOf(op, ctx, requestOptions(ctx)));
      },
      wrongValue: anObject,
    },
    {
      name: `${op.operationId}(transport)`,
      operationId: op.operationId,
      deadlineMs: requestDeadline,
      call: async (ctx) =>
        fn(
          ctx.factories.createComposioTransport(clientOptions(ctx)),
          ...argsOf(op, ctx, requestOptions(ctx)),
        ),
      wrongValue: anObject,
    },
    {
      name: `raw.${op.httpMethod} ${route}`,
      operationId: op.operationId,
      deadlineMs: requestDeadline,
      call: async (ctx) => {
        const raw = createRawClient({ ...clientOptions(ctx), fetch: ctx.fetch }) as unknown as Record<
          string,
          (url: string, init: object) => Promise<unknown>
        >;
        const path = Object.fromEntries([...route.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [name, ID]));
        return raw[op.httpMethod]!(route, {
          params: { path },
          body: bodyOf(op, ctx),
          headers: requestOptions(ctx).headers,
        });
      },
      wrongValue: (value) => {
        const { response } = (value ?? {}) as { response?: unknown };
        if (!(response instanceof Response)) return `resolved ${describe(value)} without a Response`;
        return undefined;
      },
      exposed: (value): Record<string, string> => {
        const { error, response } = value as { error?: unknown; response: Response };
        if (response.ok) return {};
        return {
          "raw error": JSON.stringify(error) ?? "",
          "raw response.statusText": response.statusText,
          "raw response.headers": JSON.stringify([...response.headers]),
        };
      },
    },
  ];
}

const retrieve = SPEC_OPERATIONS.find((op) => op.operationId === "retrieveConnectedAccount")!;

/** waitForConnection's deadline: its timeoutMs, and the last look's grace (a second, or half the timeout). */
const waitDeadline = (s: Settings) => s.waitTimeoutMs + Math.min(1000, s.waitTimeoutMs / 2);
const waitOptions = (ctx: EntryContext) => ({
  timeoutMs: ctx.settings.waitTimeoutMs,
  initialIntervalMs: ctx.settings.initialIntervalMs,
  requestOptions: requestOptions(ctx),
});
const isActive = (value: unknown) =>
  isObject(value) && value.status === "ACTIVE"
    ? undefined
    : `resolved ${describe(value)}${isObject(value) ? ` with status ${JSON.stringify(value.status)}` : ""}, not an ACTIVE account`;
const isConfirmed = (value: unknown) =>
  isActive(value) ??
  (isObject(value) && value.user_id === USER
    ? undefined
    : `resolved an account of user ${JSON.stringify((value as { user_id?: unknown }).user_id)}, not ${USER}`);
const CALLBACK = `/connections/done?status=success&connectedAccountId=${ID}`;

const helperEntries: Entry[] = [
  {
    name: "client.connectedAccounts.waitForConnection",
    operationId: retrieve.operationId,
    deadlineMs: waitDeadline,
    call: async (ctx) =>
      ctx.factories
        .createComposioClient(clientOptions(ctx))
        .connectedAccounts.waitForConnection(ID, waitOptions(ctx)),
    wrongValue: isActive,
  },
  {
    name: "waitForConnection(transport)",
    operationId: retrieve.operationId,
    deadlineMs: waitDeadline,
    call: async (ctx) =>
      waitForConnection(ctx.factories.createComposioTransport(clientOptions(ctx)), ID, waitOptions(ctx)),
    wrongValue: isActive,
  },
  {
    name: "confirmConnection(client)",
    operationId: retrieve.operationId,
    deadlineMs: requestDeadline,
    call: async (ctx) =>
      confirmConnection(ctx.factories.createComposioClient(clientOptions(ctx)), CALLBACK, {
        userId: USER,
        requestOptions: requestOptions(ctx),
      }),
    wrongValue: isConfirmed,
  },
  {
    name: "confirmConnection(transport)",
    operationId: retrieve.operationId,
    deadlineMs: requestDeadline,
    call: async (ctx) =>
      confirmConnection(ctx.factories.createComposioTransport(clientOptions(ctx)), CALLBACK, {
        userId: USER,
        requestOptions: requestOptions(ctx),
      }),
    wrongValue: isConfirmed,
  },
];

/** The `for await` walk of each paginated list, on the client and on the standalone function. */
const walkEntries: Entry[] = SPEC_OPERATIONS.filter((op) => op.pagination).flatMap((op) => {
  const fn = (standalone as unknown as Record<string, (...args: unknown[]) => AsyncIterable<unknown>>)[
    op.operationId
  ]!;
  const walk = async (items: AsyncIterable<unknown>) => {
    let count = 0;
    for await (const _ of items) count++;
    return count;
  };
  const options = (ctx: EntryContext) => requestOptions(ctx, { maxPages: MAX_PAGES });
  const shared = {
    operationId: op.operationId,
    // Each page is a request of its own, bounded by totalTimeoutMs.
    deadlineMs: (s: Settings) => MAX_PAGES * s.totalTimeoutMs,
    wrongValue: (value: unknown) =>
      typeof value === "number" ? undefined : `the walk ended with ${describe(value)}`,
  };
  return [
    {
      ...shared,
      name: `for await client.${op.resource}.${op.method}`,
      call: async (ctx: EntryContext) => {
        const resource = (
          ctx.factories.createComposioClient(clientOptions(ctx)) as unknown as Record<
            string,
            Record<string, (...a: unknown[]) => AsyncIterable<unknown>>
          >
        )[op.resource]!;
        return walk(resource[op.method]!(undefined, options(ctx)));
      },
    },
    {
      ...shared,
      name: `for await ${op.operationId}(transport)`,
      call: async (ctx: EntryContext) =>
        walk(fn(ctx.factories.createComposioTransport(clientOptions(ctx)), undefined, options(ctx))),
    },
  ];
});

export const ENTRIES: readonly Entry[] = [
  ...SPEC_OPERATIONS.flatMap(operationEntries),
  ...helperEntries,
  ...walkEntries,
];
export const entryNamed = (name: string): Entry => ENTRIES.find((e) => e.name === name)!;

/** The entry points of the operations that may make something: sent at most once per call. */
export const CREATING_ENTRIES = ENTRIES.filter((entry) =>
  ["createConnectedAccount", "createConnectedAccountLink", "completeConnectedAccountAuth"].includes(
    entry.operationId,
  ),
);

// The connectedAccounts operations as a table, for tests that run each one the same way: how
// to call it, what reaches the server (method, path, query, body) and what a success answers.
import type { ServerResponse } from "node:http";
import { ComposioError } from "../../src/index.js";
import type {
  ConnectedAccounts,
  CreateConnectedAccountParams,
  RequestOptions,
  UpdateConnectedAccountParams,
} from "../../src/index.js";
import { expect } from "vitest";
import { ROUTES } from "../../generated/meta.js";
import { listedAccount } from "../../scripts/fixtures/accounts.js";
import { readOperations, type OperationModel } from "../../scripts/lib/model.js";
import { deref, loadSpec, type Schema } from "../../scripts/lib/spec.js";
import { json, type SeenRequest } from "./server.js";

/** An id that must be percent-encoded in a path: a slash and a space. */
export const ID = "ca_a/b c";
export const ENCODED_ID = "ca_a%2Fb%20c";

/** A connected account as retrieve and list answer it, its tokens in `state.val` (and in the deprecated `data`). */
export function account(id: string, tokens: { access: string; refresh: string; id?: string }) {
  const val = {
    status: "ACTIVE",
    access_token: tokens.access,
    refresh_token: tokens.refresh,
    ...(tokens.id ? { id_token: tokens.id } : {}),
    token_type: "Bearer",
    scope: "repo read:user",
  };
  // `data` mirrors only the two tokens: the suites read it as a second place tokens sit.
  const data = { access_token: tokens.access, refresh_token: tokens.refresh };
  return listedAccount(id, { authScheme: "OAUTH2", val }, { data, params: {} });
}

export const createBody: CreateConnectedAccountParams = {
  auth_config: { id: "ac_1a2b3c4d5e6f" },
  connection: { user_id: "user_42" },
};
export const linkBody = {
  auth_config_id: "ac_9z8y7x6w5v4u",
  user_id: "user_42",
  callback_url: "https://app.example.com/connections/done",
};
export const completeAuthBody = {
  user_id: "user_42",
  session_uri: "https://backend.composio.dev/api/v3.1/s/9f8e7d6c",
};
export const updateBody: UpdateConnectedAccountParams = {
  alias: "Work account",
  connection: { state: { authScheme: "API_KEY", val: { api_key: "svc_new_key_123", generic_id: null } } },
};

/** The operations of the spec (every one with `x-sdk`), read as the generator reads them. */
const SPEC = loadSpec("spec/openapi.yaml");
export const SPEC_OPERATIONS: readonly OperationModel[] = readOperations(SPEC);

type MethodName = keyof Omit<ConnectedAccounts, "waitForConnection">;

/**
 * What a test cannot read from the spec about one operation: a call with its arguments, the query
 * and body that call sends, and a success answer. Keyed by operationId in FIXTURES below.
 */
export interface Fixture {
  /** The query the server receives (without `?`), when the call sends one. */
  query?: string;
  /** The JSON body the server receives; leave it out for none. */
  body?: unknown;
  /** A success answer, valid for the operation's success response (and upstream's). */
  answer: unknown;
  /** Calls the operation with `id` for every path parameter. */
  send(accounts: ConnectedAccounts, options: RequestOptions | undefined, id: string): Promise<unknown>;
}

/**
 * The hand-written fixture of each operation, by operationId. An operation whose body and query
 * are optional and whose success response has an example needs none: `derivedFixture` calls it
 * with its path parameters only and answers the example.
 */
const FIXTURES: Record<string, Fixture> = {
  listConnectedAccounts: {
    query:
      "statuses=ACTIVE,FAILED&toolkit_slugs=github,gmail&user_ids=user%2042&limit=20&order_by=updated_at",
    answer: {
      items: [account("ca_1", { access: "at_list_1", refresh: "rt_list_1" })],
      next_cursor: null,
      total_pages: 1,
      current_page: 1,
      total_items: 1,
    },
    send: (a, o) =>
      a
        .list(
          {
            statuses: ["ACTIVE", "FAILED"],
            toolkit_slugs: ["github", "gmail"],
            user_ids: ["user 42"],
            limit: 20,
            order_by: "updated_at",
          },
          o,
        )
        .then((page) => page), // the first page, as `await` gives it
  },
  createConnectedAccount: {
    body: createBody,
    answer: {
      id: "ca_new",
      connectionData: { authScheme: "API_KEY", val: { status: "ACTIVE" } },
      status: "ACTIVE",
      redirect_url: null,
      redirect_uri: null,
    },
    send: (a, o) => a.create(createBody, o),
  },
  completeConnectedAccountAuth: {
    body: completeAuthBody,
    answer: { connected_account_id: "ca_8b2d4f6a1c3e", toolkit_slug: "github" },
    send: (a, o) => a.completeAuth(completeAuthBody, o),
  },
  createConnectedAccountLink: {
    body: linkBody,
    answer: {
      link_token: "lt_3f8a9c2e71b4",
      redirect_url: "https://connect.composio.dev/link/lt_3f8a9c2e71b4",
      expires_at: "2026-01-15T09:40:00.000Z",
      connected_account_id: "ca_8b2d4f6a1c3e",
    },
    send: (a, o) => a.link(linkBody, o),
  },
  retrieveConnectedAccount: {
    answer: account(ID, { access: "at_retrieve_1", refresh: "rt_retrieve_1" }),
    send: (a, o, id) => a.retrieve(id, o),
  },
  updateConnectedAccount: {
    body: updateBody,
    answer: { success: true, id: ID, status: "ACTIVE" },
    send: (a, o, id) => a.update(id, updateBody, o),
  },
  updateConnectedAccountStatus: {
    body: { enabled: false },
    answer: { success: true },
    send: (a, o, id) => a.updateStatus(id, { enabled: false }, o),
  },
  deleteConnectedAccount: {
    query: "revoke_on_delete=true",
    answer: { success: true, revoke_job_id: "job_5d41402abc4b2a76" },
    send: (a, o, id) => a.delete(id, { revoke_on_delete: true }, o),
  },
  refreshConnectedAccount: {
    query: "redirect_url=https%3A%2F%2Fapp.example.com%2Fdone%3Fa%3D1%26b%3D2",
    body: { redirect_url: "https://app.example.com/done" },
    answer: { id: ID, status: "INITIATED", redirect_url: "https://backend.composio.dev/api/v3/s/def456" },
    send: (a, o, id) =>
      a.refresh(
        id,
        { redirect_url: "https://app.example.com/done" },
        { redirect_url: "https://app.example.com/done?a=1&b=2" },
        o,
      ),
  },
  revokeConnectedAccount: {
    answer: {
      revoked_tokens: ["access_token", "refresh_token"],
      connected_account: { id: ID, status: "REVOKED" },
    },
    send: (a, o, id) => a.revoke(id, o),
  },
};

/** The raw spec object of an operation, and its success status (its first 2xx response). */
function specOperation(op: OperationModel): { raw: Schema; status: number } {
  const raw: Schema = SPEC.doc.paths[op.path][op.httpMethod.toLowerCase()];
  const status = Object.keys(raw.responses).find((code) => /^2\d\d$/.test(code));
  return { raw, status: Number(status) };
}

/** The first example of the operation's success response, if the spec gives one. */
function successExample(op: OperationModel): unknown {
  const { raw, status } = specOperation(op);
  const media = deref(SPEC, raw.responses[status], []).schema.content?.["application/json"];
  if (media?.example !== undefined) return media.example;
  const first = Object.values<Schema>(media?.examples ?? {})[0];
  return first && deref(SPEC, first, []).schema.value;
}

/** A fixture read from the spec alone: for an operation that needs no body and no query, and shows a success example. */
function derivedFixture(op: OperationModel): Fixture | string {
  const needs = [
    ...(op.body?.required ? ["the required body"] : []),
    ...(op.query?.required ? ["the required query"] : []),
  ];
  const answer = successExample(op);
  if (answer === undefined)
    needs.push(`a success answer (its ${specOperation(op).status} response has no example)`);
  if (needs.length) return needs.join(", ");
  const method = op.method as MethodName;
  // The generated signature: path parameters, then the body and the query when it has them, then options.
  const send: Fixture["send"] = (a, o, id) =>
    (a[method] as (...args: unknown[]) => Promise<unknown>)(
      ...op.pathParams.map(() => id),
      ...(op.body ? [undefined] : []),
      ...(op.query ? [undefined] : []),
      o,
    );
  return { answer, send };
}

/**
 * The fixture of an operation: its hand-written one, or one read from the spec. Throws, naming
 * the operation and where to add it, when it has neither.
 */
export function fixtureFor(
  operationId: string,
  { operations = SPEC_OPERATIONS, fixtures = FIXTURES } = {}, // other ones to test this function
): Fixture {
  const op = operations.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`No operation "${operationId}" in spec/openapi.yaml`);
  const fixture = fixtures[operationId] ?? derivedFixture(op);
  if (typeof fixture !== "string") return fixture;
  throw new Error(
    `No fixture for operation "${operationId}" (connectedAccounts.${op.method}): add one to FIXTURES in ` +
      `test/helpers/operations.ts — a call (send), the query and body it sends, and a success answer. ` +
      `It cannot be read from the spec: it needs ${fixture}.`,
  );
}

/** One operation: the spec's facts about it and its fixture, ready for a test to run. */
export interface Operation {
  name: MethodName;
  operationId: string;
  /** A read, or a write the spec marks `x-sdk-idempotent`: retried after 500/502/504, timeouts and resets by default. */
  idempotent: boolean;
  /** The spec marks it `x-sdk-creates-account`: an error that does not prove nothing happened says the account may exist. */
  createsAccount: boolean;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path (with ID) and query as the server receives them. */
  url: string;
  /** The JSON body the server receives, or undefined for none. */
  body: unknown;
  status: number;
  answer: unknown;
  /** Calls the operation, with ID (or `id`) for every path parameter. */
  send(accounts: ConnectedAccounts, options?: RequestOptions, id?: string): Promise<unknown>;
  /** The spec's example for each path parameter: an id the spec's pattern accepts (ID does not). */
  exampleId: string;
}

function toOperation(op: OperationModel, fixture: Fixture): Operation {
  const path = op.path.replace(/\{[^}]+\}/g, ENCODED_ID);
  return {
    name: op.method as MethodName,
    operationId: op.operationId,
    idempotent: op.idempotent,
    createsAccount: op.createsAccount,
    method: op.httpMethod as Operation["method"],
    url: fixture.query ? `${path}?${fixture.query}` : path,
    body: fixture.body,
    status: specOperation(op).status,
    answer: fixture.answer,
    send: (a, o, id = ID) => fixture.send(a, o, id),
    exampleId: op.pathParams[0]?.example ?? ID,
  };
}

/**
 * Every operation of the spec that has a fixture, in the spec's order. One without a fixture is
 * left out here and fails "every operation of the spec has a fixture" (operations.test.ts) once,
 * with fixtureFor's message, instead of every table-driven test.
 */
export const OPERATIONS: readonly Operation[] = SPEC_OPERATIONS.flatMap((op) => {
  try {
    return [toOperation(op, fixtureFor(op.operationId))];
  } catch {
    return [];
  }
});

/** The operation behind an x-sdk method name. */
export const operationNamed = (name: string): Operation => {
  const op = OPERATIONS.find((o) => o.name === name);
  if (!op) throw new Error(`No operation with x-sdk method "${name}" that has a fixture`);
  return op;
};

/** Answers a request with the operation's success. */
export const succeed = (op: Operation) => (_req: SeenRequest, res: ServerResponse) =>
  json(res, op.status, op.answer);

/** Answers each request with the success of the operation its method and path belong to. */
export function answerByRoute(req: SeenRequest, res: ServerResponse): void {
  const path = (url: string) => url.split("?")[0];
  const op = OPERATIONS.find((o) => o.method === req.method && path(o.url) === path(req.url));
  if (op) json(res, op.status, op.answer);
  else json(res, 404, { error: { message: `no route ${req.method} ${req.url}`, status: 404 } });
}

/** The credential headers each method takes, read from the spec's security (the API's default where an operation names none). */
export function credentialHeadersBySpec(): Map<string, string[]> {
  const { doc } = SPEC;
  const schemes = doc.components.securitySchemes as Record<string, { name: string }>;
  const found = new Map<string, string[]>();
  for (const item of Object.values(doc.paths as Record<string, Record<string, any>>)) {
    for (const op of Object.values(item)) {
      if (!op?.["x-sdk"]) continue;
      const security: Record<string, unknown>[] = op.security ?? doc.security;
      found.set(
        op["x-sdk"].method,
        security.flatMap((requirement) => Object.keys(requirement).map((name) => schemes[name]!.name)),
      );
    }
  }
  return found;
}
/** Runs a promise to its outcome: the value, or the error it rejected with. */
export function settle<T>(promise: Promise<T>): Promise<{ value: T | undefined; error: unknown }> {
  return promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
}

/** A logger that keeps every line, at every level. */
export function recordingLogger(lines: string[] = []) {
  const push = (m: string) => void lines.push(m);
  return { lines, logger: { debug: push, info: push, warn: push, error: push } };
}

/** The route of an operation as /raw types it (found by operationId, so the path prefix may move). */
export function rawPath(operation: string): any {
  const route = Object.keys(ROUTES).find((r) => ROUTES[r]!.operation === operation)!;
  return route.slice(route.indexOf(" ") + 1);
}

/** The message of the ComposioError that `run` throws at once (fails the test if it throws none, or another error). */
export function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ComposioError);
    return (error as Error).message;
  }
  throw new Error("did not throw");
}

/** An error status the spec declares for an operation, with the envelope of its first example. */
export interface DeclaredError {
  /** The operation's x-sdk method. */
  name: string;
  operationId: string;
  status: number;
  example: { message: string; code: number; slug: string; request_id: string; suggested_fix?: string };
}

/** Every error status (4xx, 5xx) each operation of the spec declares, with its example's envelope. */
export function declaredErrors(): DeclaredError[] {
  return SPEC_OPERATIONS.flatMap((op) => {
    const { raw } = specOperation(op);
    return Object.entries<Schema>(raw.responses)
      .filter(([status]) => Number(status) >= 400)
      .map(([status, ref]) => {
        const media = deref(SPEC, ref, []).schema.content["application/json"];
        const example = media.example ?? Object.values<Schema>(media.examples)[0]!.value;
        return {
          name: op.method,
          operationId: op.operationId,
          status: Number(status),
          example: example.error,
        };
      });
  });
}

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
import { loadSpec } from "../../scripts/lib/spec.js";
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

/** One operation: how to call it, what the server must see, and its success answer. */
export interface Operation {
  name: keyof Omit<ConnectedAccounts, "waitForConnection">;
  /** A read, or a write the spec marks `x-sdk-idempotent`: retried after 500/502/504, timeouts and resets by default. */
  idempotent: boolean;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path and query as the server receives them. */
  url: string;
  /** The JSON body the server receives, or undefined for none. */
  body: unknown;
  status: number;
  answer: unknown;
  send(accounts: ConnectedAccounts, options?: RequestOptions): Promise<unknown>;
}

export const OPERATIONS: readonly Operation[] = [
  {
    name: "list",
    idempotent: true,
    method: "GET",
    url: "/api/v3.1/connected_accounts?statuses=ACTIVE,FAILED&toolkit_slugs=github,gmail&user_ids=user%2042&limit=20&order_by=updated_at",
    body: undefined,
    status: 200,
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
  {
    name: "create",
    idempotent: false,
    method: "POST",
    url: "/api/v3.1/connected_accounts",
    body: createBody,
    status: 201,
    answer: {
      id: "ca_new",
      connectionData: { authScheme: "API_KEY", val: { status: "ACTIVE" } },
      status: "ACTIVE",
      redirect_url: null,
      redirect_uri: null,
    },
    send: (a, o) => a.create(createBody, o),
  },
  {
    name: "completeAuth",
    idempotent: false,
    method: "POST",
    url: "/api/v3.1/connected_accounts/complete_auth",
    body: completeAuthBody,
    status: 200,
    answer: { connected_account_id: "ca_8b2d4f6a1c3e", toolkit_slug: "github" },
    send: (a, o) => a.completeAuth(completeAuthBody, o),
  },
  {
    name: "link",
    idempotent: false,
    method: "POST",
    url: "/api/v3.1/connected_accounts/link",
    body: linkBody,
    status: 201,
    answer: {
      link_token: "lt_3f8a9c2e71b4",
      redirect_url: "https://connect.composio.dev/link/lt_3f8a9c2e71b4",
      expires_at: "2026-01-15T09:40:00.000Z",
      connected_account_id: "ca_8b2d4f6a1c3e",
    },
    send: (a, o) => a.link(linkBody, o),
  },
  {
    name: "retrieve",
    idempotent: true,
    method: "GET",
    url: `/api/v3.1/connected_accounts/${ENCODED_ID}`,
    body: undefined,
    status: 200,
    answer: account(ID, { access: "at_retrieve_1", refresh: "rt_retrieve_1" }),
    send: (a, o) => a.retrieve(ID, o),
  },
  {
    name: "update",
    idempotent: true,
    method: "PATCH",
    url: `/api/v3.1/connected_accounts/${ENCODED_ID}`,
    body: updateBody,
    status: 200,
    answer: { success: true, id: ID, status: "ACTIVE" },
    send: (a, o) => a.update(ID, updateBody, o),
  },
  {
    name: "updateStatus",
    idempotent: true,
    method: "PATCH",
    url: `/api/v3.1/connected_accounts/${ENCODED_ID}/status`,
    body: { enabled: false },
    status: 200,
    answer: { success: true },
    send: (a, o) => a.updateStatus(ID, { enabled: false }, o),
  },
  {
    name: "delete",
    idempotent: true,
    method: "DELETE",
    url: `/api/v3.1/connected_accounts/${ENCODED_ID}?revoke_on_delete=true`,
    body: undefined,
    status: 200,
    answer: { success: true, revoke_job_id: "job_5d41402abc4b2a76" },
    send: (a, o) => a.delete(ID, { revoke_on_delete: true }, o),
  },
  {
    name: "refresh",
    idempotent: false,
    method: "POST",
    url: `/api/v3.1/connected_accounts/${ENCODED_ID}/refresh?redirect_url=https%3A%2F%2Fapp.example.com%2Fdone%3Fa%3D1%26b%3D2`,
    body: { redirect_url: "https://app.example.com/done" },
    status: 200,
    answer: { id: ID, status: "INITIATED", redirect_url: "https://backend.composio.dev/api/v3/s/def456" },
    send: (a, o) =>
      a.refresh(
        ID,
        { redirect_url: "https://app.example.com/done" },
        { redirect_url: "https://app.example.com/done?a=1&b=2" },
        o,
      ),
  },
  {
    name: "revoke",
    idempotent: false,
    method: "POST",
    url: `/api/v3.1/connected_accounts/${ENCODED_ID}/revoke`,
    body: undefined,
    status: 200,
    answer: {
      revoked_tokens: ["access_token", "refresh_token"],
      connected_account: { id: ID, status: "REVOKED" },
    },
    send: (a, o) => a.revoke(ID, o),
  },
];

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
  const { doc } = loadSpec("spec/openapi.yaml");
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

// A fake Composio on 127.0.0.1 (node:http) for journey tests: an in-memory map of connected
// accounts and just enough of the API to connect one (link, create), wait for it (retrieve), and
// manage them (list, enable/disable, revoke, delete). It also serves the pages a user's browser
// opens: a GET of a link's `redirect_url` or of an OAuth `redirectUrl` is the user completing the
// screen (the account turns ACTIVE, and the browser is sent on to `callback_url`).
//
// Its answers are written with the generated response types, so a misspelt field does not
// compile, and each is recorded with the name of its schema in the spec, for tests to check it
// there too (see spec-schemas.ts). Request bodies are checked with the spec's own validator, and
// list filters must come comma-joined, as the spec says: a client that sent them otherwise fails.
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import {
  ApiKeyState,
  OAuth2State,
  type ConnectionState,
  type CreateConnectedAccountLinkParams,
  type CreateConnectedAccountLinkResponse,
  type CreateConnectedAccountParams,
  type CreateConnectedAccountResponse,
  type DeleteConnectedAccountResponse,
  type ListConnectedAccountsItem,
  type ListConnectedAccountsResponse,
  type RetrieveConnectedAccountResponse,
  type RevokeConnectedAccountResponse,
  type UpdateConnectedAccountStatusParams,
  type UpdateConnectedAccountStatusResponse,
} from "../../src/index.js";
import { findIssues, type ValidatedOperation } from "../../src/validate.js";
import { errorBody, startServer, type SeenRequest } from "./server.js";

/** An auth config the fake knows: the toolkit it connects to and how. */
export interface FakeAuthConfig {
  toolkit: string;
  authScheme: "OAUTH2" | "API_KEY";
  /** Composio's own OAuth app: create refuses it, link serves it. */
  composioManaged?: boolean;
}

/** An answer the fake sent: the name of its schema in spec/components/schemas, and its body. */
export interface FakeAnswer {
  route: string;
  status: number;
  schema: string;
  body: unknown;
}

type Status = "INITIATED" | "ACTIVE" | "INACTIVE" | "FAILED" | "REVOKED";

interface StoredAccount {
  id: string;
  userId: string;
  authConfigId: string;
  config: FakeAuthConfig;
  status: Status;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Creation order: accounts made in the same millisecond still list newest first. */
  seq: number;
  deleted: boolean;
  /** The page the user opens to connect (OAuth accounts): its path on the fake, and its URL. */
  hostedPath?: string;
  redirectUrl?: string;
  callbackUrl?: string;
  apiKey?: string;
  tokens?: { access_token: string; refresh_token: string };
  revokedAt?: string;
}

export interface FakeComposio {
  url: string;
  /** Every answer sent, in order. */
  answers: FakeAnswer[];
  /** Every request received, in order. */
  requests: SeenRequest[];
  close(): Promise<void>;
}

const DEFAULT_LIMIT = 20;
const LINK_TTL_MS = 10 * 60_000;

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const now = () => new Date().toISOString();

/** Starts the fake with a project API key and the auth configs it knows, by id. */
export async function startFakeComposio(
  apiKey: string,
  authConfigs: Record<string, FakeAuthConfig>,
): Promise<FakeComposio> {
  const accounts = new Map<string, StoredAccount>();
  const answers: FakeAnswer[] = [];
  let seq = 0;
  let baseUrl = "";

  const server = await startServer((req, res) => {
    const url = new URL(req.url, "http://fake");
    const route = `${req.method} ${url.pathname}`;
    const send = (status: number, schema: string, body: unknown) => {
      answers.push({ route, status, schema, body });
      res.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${hex(4)}` });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, slug: string, message: string, errors?: string[]) =>
      send(status, "ErrorEnvelope", errorBody(status, slug, message, errors ? { errors } : {}));
    const notFound = (id: string) =>
      fail(404, "ConnectedAccount_NotFound", `Connected account ${id} not found`);

    // The user's browser on a hosted page: no API key, and an HTML world, not JSON.
    const hosted = [...accounts.values()].find((a) => a.hostedPath === url.pathname);
    if (req.method === "GET" && hosted) return completeScreen(hosted, url, res);

    if (req.headers["x-api-key"] !== apiKey) {
      return fail(401, "Auth_InvalidApiKey", "The API key is missing or invalid");
    }
    const parse = <T>(operation: ValidatedOperation): T | undefined => {
      let body: unknown;
      try {
        body = JSON.parse(req.body);
      } catch {
        fail(400, "ConnectedAccount_BadRequest", "The body is not JSON");
        return undefined;
      }
      const issues = findIssues(operation, body);
      if (issues.length === 0) return body as T; // checked against the spec's schema just above
      fail(
        400,
        "ConnectedAccount_BadRequest",
        "The body does not match the schema",
        issues.map((i) => `${i.path}: ${i.message}`),
      );
      return undefined;
    };
    const live = (id: string) => {
      const account = accounts.get(id);
      return account && !account.deleted ? account : undefined;
    };

    const path = url.pathname;
    const one = /^\/api\/v3\.1\/connected_accounts\/([^/]+)$/.exec(path);
    const status = /^\/api\/v3\.1\/connected_accounts\/([^/]+)\/status$/.exec(path);
    const revoke = /^\/api\/v3\.1\/connected_accounts\/([^/]+)\/revoke$/.exec(path);

    if (req.method === "POST" && path === "/api/v3.1/connected_accounts/link") {
      const body = parse<CreateConnectedAccountLinkParams>("createConnectedAccountLink");
      if (!body) return;
      const config = authConfigs[body.auth_config_id];
      if (!config) return fail(404, "AuthConfig_NotFound", `Auth config ${body.auth_config_id} not found`);
      const linkToken = `lk_${hex(8)}`;
      const hostedPath = `/link/${linkToken}`;
      const account = store(body.user_id, body.auth_config_id, config, hostedPath);
      account.callbackUrl = body.callback_url;
      const answer: CreateConnectedAccountLinkResponse = {
        link_token: linkToken,
        redirect_url: baseUrl + hostedPath,
        expires_at: new Date(Date.now() + LINK_TTL_MS).toISOString(),
        connected_account_id: account.id,
      };
      return send(201, "ConnectedAccountLink", answer);
    }

    if (req.method === "POST" && path === "/api/v3.1/connected_accounts") {
      const body = parse<CreateConnectedAccountParams>("createConnectedAccount");
      if (!body) return;
      const config = authConfigs[body.auth_config.id];
      if (!config) return fail(404, "AuthConfig_NotFound", `Auth config ${body.auth_config.id} not found`);
      if (config.composioManaged) {
        return fail(
          400,
          "ConnectedAccount_BadRequest",
          "Creating connections on this endpoint for Composio-managed OAuth auth configs is no longer supported. Use POST /api/v3.1/connected_accounts/link instead.",
        );
      }
      const state = body.connection.state;
      if (state?.authScheme !== config.authScheme) {
        return fail(400, "ConnectedAccount_BadRequest", `This auth config takes ${config.authScheme} states`);
      }
      const userId = body.connection.user_id ?? "default";
      let account: StoredAccount;
      if (state.authScheme === "API_KEY" && state.val.status === "ACTIVE" && state.val.api_key) {
        account = store(userId, body.auth_config.id, config);
        account.apiKey = state.val.api_key;
        account.status = "ACTIVE";
      } else if (state.authScheme === "OAUTH2" && state.val.status === "INITIALIZING") {
        account = store(userId, body.auth_config.id, config, `/api/v3/s/${hex(6)}`);
        account.callbackUrl = body.connection.callback_url;
      } else {
        return fail(
          400,
          "ConnectedAccount_BadRequest",
          "The fake starts OAUTH2 INITIALIZING or API_KEY ACTIVE",
        );
      }
      const redirectUrl = account.redirectUrl ?? null;
      const answer: CreateConnectedAccountResponse = {
        id: account.id,
        connectionData: stateOf(account),
        status: account.status,
        redirect_url: redirectUrl,
        redirect_uri: redirectUrl,
      };
      return send(201, "CreatedConnectedAccount", answer);
    }

    if (req.method === "GET" && path === "/api/v3.1/connected_accounts") {
      const lists: Record<string, string[] | undefined> = {};
      for (const name of [
        "user_ids",
        "statuses",
        "toolkit_slugs",
        "auth_config_ids",
        "connected_account_ids",
      ]) {
        const values = url.searchParams.getAll(name);
        if (values.length > 1) {
          return fail(400, "ConnectedAccount_BadRequest", `${name} is one comma-separated value`);
        }
        lists[name] = values[0]?.split(",");
      }
      const limit = Number(url.searchParams.get("limit") ?? DEFAULT_LIMIT);
      if (!Number.isInteger(limit) || limit < 1) {
        return fail(400, "ConnectedAccount_BadRequest", "limit must be a positive integer");
      }
      const cursor = url.searchParams.get("cursor");
      const offset = cursor ? readCursor(cursor) : 0;
      if (offset === undefined) return fail(400, "ConnectedAccount_BadRequest", "cursor is not valid");
      const matching = [...accounts.values()]
        .filter(
          (a) =>
            !a.deleted &&
            (!lists.user_ids || lists.user_ids.includes(a.userId)) &&
            (!lists.statuses || lists.statuses.includes(a.status)) &&
            (!lists.toolkit_slugs || lists.toolkit_slugs.includes(a.config.toolkit)) &&
            (!lists.auth_config_ids || lists.auth_config_ids.includes(a.authConfigId)) &&
            (!lists.connected_account_ids || lists.connected_account_ids.includes(a.id)),
        )
        .sort((a, b) => b.seq - a.seq);
      const next = offset + limit < matching.length ? writeCursor(offset + limit) : null;
      const page: ListConnectedAccountsResponse = {
        items: matching.slice(offset, offset + limit).map(itemOf),
        next_cursor: next,
        total_pages: Math.max(1, Math.ceil(matching.length / limit)),
        current_page: Math.floor(offset / limit) + 1,
        total_items: matching.length,
      };
      return send(200, "ConnectedAccountList", page);
    }

    if (req.method === "GET" && one) {
      const account = live(one[1]!);
      if (!account) return notFound(one[1]!);
      const answer: RetrieveConnectedAccountResponse = { ...itemOf(account), params: {} };
      return send(200, "RetrievedConnectedAccount", answer);
    }

    if (req.method === "PATCH" && status) {
      const body = parse<UpdateConnectedAccountStatusParams>("updateConnectedAccountStatus");
      if (!body) return;
      const account = live(status[1]!);
      if (!account) return notFound(status[1]!);
      if (account.status !== "ACTIVE" && account.status !== "INACTIVE") {
        return fail(
          409,
          "ConnectedAccount_Conflict",
          `A ${account.status} account cannot be enabled or disabled`,
        );
      }
      change(
        account,
        body.enabled ? "ACTIVE" : "INACTIVE",
        body.enabled ? null : "Connection status updated by user",
      );
      const answer: UpdateConnectedAccountStatusResponse = { success: true };
      return send(200, "StatusUpdateResult", answer);
    }

    if (req.method === "POST" && revoke) {
      const account = live(revoke[1]!);
      if (!account) return notFound(revoke[1]!);
      if (!account.tokens) return fail(400, "ConnectedAccount_BadRequest", "This toolkit cannot revoke");
      if (account.status !== "ACTIVE" && account.status !== "REVOKED") {
        return fail(409, "ConnectedAccount_Conflict", `A ${account.status} account cannot be revoked`);
      }
      const revoked: RevokeConnectedAccountResponse["revoked_tokens"] =
        account.status === "ACTIVE" ? ["access_token", "refresh_token"] : [];
      account.revokedAt ??= now();
      change(account, "REVOKED", "Revoked via user-initiated revoke endpoint");
      const answer: RevokeConnectedAccountResponse = {
        revoked_tokens: revoked,
        connected_account: { id: account.id, status: "REVOKED" },
      };
      return send(200, "RevokedConnectedAccount", answer);
    }

    if (req.method === "DELETE" && one) {
      const account = live(one[1]!);
      if (!account) return notFound(one[1]!);
      account.deleted = true;
      const answer: DeleteConnectedAccountResponse = { success: true };
      if (url.searchParams.get("revoke_on_delete") === "true") answer.revoke_job_id = `job_${hex(6)}`;
      return send(200, "DeletedConnectedAccount", answer);
    }

    return fail(404, "Http_NotFound", `No route ${route}`);
  });
  baseUrl = server.url;

  function store(userId: string, authConfigId: string, config: FakeAuthConfig, hostedPath?: string) {
    const at = now();
    const account: StoredAccount = {
      id: `ca_${hex(6)}`,
      userId,
      authConfigId,
      config,
      status: "INITIATED",
      statusReason: null,
      createdAt: at,
      updatedAt: at,
      seq: seq++,
      deleted: false,
      hostedPath,
      redirectUrl: hostedPath && baseUrl + hostedPath,
    };
    accounts.set(account.id, account);
    return account;
  }

  return { url: server.url, answers, requests: server.requests, close: () => server.close() };
}

function change(account: StoredAccount, status: Status, reason: string | null): void {
  account.status = status;
  account.statusReason = reason;
  account.updatedAt = now();
}

/**
 * The user on the hosted page: consent gives the account its tokens (ACTIVE); `?error=…` (the
 * provider's answer when the user says no) fails it. Then the browser goes on to `callback_url`.
 */
function completeScreen(account: StoredAccount, url: URL, res: ServerResponse): void {
  if (account.status !== "INITIATED") {
    res.writeHead(410, { "content-type": "text/html" });
    return void res.end("<p>This link was used already.</p>");
  }
  const denied = url.searchParams.get("error");
  if (denied) {
    change(account, "FAILED", "OAuth callback failed during token exchange");
  } else {
    account.tokens = { access_token: `at_${hex(12)}`, refresh_token: `rt_${hex(12)}` };
    change(account, "ACTIVE", null);
  }
  if (!account.callbackUrl) {
    res.writeHead(200, { "content-type": "text/html" });
    return void res.end("<p>Connected. You can close this tab.</p>");
  }
  const back = new URL(account.callbackUrl);
  back.searchParams.set("status", denied ? "failed" : "success");
  back.searchParams.set("connected_account_id", account.id);
  res.writeHead(302, { location: back.href });
  res.end();
}

/** The account's `state`, as the API shows it for its scheme and status. */
function stateOf(a: StoredAccount): ConnectionState {
  if (a.config.authScheme === "API_KEY") {
    const val = { api_key: a.apiKey ?? "" };
    return a.status === "INACTIVE" ? ApiKeyState.inactive(val) : ApiKeyState.active(val);
  }
  const tokens = { access_token: "", refresh_token: "", ...a.tokens, token_type: "Bearer" };
  switch (a.status) {
    case "INITIATED":
      return OAuth2State.initiated({ redirectUrl: a.redirectUrl ?? "", callback_url: a.callbackUrl });
    case "ACTIVE":
      return OAuth2State.active(tokens);
    case "INACTIVE":
      return OAuth2State.inactive(tokens);
    case "FAILED":
      return OAuth2State.failed({ error: "access_denied", error_description: "The user said no" });
    case "REVOKED":
      return OAuth2State.revoked({ revoked_at: a.revokedAt });
  }
}

/** An account as list shows it (retrieve adds `params`). */
function itemOf(a: StoredAccount): ListConnectedAccountsItem {
  return {
    id: a.id,
    toolkit: { slug: a.config.toolkit },
    auth_config: {
      id: a.authConfigId,
      auth_scheme: a.config.authScheme,
      is_composio_managed: a.config.composioManaged === true,
      is_disabled: false,
    },
    user_id: a.userId,
    status: a.status,
    status_reason: a.statusReason,
    is_disabled: a.status === "INACTIVE",
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    state: stateOf(a),
    data: {},
    alias: null,
    word_id: null,
  };
}

/** Opaque to clients; here, the offset of the next page. */
const writeCursor = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString("base64url");
function readCursor(cursor: string): number | undefined {
  let read: unknown;
  try {
    read = JSON.parse(Buffer.from(cursor, "base64url").toString());
  } catch {
    return undefined;
  }
  const offset = typeof read === "object" && read !== null && "offset" in read ? read.offset : undefined;
  return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

/**
 * The user's browser: after `afterMs` (reading the consent screen), it opens `url` and approves,
 * or says no (`deny`). Resolves with where the browser is sent next (the app's `callback_url`,
 * with `status` and `connected_account_id`), or null when the page ends there.
 */
export async function userCompletes(
  url: string,
  { afterMs = 0, deny = false }: { afterMs?: number; deny?: boolean } = {},
): Promise<string | null> {
  await delay(afterMs);
  const page = new URL(url);
  if (deny) page.searchParams.set("error", "access_denied");
  const response = await fetch(page, { redirect: "manual" });
  await response.arrayBuffer();
  if (response.status >= 400) throw new Error(`the hosted page answered ${response.status}`);
  return response.headers.get("location");
}

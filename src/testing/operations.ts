// What the fake does for each operation of the spec, by operationId, as the API behaves
// (api-lifecycle.md): the accounts it makes and changes, its answers (typed with the generated
// response types, so a misspelt field does not compile), and its errors with the API's statuses
// and slugs. The body has been checked against the spec before an operation runs.
import { QUERY_JOINED, ROUTES } from "../../generated/meta.js";
import type {
  CompleteConnectedAccountAuthParams,
  CompleteConnectedAccountAuthResponse,
  CreateConnectedAccountLinkParams,
  CreateConnectedAccountLinkResponse,
  CreateConnectedAccountParams,
  CreateConnectedAccountResponse,
  DeleteConnectedAccountResponse,
  ListConnectedAccountsItem,
  ListConnectedAccountsResponse,
  RefreshConnectedAccountParams,
  RefreshConnectedAccountResponse,
  RetrieveConnectedAccountResponse,
  RevokeConnectedAccountResponse,
  UpdateConnectedAccountParams,
  UpdateConnectedAccountResponse,
  UpdateConnectedAccountStatusParams,
  UpdateConnectedAccountStatusResponse,
} from "../../generated/resources.js";
import type { components } from "../../generated/schema.js";
import { INITIATION_TTL_MS, type Account, type FakeStatus, type FakeStore } from "./accounts.js";

type AccountSharing = components["schemas"]["AccountSharing"];
type SharedAccountAcl = components["schemas"]["SharedAccountAcl"];

/** An answer: its status and JSON body. */
export interface Answer {
  status: number;
  body: unknown;
}

/** One request, routed: the path parameters, the query, the checked body, where pages live. */
export interface Call {
  store: FakeStore;
  params: string[];
  query: URLSearchParams;
  body: any;
}

export interface Operation {
  /** Whether the operation needs a JSON body (the spec's `requestBody.required`). */
  body?: "required";
  /** The query parameters it applies; any other the spec gives it is answered 501, naming it. */
  query?: readonly string[];
  run(call: Call): Answer;
}

/** An error in Composio's envelope. Connected-account errors have codes 600–699, others 10000 + status. */
export function apiError(
  status: number,
  slug: string,
  message: string,
  extra: { errors?: string[]; suggested_fix?: string } = {},
): Answer {
  const code = status === 400 && slug.startsWith("ConnectedAccount_") ? 600 : 10000 + status;
  return { status, body: { error: { message, code, slug, status, ...extra } } };
}

const ok = (body: unknown, status = 200): Answer => ({ status, body });
const badRequest = (message: string, errors?: string[]) =>
  apiError(400, "ConnectedAccount_BadRequest", message, errors ? { errors } : {});
const accountNotFound = (id: string) =>
  apiError(404, "ConnectedAccount_NotFound", `Connected account ${id} not found`);
const authConfigNotFound = (id: string) =>
  apiError(404, "AuthConfig_NotFound", `Auth config ${id} not found`);
const conflict = (message: string) => apiError(409, "Conflict", message);

// Every status of the spec: one it adds fails to compile here until it is listed.
const STATUSES: Record<FakeStatus, true> = {
  INITIALIZING: true,
  INITIATED: true,
  ACTIVE: true,
  FAILED: true,
  EXPIRED: true,
  INACTIVE: true,
  REVOKED: true,
};

/** Where Composio-managed OAuth connections are made now: link's route, read from the spec. */
const LINK_ROUTE = Object.entries(ROUTES).find(([, r]) => r.operation === "createConnectedAccountLink")?.[0];

const iso = (ms: number) => new Date(ms).toISOString();

/** An account as list shows it (retrieve adds `params`). */
function itemOf(store: FakeStore, a: Account): ListConnectedAccountsItem {
  return {
    id: a.id,
    toolkit: { slug: a.config.toolkit },
    auth_config: {
      id: a.config.id,
      auth_scheme: a.config.authScheme,
      is_composio_managed: a.config.managed === true,
      is_disabled: false,
    },
    authScheme: a.config.authScheme,
    user_id: a.userId,
    status: a.status,
    status_reason: a.statusReason,
    is_disabled: a.status === "INACTIVE",
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
    state: store.stateOf(a),
    data: {},
    alias: a.alias,
    word_id: null,
    ...(a.experimental ? { experimental: a.experimental } : {}),
  };
}

/**
 * The sharing settings as the API answers them (every ACL field present), from those a request
 * gives, over those the account had.
 */
function sharing(
  given: { account_type?: AccountSharing["account_type"]; acl_config_for_shared?: SharedAccountAcl },
  before?: AccountSharing,
): AccountSharing {
  const acl = given.acl_config_for_shared;
  const settings =
    acl || before?.acl_config_for_shared ? { ...before?.acl_config_for_shared, ...acl } : undefined;
  return {
    account_type: given.account_type ?? before?.account_type ?? "PRIVATE",
    ...(settings && {
      acl_config_for_shared: {
        allow_all_users: settings.allow_all_users ?? false,
        allowed_user_ids: settings.allowed_user_ids ?? [],
        not_allowed_user_ids: settings.not_allowed_user_ids ?? [],
      },
    }),
  };
}

/** The alias is taken by another live account of the same user and toolkit. */
function aliasTaken(
  store: FakeStore,
  alias: string,
  userId: string,
  toolkit: string,
  self?: Account,
): boolean {
  for (const a of store.accounts.values())
    if (a !== self && !a.deleted && a.alias === alias && a.userId === userId && a.config.toolkit === toolkit)
      return true;
  return false;
}

/** The filters and options of list, each checked as the API would: a wrong one is a 400 naming it. */
const ORDER_BY = ["created_at", "updated_at"];
const ORDER_DIRECTION = ["desc", "asc"];
const ACCOUNT_TYPE = ["PRIVATE", "SHARED", "ALL"];
const DEFAULT_LIMIT = 20;

function oneOf(query: URLSearchParams, name: string, allowed: string[]): string | Answer {
  const value = query.get(name) ?? allowed[0]!;
  if (allowed.includes(value)) return value;
  return apiError(400, "BadRequest", `Invalid value for ${name}: ${value}`, {
    errors: [`${name} must be one of: ${allowed.join(", ")}`],
  });
}

/** The cursor is opaque to clients; here it holds the offset of the next page. */
const writeCursor = (offset: number) => btoa(`offset:${offset}`).replace(/=/g, "");
function readCursor(cursor: string): number | undefined {
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    return undefined;
  }
  const match = /^offset:(\d{1,9})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function list({ store, query }: Call): Answer {
  const filters: Record<string, string[]> = {};
  for (const [name, delimiter] of Object.entries(QUERY_JOINED)) {
    const values = query.getAll(name);
    if (values.length > 1)
      return apiError(400, "BadRequest", `${name} came ${values.length} times`, {
        errors: [`${name} is one value, its items joined by "${decodeURIComponent(delimiter)}"`],
      });
    if (values[0]) filters[name] = values[0].split(decodeURIComponent(delimiter));
  }
  const unknownStatus = filters.statuses?.find((s) => !Object.hasOwn(STATUSES, s));
  if (unknownStatus)
    return apiError(400, "BadRequest", `Invalid value for statuses: ${unknownStatus}`, {
      errors: [`statuses must be some of: ${Object.keys(STATUSES).join(", ")}`],
    });
  const unknownConfig = filters.auth_config_ids?.find((id) => !store.configs.has(id));
  if (unknownConfig) return authConfigNotFound(unknownConfig);
  const toolkits = new Set([...store.configs.values()].map((c) => c.toolkit));
  const unknownToolkit = filters.toolkit_slugs?.find((slug) => !toolkits.has(slug));
  if (unknownToolkit) return apiError(404, "Toolkit_NotFound", `Toolkit ${unknownToolkit} not found`);

  const orderBy = oneOf(query, "order_by", ORDER_BY);
  const direction = oneOf(query, "order_direction", ORDER_DIRECTION);
  const accountType = oneOf(query, "account_type", ACCOUNT_TYPE);
  if (typeof orderBy !== "string") return orderBy;
  if (typeof direction !== "string") return direction;
  if (typeof accountType !== "string") return accountType;
  const limit = Number(query.get("limit") ?? DEFAULT_LIMIT);
  if (!Number.isInteger(limit) || limit < 1)
    return apiError(400, "BadRequest", `Invalid value for limit: ${query.get("limit")}`, {
      errors: ["limit must be a whole number ≥ 1"],
    });
  const cursor = query.get("cursor");
  const offset = cursor ? readCursor(cursor) : 0;
  if (offset === undefined)
    return apiError(400, "BadRequest", "Invalid cursor", {
      errors: ["cursor must be a next_cursor of this list"],
    });

  const has = (name: string, value: string) => !filters[name] || filters[name].includes(value);
  const key = (a: Account) =>
    orderBy === "updated_at" ? [a.updatedAt, a.updatedSeq] : [a.createdAt, a.createdSeq];
  const sign = direction === "asc" ? 1 : -1;
  const matching = [...store.accounts.values()]
    .filter(
      (a) =>
        !a.deleted &&
        has("user_ids", a.userId) &&
        has("statuses", a.status) &&
        has("toolkit_slugs", a.config.toolkit) &&
        has("auth_config_ids", a.config.id) &&
        has("connected_account_ids", a.id) &&
        (accountType === "ALL" || (a.experimental?.account_type ?? "PRIVATE") === accountType),
    )
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return sign * (x[0]! - y[0]! || x[1]! - y[1]!);
    });
  const page: ListConnectedAccountsResponse = {
    items: matching.slice(offset, offset + limit).map((a) => itemOf(store, a)),
    next_cursor: offset + limit < matching.length ? writeCursor(offset + limit) : null,
    total_pages: Math.max(1, Math.ceil(matching.length / limit)),
    current_page: Math.floor(offset / limit) + 1,
    total_items: matching.length,
  };
  return ok(page);
}

/**
 * A 400 naming `field` unless `value` (where the hosted page sends the browser back) is an
 * absolute http(s) URL, as Composio's callback is: a `javascript:` or `data:` URL there would run
 * in the user's browser, a relative path go nowhere.
 */
function notWebAddress(field: string, value: string | null | undefined): Answer | undefined {
  if (value === undefined || value === null) return undefined;
  let scheme: string | undefined;
  try {
    scheme = new URL(value).protocol;
  } catch {
    // not an absolute URL
  }
  if (scheme === "http:" || scheme === "https:") return undefined;
  return badRequest(`${field} must be an absolute http or https URL`, [
    scheme ? `${field} is a ${scheme.slice(0, 20)} URL` : `${field} is not an absolute URL`,
  ]);
}

function create({ store, body }: Call): Answer {
  const { auth_config, connection } = body as CreateConnectedAccountParams;
  const refused =
    notWebAddress("callback_url", connection.callback_url) ??
    notWebAddress("redirect_uri", connection.redirect_uri);
  if (refused) return refused;
  const config = store.configs.get(auth_config.id);
  if (!config) return authConfigNotFound(auth_config.id);
  if (config.managed)
    return withFix(
      badRequest(
        `Creating connections on this endpoint for Composio-managed OAuth auth configs is no longer supported. Use ${LINK_ROUTE} instead.`,
      ),
      `Call ${LINK_ROUTE} for Composio-managed OAuth apps.`,
    );
  const state = connection.state ?? { authScheme: config.authScheme, val: { status: "INITIALIZING" } };
  if (String(state.authScheme) !== config.authScheme)
    return apiError(422, "ConnectedAccount_UnprocessableEntity", "The auth scheme could not be resolved", {
      errors: [
        `connection.state.authScheme is ${String(state.authScheme)}; auth config ${config.id} takes ${config.authScheme}`,
      ],
    });
  const { status, ...fields } = state.val as { status: string } & Record<string, unknown>;
  if (status !== "ACTIVE" && status !== "INITIALIZING")
    return badRequest(
      `create starts a connection INITIALIZING (the user consents) or ACTIVE (with its credentials), not ${status}`,
    );
  const userId = connection.user_id ?? "default";
  if (connection.alias !== undefined && aliasTaken(store, connection.alias, userId, config.toolkit))
    return badRequest(`The alias ${JSON.stringify(connection.alias)} is taken for this user and toolkit`);
  const account = store.add(config, userId, fields);
  account.alias = connection.alias ?? null;
  if (connection.experimental) account.experimental = sharing(connection.experimental);
  if (status === "ACTIVE") store.change(account, "ACTIVE");
  else store.initiate(account, connection.callback_url ?? connection.redirect_uri);
  const redirectUrl = account.status === "INITIATED" ? store.pageUrl(account)! : null;
  const answer: CreateConnectedAccountResponse = {
    id: account.id,
    connectionData: store.stateOf(account),
    status: account.status,
    redirect_url: redirectUrl,
    redirect_uri: redirectUrl,
    ...(account.experimental ? { experimental: account.experimental } : {}),
  };
  return ok(answer, 201);
}

function withFix(answer: Answer, fix: string): Answer {
  (answer.body as { error: Record<string, unknown> }).error.suggested_fix = fix;
  return answer;
}

function link({ store, body }: Call): Answer {
  const request = body as CreateConnectedAccountLinkParams;
  const refused = notWebAddress("callback_url", request.callback_url);
  if (refused) return refused;
  const config = store.configs.get(request.auth_config_id);
  if (!config) return authConfigNotFound(request.auth_config_id);
  if (request.alias !== undefined && aliasTaken(store, request.alias, request.user_id, config.toolkit))
    return badRequest(`The alias ${JSON.stringify(request.alias)} is taken for this user and toolkit`);
  // The form's pre-filled settings (a subdomain …) end up in the account's state, as strings.
  const settings = Object.entries(request.connection_data ?? {}).filter(
    ([key, value]) => key !== "status" && typeof value === "string",
  );
  const account = store.add(config, request.user_id, Object.fromEntries(settings));
  account.alias = request.alias ?? null;
  if (request.experimental) account.experimental = sharing(request.experimental);
  store.initiate(account, request.callback_url);
  const answer: CreateConnectedAccountLinkResponse = {
    link_token: account.pageToken!,
    redirect_url: store.pageUrl(account)!,
    expires_at: iso(store.now + INITIATION_TTL_MS),
    connected_account_id: account.id,
    ...(account.experimental ? { experimental: account.experimental } : {}),
  };
  return ok(answer, 201);
}

function completeAuth({ store, body }: Call): Answer {
  const { user_id, session_uri } = body as CompleteConnectedAccountAuthParams;
  // As it is handed out now (on fake.baseUrl), to the letter, as Composio compares it.
  const account = [...store.accounts.values()].find(
    (a) => !a.deleted && a.session !== undefined && store.sessionUrl(a) === session_uri,
  );
  if (!account) return apiError(404, "NotFound", "The session was not found, or has expired");
  if (account.userId !== user_id)
    return badRequest("This session belongs to another user", ["user_id is not the user of the session"]);
  store.connect(account);
  const answer: CompleteConnectedAccountAuthResponse = {
    connected_account_id: account.id,
    toolkit_slug: account.config.toolkit,
  };
  return ok(answer);
}

/** The operations on one account: it must exist (404 otherwise). */
function onAccount(run: (account: Account, call: Call) => Answer): (call: Call) => Answer {
  return (call) => {
    const account = call.store.live(call.params[0]!);
    return account ? run(account, call) : accountNotFound(call.params[0]!);
  };
}

const retrieve = onAccount((account, { store }) => {
  const answer: RetrieveConnectedAccountResponse = { ...itemOf(store, account), params: {} };
  return ok(answer);
});

const update = onAccount((account, { store, body }) => {
  const request = body as UpdateConnectedAccountParams;
  if (request.alias) {
    if (aliasTaken(store, request.alias, account.userId, account.config.toolkit, account))
      return conflict(`The alias ${JSON.stringify(request.alias)} is taken for this user and toolkit`);
  }
  const state = request.connection?.state;
  if (state && state.authScheme !== account.config.authScheme)
    return badRequest(
      `connection.state.authScheme is ${state.authScheme}; account ${account.id} is ${account.config.authScheme}`,
    );
  if (request.alias !== undefined) account.alias = request.alias === "" ? null : request.alias;
  for (const [field, value] of Object.entries(state?.val ?? {})) {
    if (value === null) delete account.fields[field];
    else account.fields[field] = value;
  }
  const acl = request.experimental?.acl_config_for_shared;
  if (acl) account.experimental = sharing({ acl_config_for_shared: acl }, account.experimental);
  store.change(account, account.status, account.statusReason);
  const answer: UpdateConnectedAccountResponse = { success: true, id: account.id, status: account.status };
  return ok(answer);
});

const updateStatus = onAccount((account, { store, body }) => {
  const { enabled } = body as UpdateConnectedAccountStatusParams;
  if (account.status !== "ACTIVE" && account.status !== "INACTIVE")
    return conflict(
      `A ${account.status} account cannot be ${enabled ? "enabled" : "disabled"}: only ACTIVE and INACTIVE ones can`,
    );
  const wanted = enabled ? "ACTIVE" : "INACTIVE";
  if (account.status !== wanted)
    store.change(account, wanted, enabled ? null : "Connection status updated by user");
  const answer: UpdateConnectedAccountStatusResponse = { success: true };
  return ok(answer);
});

const remove = onAccount((account, { store, query }) => {
  const revoke = query.get("revoke_on_delete");
  if (revoke !== null && revoke !== "true" && revoke !== "false")
    return apiError(400, "BadRequest", `Invalid value for revoke_on_delete: ${revoke}`, {
      errors: ["revoke_on_delete must be true or false"],
    });
  account.deleted = true;
  store.change(account, account.status, account.statusReason);
  const answer: DeleteConnectedAccountResponse = { success: true };
  if (revoke === "true") answer.revoke_job_id = `job_${account.id.slice(3)}`;
  return ok(answer);
});

const refresh = onAccount((account, { store, body, query }) => {
  const redirect =
    (body as RefreshConnectedAccountParams | undefined)?.redirect_url ?? query.get("redirect_url");
  const refused = notWebAddress("redirect_url", redirect);
  if (refused) return refused;
  if (!store.canRefresh(account))
    return conflict(
      `${account.config.authScheme} connections cannot be refreshed: there is no consent to ask again`,
    );
  if (account.status === "REVOKED" || account.status === "INACTIVE")
    return apiError(
      422,
      "ConnectedAccount_UnprocessableEntity",
      `A ${account.status} account cannot be refreshed`,
    );
  store.initiate(account, redirect ?? account.callbackUrl);
  const answer: RefreshConnectedAccountResponse = {
    id: account.id,
    status: "INITIATED",
    redirect_url: store.pageUrl(account)!,
  };
  return ok(answer);
});

const revoke = onAccount((account, { store }) => {
  if (!store.canRevoke(account))
    return badRequest(
      `The ${account.config.toolkit} toolkit (${account.config.authScheme}) has nothing to revoke`,
    );
  if (account.status !== "ACTIVE" && account.status !== "REVOKED")
    return conflict(`A ${account.status} account cannot be revoked: only an ACTIVE one can`);
  const revoked = account.status === "ACTIVE" ? store.revoke(account) : [];
  const answer: RevokeConnectedAccountResponse = {
    revoked_tokens: revoked as RevokeConnectedAccountResponse["revoked_tokens"],
    connected_account: { id: account.id, status: "REVOKED" },
  };
  return ok(answer);
});

/** Each operation the fake implements, by operationId. One of the spec not here answers 501. */
export const OPERATIONS: Partial<Record<string, Operation>> = {
  listConnectedAccounts: {
    run: list,
    query: [
      "toolkit_slugs",
      "statuses",
      "user_ids",
      "auth_config_ids",
      "connected_account_ids",
      "cursor",
      "limit",
      "order_by",
      "order_direction",
      "account_type",
    ],
  },
  createConnectedAccount: { body: "required", run: create },
  createConnectedAccountLink: { body: "required", run: link },
  completeConnectedAccountAuth: { body: "required", run: completeAuth },
  retrieveConnectedAccount: { run: retrieve },
  updateConnectedAccount: { body: "required", run: update },
  updateConnectedAccountStatus: { body: "required", run: updateStatus },
  deleteConnectedAccount: { run: remove, query: ["revoke_on_delete"] },
  refreshConnectedAccount: { run: refresh, query: ["redirect_url"] },
  revokeConnectedAccount: { run: revoke },
};

// forUser: the connected-accounts operations as one user of your app. `user_id` (deprecated on the
// account, yet the only field that says whose it is) is checked on every call, because an id that
// comes in a request (a route's `:id`, a form) may be anyone's. Reads check the answer; writes ask
// the API's own list, filtered to the user and the id, before they are sent, so another user's
// account is never changed and its answer never read. A function of its own, not a method of the
// client: a bundler cannot drop an object's property, so every client app would carry this file.
//
// Ownership cannot change between the check and the write: no operation of the API moves an
// account to another user (update takes an alias and credentials). An account deleted in between
// makes the write answer 404, which is refused here as an unknown account.
import {
  connectedAccountsResource,
  type CreateConnectedAccountLinkParams,
  type CreateConnectedAccountLinkResponse,
  type CreateConnectedAccountParams,
  type CreateConnectedAccountResponse,
  type DeleteConnectedAccountQuery,
  type DeleteConnectedAccountResponse,
  type ListConnectedAccountsItem,
  type ListConnectedAccountsQuery,
  type ListConnectedAccountsResponse,
  type RefreshConnectedAccountParams,
  type RefreshConnectedAccountQuery,
  type RefreshConnectedAccountResponse,
  type RetrieveConnectedAccountResponse,
  type RevokeConnectedAccountResponse,
  type UpdateConnectedAccountParams,
  type UpdateConnectedAccountResponse,
  type UpdateConnectedAccountStatusParams,
  type UpdateConnectedAccountStatusResponse,
} from "../generated/resources.js";
import type { ComposioClient, ConnectedAccounts, UserKeyComposioClient } from "./client.js";
import { ComposioError, NotFoundError } from "./errors.js";
import { checkKnown, checkNumber, describe } from "./options.js";
import { PagePromise, wrongType } from "./pagination.js";
import { cut, redactorOf } from "./redact.js";
import { pathParam } from "./runtime.js";
import type { RequestOptions, Transport } from "./types.js";
import { stringField, waitForConnection, type WaitOptions } from "./wait.js";

/** The server fails a connection still INITIATED ten minutes after it began. */
const PENDING_LIFE_MS = 10 * 60_000;
const DEFAULT_MAX_AGE_MS = 5 * 60_000;
/** A page of cleanUp: the most the auth-config list takes; the accounts' list sets no bound. */
const CLEANUP_PAGE = 50;
/** What cleanUp deletes: accounts that can no longer be used, and never come back. */
const ENDED = new Set(["FAILED", "EXPIRED"]);

/**
 * Why a `forUser` view refused an account: it is another user's (`other-user`: read, and its
 * owner is not this user); the API knows no such account (`unknown-account`: it answered 404); or
 * the API's list of this user's accounts does not hold it (`not-listed`: the check before a write,
 * which does not ask whether it is another user's or none).
 */
export type NotOwnedReason = "other-user" | "unknown-account" | "not-listed";

/**
 * The account a `forUser` view was asked about is not one of its user's: another user's, or none.
 * The message is the same for every reason and never names the owner, so an app that answers
 * with it (a 404) tells a caller nothing about another user's ids; `reason` is for your logs.
 */
export class AccountNotOwnedError extends ComposioError {
  override get name(): string {
    return "AccountNotOwnedError";
  }
  /** Why: `other-user`, `unknown-account` or `not-listed`. */
  declare readonly reason: NotOwnedReason;
  /** The id asked about (scrubbed of the client's key, cut to 100 characters). */
  declare readonly accountId: string;

  constructor(message: string, reason: NotOwnedReason, accountId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.accountId = accountId;
  }
}

/** A body of link, whose `user_id` the view fills in. */
export type LinkForUserParams = Omit<CreateConnectedAccountLinkParams, "user_id"> & { user_id?: string };

/** What `linkOrReuse` resolves: a new link, or the user's pending one. */
export type PendingLink =
  | (CreateConnectedAccountLinkResponse & { reused: false })
  | {
      reused: true;
      /** The pending account, INITIATED. */
      connected_account_id: string;
      /** Where to send the user: the URL the pending account's state holds. */
      redirect_url: string;
      /** Ten minutes after the account was made, when the server fails it (it began no earlier). */
      expires_at: string;
      /** Not known for a link made before: the account does not hold it. */
      link_token?: undefined;
    };

/** Options of `linkOrReuse`. */
export interface LinkOrReuseOptions {
  /**
   * The oldest pending link to reuse, by its account's `created_at` against this machine's clock.
   * The server fails a pending connection after ten minutes, so this leaves the user the rest.
   * @default 300000 (5 minutes); at most 600000
   */
  maxAgeMs?: number;
  /** Options of the list and link requests. */
  requestOptions?: RequestOptions;
}

/** Options of `cleanUp`. */
export interface CleanUpOptions {
  /** The most accounts it deletes. @default 100 */
  maxDeletes?: number;
  /** The most list requests it sends. @default 10 */
  maxPages?: number;
  /** Options of each request. */
  requestOptions?: RequestOptions;
}

/** What `cleanUp` did. */
export interface CleanUpResult {
  /** The ids of the accounts it deleted. */
  deleted: string[];
  /** A bound stopped it while the list had more: call it again to go on. */
  more: boolean;
}

/**
 * One user's connected accounts: each operation of `connectedAccounts`, checked against the user.
 * An account of another user (or none) rejects with an `AccountNotOwnedError`; a write on it is
 * never sent.
 */
export interface AccountsForUser {
  /** The user. */
  readonly userId: string;
  /** The user's accounts: `user_ids` is this user (a query naming another is refused). */
  list(
    query?: ListConnectedAccountsQuery,
    options?: RequestOptions,
  ): PagePromise<ListConnectedAccountsResponse, ListConnectedAccountsItem>;
  /** The account, if it is the user's. One request: the answer's `user_id` is checked. */
  retrieve(id: string, options?: RequestOptions): Promise<RetrieveConnectedAccountResponse>;
  /** Deletes the account, if the user's list holds it. */
  delete(
    id: string,
    query?: DeleteConnectedAccountQuery,
    options?: RequestOptions,
  ): Promise<DeleteConnectedAccountResponse>;
  /** Updates the account, if the user's list holds it. */
  update(
    id: string,
    body: UpdateConnectedAccountParams,
    options?: RequestOptions,
  ): Promise<UpdateConnectedAccountResponse>;
  /** Enables or disables the account, if the user's list holds it. */
  updateStatus(
    id: string,
    body: UpdateConnectedAccountStatusParams,
    options?: RequestOptions,
  ): Promise<UpdateConnectedAccountStatusResponse>;
  /**
   * Re-authorizes the account, if the user's list holds it.
   * @deprecated As `connectedAccounts.refresh`.
   */
  refresh(
    id: string,
    body?: RefreshConnectedAccountParams,
    query?: RefreshConnectedAccountQuery,
    options?: RequestOptions,
  ): Promise<RefreshConnectedAccountResponse>;
  /** Revokes the account, if the user's list holds it. */
  revoke(id: string, options?: RequestOptions): Promise<RevokeConnectedAccountResponse>;
  /** A hosted link for the user: `user_id` is filled in (another is refused). */
  link(body: LinkForUserParams, options?: RequestOptions): Promise<CreateConnectedAccountLinkResponse>;
  /** Creates an account of the user: `connection.user_id` is filled in (another is refused). */
  create(
    body: CreateConnectedAccountParams,
    options?: RequestOptions,
  ): Promise<CreateConnectedAccountResponse>;
  /** Waits for the account, if the user's list holds it, as `connectedAccounts.waitForConnection`. */
  waitForConnection(id: string, options?: WaitOptions): Promise<RetrieveConnectedAccountResponse>;
  /**
   * `link`, unless the user has a pending link for the same auth config: then that one, so that a
   * second click on "Connect" makes no second account. One list request first; see the README
   * (Double clicks) for what is compared and what is not covered.
   */
  linkOrReuse(body: LinkForUserParams, options?: LinkOrReuseOptions): Promise<PendingLink>;
  /**
   * Deletes the user's FAILED and EXPIRED accounts (never one the answer says is of another status
   * or user), at most `maxDeletes` in `maxPages` list requests, and says which.
   */
  cleanUp(options?: CleanUpOptions): Promise<CleanUpResult>;
}

/** `forUser` of a client made with `userApiKey`: the operations a user API key may call. */
export type UserKeyAccountsForUser = Pick<
  AccountsForUser,
  "userId" | "list" | "retrieve" | "delete" | "link" | "waitForConnection" | "linkOrReuse" | "cleanUp"
>;

/**
 * One user's connected accounts: each operation checks that the account is `userId`'s before it
 * acts, and rejects another user's (or an unknown one) with an `AccountNotOwnedError`. Use it
 * wherever an id comes from a request: `forUser(composio, session.userId).delete(params.id)`.
 *
 * @param composio The client (either key), or a transport from `createComposioTransport`.
 * @param userId Your signed-in user: the `user_id` given to link or create.
 *
 * @example
 * ```ts
 * const accounts = forUser(composio, "user_42");
 * await accounts.delete(request.params.id); // AccountNotOwnedError unless it is user_42's
 * ```
 */
export function forUser(composio: ComposioClient | Transport, userId: string): AccountsForUser;
export function forUser(composio: UserKeyComposioClient, userId: string): UserKeyAccountsForUser;
export function forUser(
  composio: ComposioClient | UserKeyComposioClient | Transport,
  userId: string,
): AccountsForUser {
  const ops = accountsOf(composio, userId);
  if (typeof userId !== "string" || userId === "")
    throw new ComposioError(
      `forUser: \`userId\` must be your signed-in user's id, a non-empty string (got ${describe(userId)}).`,
    );
  const mine = [userId];
  const where = (op: string) => `forUser.${op}`;
  const notOwned = (
    op: string,
    id: unknown,
    reason: NotOwnedReason,
    options?: RequestOptions,
    cause?: unknown,
  ) => {
    // The id is the caller's: scrubbed of the key, as every message is.
    const shown = redactorOf(composio, options?.headers).text(cut(String(id), 100));
    const sent = reason === "not-listed" ? " Nothing was sent." : "";
    return new AccountNotOwnedError(
      `${where(op)}: account ${shown} is not one of this user's accounts.${sent}`,
      reason,
      shown,
      { cause },
    );
  };
  /** A 404 of the account's own request: it is gone, or never was. */
  const found = async <T>(
    op: string,
    id: string,
    options: RequestOptions | undefined,
    call: () => Promise<T>,
  ) => {
    try {
      return await call();
    } catch (error) {
      throw error instanceof NotFoundError ? notOwned(op, id, "unknown-account", options, error) : error;
    }
  };
  /** One list request, filtered by the API to the user and the id; its answer is checked too. */
  const check = async (op: string, id: string, options: RequestOptions | undefined) => {
    pathParam(id, "id", where(op));
    const page = await ops.list(
      { user_ids: mine, connected_account_ids: [id], account_type: "ALL", limit: 1 },
      options,
    );
    if (!itemsOf(page, where(op)).some((a) => a?.id === id && a?.user_id === userId))
      throw notOwned(op, id, "not-listed", options);
  };
  /** Checks, then sends the write. */
  const write =
    <A extends unknown[], T>(op: string, send: (id: string, ...rest: A) => Promise<T>, at: number) =>
    async (id: string, ...rest: A): Promise<T> => {
      const options = rest[at] as RequestOptions | undefined;
      await check(op, id, options);
      return found(op, id, options, () => send(id, ...rest));
    };
  /** The body with this user's id filled in; another user's is refused. */
  const withUser = <B extends object>(op: string, body: B, field: "user_id" | "connection.user_id"): B => {
    if (typeof body !== "object" || body === null)
      throw new ComposioError(
        // A string is not quoted: it may be anything, a key too.
        `${where(op)}: the body must be an object (got ${typeof body === "string" ? "a string" : describe(body)}). Nothing was sent.`,
      );
    const inner = (field === "user_id" ? body : ((body as { connection?: object }).connection ?? {})) as {
      user_id?: unknown;
    };
    if (inner.user_id !== undefined && inner.user_id !== userId)
      throw new ComposioError(
        `${where(op)}: \`${field}\` names another user: leave it out, forUser fills it in. Nothing was sent.`,
      );
    const filled = { ...inner, user_id: userId };
    return field === "user_id" ? (filled as B) : { ...body, connection: filled };
  };

  const view: AccountsForUser = {
    userId,
    list(query, options) {
      const given = (query as { user_ids?: unknown } | undefined)?.user_ids;
      if (
        given !== undefined &&
        given !== null &&
        !(Array.isArray(given) && given.length > 0 && given.every((u) => u === userId))
      )
        throw new ComposioError(
          `${where("list")}: \`user_ids\` is this user's, set by forUser: leave it out. Nothing was sent.`,
        );
      return ops.list({ ...query, user_ids: mine }, options);
    },
    async retrieve(id, options) {
      const account = await found("retrieve", id, options, () => ops.retrieve(id, options));
      const redact = (text: string) => redactorOf(composio, options?.headers).text(text);
      if (stringField(account, "user_id", where("retrieve"), id, redact) !== userId)
        throw notOwned("retrieve", id, "other-user", options);
      return account;
    },
    delete: write(
      "delete",
      (id, query?: DeleteConnectedAccountQuery, options?: RequestOptions) => ops.delete(id, query, options),
      1,
    ),
    update: write(
      "update",
      (id, body: UpdateConnectedAccountParams, options?: RequestOptions) => ops.update(id, body, options),
      1,
    ),
    updateStatus: write(
      "updateStatus",
      (id, body: UpdateConnectedAccountStatusParams, options?: RequestOptions) =>
        ops.updateStatus(id, body, options),
      1,
    ),
    refresh: write(
      "refresh",
      (
        id,
        body?: RefreshConnectedAccountParams,
        query?: RefreshConnectedAccountQuery,
        options?: RequestOptions,
      ) => ops.refresh(id, body, query, options),
      2,
    ),
    revoke: write("revoke", (id, options?: RequestOptions) => ops.revoke(id, options), 0),
    async link(body, options) {
      return ops.link(withUser("link", body as CreateConnectedAccountLinkParams, "user_id"), options);
    },
    async create(body, options) {
      return ops.create(withUser("create", body, "connection.user_id"), options);
    },
    async waitForConnection(id, options = {}) {
      const requestOptions = { ...options.requestOptions, signal: options.signal };
      await check("waitForConnection", id, requestOptions);
      return found("waitForConnection", id, requestOptions, () => ops.waitForConnection(id, options));
    },
    async linkOrReuse(body, options = {}) {
      const op = "linkOrReuse";
      checkKnown(where(op), options, ["maxAgeMs", "requestOptions"]);
      const maxAgeMs =
        options.maxAgeMs === undefined
          ? DEFAULT_MAX_AGE_MS
          : checkNumber(where(op), "maxAgeMs", options.maxAgeMs, {
              text: `a number of milliseconds from 0 to ${PENDING_LIFE_MS} (the server fails a pending connection after ten minutes)`,
              test: (v) => v >= 0 && v <= PENDING_LIFE_MS,
            });
      const { requestOptions } = options;
      const full = withUser(op, body as CreateConnectedAccountLinkParams, "user_id");
      // What a link pre-fills or how it is shared is not read back reliably from an account.
      const comparable = full.connection_data === undefined && full.experimental === undefined;
      const pending = comparable
        ? itemsOf(
            await ops.list(
              { user_ids: mine, auth_config_ids: [full.auth_config_id], statuses: ["INITIATED"], limit: 1 },
              requestOptions,
            ),
            where(op),
          )[0]
        : undefined;
      const url = pending && pendingUrl(pending, full, userId, maxAgeMs);
      if (pending && url)
        return {
          reused: true,
          connected_account_id: pending.id,
          redirect_url: url,
          expires_at: new Date(Date.parse(pending.created_at) + PENDING_LIFE_MS).toISOString(),
        };
      return { ...(await ops.link(full, requestOptions)), reused: false };
    },
    async cleanUp(options = {}) {
      const op = "cleanUp";
      checkKnown(where(op), options, ["maxDeletes", "maxPages", "requestOptions"]);
      const whole = (name: string, value: unknown, fallback: number) =>
        value === undefined
          ? fallback
          : checkNumber(where(op), name, value, {
              text: "a whole number ≥ 1",
              test: (v) => Number.isInteger(v) && v >= 1,
            });
      const maxDeletes = whole("maxDeletes", options.maxDeletes, 100);
      const maxPages = whole("maxPages", options.maxPages, 10);
      const { requestOptions } = options;
      const deleted: string[] = [];
      const seen = new Set<string>();
      // Page one again each time: the accounts deleted leave it, and a cursor would skip as many.
      for (let pages = 1; ; pages++) {
        const page = await ops.list(
          {
            user_ids: mine,
            statuses: ["FAILED", "EXPIRED"],
            account_type: "ALL",
            limit: Math.min(CLEANUP_PAGE, maxDeletes - deleted.length),
          },
          requestOptions,
        );
        // An id seen before was deleted already, or passed over: a server that answers the same
        // page again makes no progress.
        const fresh = itemsOf(page, where(op)).filter((a) => typeof a?.id === "string" && !seen.has(a.id));
        if (fresh.length === 0) return { deleted, more: false };
        let handled = 0;
        for (const account of fresh) {
          if (deleted.length >= maxDeletes) break;
          handled++;
          seen.add(account.id);
          // What the answer says, not only what was asked: a server that drops a filter deletes nothing.
          if (account.user_id !== userId || !ENDED.has(String(account.status))) continue;
          try {
            await ops.delete(account.id, undefined, requestOptions);
            deleted.push(account.id);
          } catch (error) {
            // Deleted meanwhile (another cleanUp, say): nothing to do.
            if (!(error instanceof NotFoundError)) throw error;
          }
        }
        if (pages >= maxPages || deleted.length >= maxDeletes) {
          const next = (page as { next_cursor?: unknown }).next_cursor;
          return { deleted, more: handled < fresh.length || (typeof next === "string" && next !== "") };
        }
      }
    },
  };
  return view;
}

/** The operations of a client, or of a transport bound here. */
function accountsOf(composio: unknown, userId: unknown): ConnectedAccounts {
  if (typeof composio === "string" || composio instanceof URL)
    throw new ComposioError(
      typeof userId === "object" && userId !== null
        ? "forUser: arguments swapped: the client (or transport) comes first, then the user's id: forUser(composio, userId)."
        : // Not quoted: a string here is often the API key, given for the client.
          `forUser: \`composio\` must be a client or a transport (got ${typeof composio === "string" ? "a string" : "a URL"}).`,
    );
  const given = composio as Partial<Transport & ComposioClient> | null | undefined;
  if (typeof given?.request === "function") {
    const transport = given as Transport;
    return {
      ...connectedAccountsResource(transport),
      waitForConnection: waitForConnection.bind(null, transport),
    };
  }
  if (typeof given?.connectedAccounts?.list === "function") return given.connectedAccounts;
  throw new ComposioError(
    `forUser: \`composio\` must be a client (createComposioClient) or a transport (createComposioTransport), got ${describe(composio)}.`,
  );
}

/** A page's items, or the page cannot be read. */
function itemsOf(page: ListConnectedAccountsResponse, where: string): ListConnectedAccountsItem[] {
  const items = (page as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) return items as ListConnectedAccountsItem[];
  throw wrongType(where, "the list's `items`", items, "an array");
}

/** Where the pending account sends the user, if it may stand for the link `body` asks for. */
function pendingUrl(
  account: ListConnectedAccountsItem,
  body: CreateConnectedAccountLinkParams,
  userId: string,
  maxAgeMs: number,
): string | undefined {
  if (
    account.user_id !== userId ||
    account.status !== "INITIATED" ||
    account.auth_config?.id !== body.auth_config_id
  )
    return undefined;
  // Made no earlier than it began; a clock ahead of the server's reads it as younger than 0.
  const age = Date.now() - Date.parse(account.created_at);
  if (!(age <= maxAgeMs)) return undefined;
  if ((account.alias ?? null) !== (body.alias ?? null)) return undefined;
  const val = (account.state?.val ?? {}) as Record<string, unknown>;
  // The callback the pending one returns to, where its state says it (OAuth's callback_url); where
  // it does not, the app's callback is taken to be the one it always gives.
  const callback = val.callback_url ?? val.callbackUrl;
  if (typeof callback === "string" && (body.callback_url ?? callback) !== callback) return undefined;
  // OAuth schemes hold the URL to send the user to while INITIATED; a form's (API key …) do not.
  const url = val.redirectUrl;
  if (typeof url !== "string") return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

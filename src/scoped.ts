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
import { QUERY_JOINED } from "../generated/meta.js";
import { connectedAccountsResource, type ListConnectedAccountsItem } from "../generated/resources.js";
import {
  clockOf,
  type ComposioClient,
  type ConnectedAccounts,
  type UserKeyComposioClient,
} from "./client.js";
import { ComposioError, cut, NotFoundError } from "./errors.js";
import { checkKnown, checkNumber, describe } from "./options.js";
import { PagePromise, type PaginationSpec } from "./pagination.js";
import { later } from "./later.js";
import { pathParam, unlessRefused } from "./runtime.js";
import { earlierOf } from "./earlier-secrets.js";
import type { RequestOptions, Transport } from "./types.js";
import { stringField, textOf, waitForConnection } from "./wait.js";

/** A body of the client's link (the view's are this, `user_id` filled in). */
type LinkBody = Parameters<ConnectedAccounts["link"]>[0];
/** A page of the client's list. */
type ListPage = Awaited<ReturnType<ConnectedAccounts["list"]>>;
/** Where the list keeps its cursor and items, as the generated list says (x-sdk-pagination). */
const LIST_PAGES = {
  operation: "forUser.list",
  cursorParam: "cursor",
  nextCursor: "next_cursor",
  items: "items",
} satisfies PaginationSpec;

/** The server fails a connection still INITIATED ten minutes after it began. */
const PENDING_LIFE_MS = 10 * 60_000;
const DEFAULT_MAX_AGE_MS = 5 * 60_000;
/** A page of cleanUp: the most the auth-config list takes; the accounts' list sets no bound. */
const CLEANUP_PAGE = 50;
/** What cleanUp deletes: accounts that can no longer be used, and never come back. */
const ENDED = new Set(["FAILED", "EXPIRED"]);

/**
 * Why a `forUser` view refused an account: it is another user's (`other-user`: read, and its
 * owner is not this user: a retrieve, or an item of a list page); the API knows no such account
 * (`unknown-account`: it answered 404); or the API's list of this user's accounts does not hold it
 * (`not-listed`: the check before a write, which does not ask whether it is another user's or none).
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
  /**
   * The id asked about, or for `list` the other user's account its answer held (kept out of the
   * message); scrubbed of the client's key, cut to 100 characters.
   */
  declare readonly accountId: string;

  constructor(message: string, reason: NotOwnedReason, accountId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.accountId = accountId;
  }
}

// The view's types are the client's, read through its `connectedAccounts` rather than named one by
// one: an operation the spec drops leaves the view with it (and a spec change can be rated).

/** A body of link, whose `user_id` the view fills in. */
export type LinkForUserParams = ConnectedAccounts extends {
  link: (body: infer B, options?: RequestOptions) => unknown;
}
  ? Omit<B, "user_id"> & { user_id?: string }
  : never;

/** What `linkOrReuse` resolves: a new link, or this session's pending one. */
export type PendingLink =
  | ((ConnectedAccounts extends { link: (...args: never[]) => Promise<infer R> } ? R : never) & {
      reused: false;
    })
  | {
      reused: true;
      /** The pending account, INITIATED: the `pendingAccountId` given. */
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
   * The `connected_account_id` of the link this session made last (what it keeps for
   * `confirmConnection`'s `expectedAccountId`), or `undefined` (`null`) when it made none. Only that
   * account is reused, and only while it is this user's, INITIATED, for the same auth config and
   * callback: a pending link of another session is never handed out, even where people share a
   * `user_id`. Required, so that it is not left out by mistake: without it, nothing is reused.
   */
  pendingAccountId: string | null | undefined;
  /**
   * The oldest pending link to reuse, by its account's `created_at` against the time of day on the
   * client's `clock` (`fake.clock`'s, in tests; else this machine's). The server fails a pending
   * connection after ten minutes, so this leaves the user the rest.
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
 *
 * - `list`: `user_ids` is this user (a query naming another is refused), and every item of every
 *   page must be the user's, or the page is refused (`other-user`).
 * - `retrieve`: one request; the answer's `user_id` is checked.
 * - `delete`, `update`, `updateStatus`, `refresh`, `revoke` and `waitForConnection`: only if the
 *   user's list holds the account (one list request first; `not-listed`).
 * - `create`: `connection.user_id` is filled in (another is refused).
 */
export interface AccountsForUser extends Pick<
  ConnectedAccounts,
  Extract<
    keyof ConnectedAccounts,
    | "list"
    | "retrieve"
    | "delete"
    | "update"
    | "updateStatus"
    | "refresh"
    | "revoke"
    | "create"
    | "waitForConnection"
  >
> {
  /** The user. */
  readonly userId: string;
  /** A hosted link for the user: `user_id` is filled in (another is refused). */
  link: ConnectedAccounts extends { link: (body: never, options?: RequestOptions) => infer R }
    ? (body: LinkForUserParams, options?: RequestOptions) => R
    : never;
  /**
   * `link`, unless this session's pending link (`pendingAccountId`) is still live for the same auth
   * config: then that one, so that a second click on "Connect" makes no second account. One list
   * request first when there is a pending id; see the README (Double clicks) for what is compared
   * and what is not covered.
   */
  linkOrReuse(body: LinkForUserParams, options: LinkOrReuseOptions): Promise<PendingLink>;
  /**
   * Deletes the user's FAILED and EXPIRED accounts (never one the answer says is of another status
   * or user), at most `maxDeletes` in `maxPages` list requests, and says which.
   */
  cleanUp(options?: CleanUpOptions): Promise<CleanUpResult>;
}

/** `forUser` of a client made with `userApiKey`: the operations a user API key may call. */
export type UserKeyAccountsForUser = Pick<
  AccountsForUser,
  Extract<
    keyof AccountsForUser,
    keyof UserKeyComposioClient["connectedAccounts"] | "userId" | "linkOrReuse" | "cleanUp"
  >
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
  // Every check of the view asks the list filtered by `user_ids`. A user id it would split would
  // list no account of this user, and the accounts of the users it splits into; one it may trim
  // (" user_42"), another user's.
  const joined = QUERY_JOINED["user_ids"];
  if ((joined !== undefined && userId.includes(decodeURIComponent(joined))) || userId.trim() !== userId)
    throw new ComposioError(
      `forUser: \`userId\` must hold no "${joined}" and no space at either end: the API's list filter \`user_ids\` splits its value at each "${joined}" (and a server may trim each part), so such a user's accounts could not be listed, and another user's could.`,
    );
  const mine = [userId];
  const where = (op: string) => `forUser.${op}`;
  // What a message quotes is scrubbed of the key (the redactor is loaded when there is one: later.ts).
  const redactor = async (options: RequestOptions | undefined) =>
    (await later()).redactorOf(composio, options?.headers, earlierOf(options));
  const notOwned = async (
    op: string,
    id: unknown,
    reason: NotOwnedReason,
    options?: RequestOptions,
    cause?: unknown,
  ) => {
    // The id is the caller's: scrubbed of the key, as every message is.
    const shown = (await redactor(options)).text(cut(String(id), 100));
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
      throw error instanceof NotFoundError
        ? await notOwned(op, id, "unknown-account", options, error)
        : error;
    }
  };
  /** One list request, filtered by the API to the user and the id; its answer is checked too. */
  const check = async (op: string, id: string, options: RequestOptions | undefined) => {
    await unlessRefused(() => pathParam(id, "id", where(op)));
    const page = await ops.list(
      { user_ids: mine, connected_account_ids: [id], account_type: "ALL", limit: 1 },
      options,
    );
    if (!(await itemsOf(page, where(op))).some((a) => a?.id === id && a?.user_id === userId))
      throw await notOwned(op, id, "not-listed", options);
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

  /** A page of the user's list, every item of it the user's: else the filter was not applied. */
  const ownPage = async (query: Parameters<typeof ops.list>[0], options: RequestOptions | undefined) => {
    const page = await ops.list(query, options);
    for (const account of await itemsOf(page, where("list"))) {
      const owner: unknown = account?.user_id;
      if (owner === userId) continue;
      if (typeof owner !== "string")
        throw (await later()).wrongType(where("list"), "an account's `user_id`", owner, "a string");
      // The other user's account id is for logs only: an app may show the message.
      throw new AccountNotOwnedError(
        `${where("list")}: the answer holds an account that is not this user's: the API did not apply the \`user_ids\` filter (a proxy that drops the query?). Nothing of that page is returned.`,
        "other-user",
        (await redactor(options)).text(cut(String(account?.id), 100)),
      );
    }
    return page;
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
      // Each page, the first and every next one, is one list of the client's, checked.
      return new PagePromise(ownPage, { ...query, user_ids: mine }, options, LIST_PAGES);
    },
    async retrieve(id, options) {
      const account = await found("retrieve", id, options, () => ops.retrieve(id, options));
      const given = (account as { user_id?: unknown } | null | undefined)?.user_id;
      const owner =
        typeof given === "string"
          ? given
          : await stringField(account, "user_id", where("retrieve"), id, textOf(await redactor(options)));
      if (owner !== userId) throw await notOwned("retrieve", id, "other-user", options);
      return account;
    },
    delete: write("delete", (id, ...rest) => ops.delete(id, ...rest), 1),
    update: write("update", (id, ...rest) => ops.update(id, ...rest), 1),
    updateStatus: write("updateStatus", (id, ...rest) => ops.updateStatus(id, ...rest), 1),
    refresh: write("refresh", (id, ...rest) => ops.refresh(id, ...rest), 2),
    revoke: write("revoke", (id, ...rest) => ops.revoke(id, ...rest), 0),
    async link(body, options) {
      return ops.link(withUser("link", body as LinkBody, "user_id"), options);
    },
    async create(body, options) {
      return ops.create(withUser("create", body, "connection.user_id"), options);
    },
    async waitForConnection(id, options = {}) {
      const requestOptions = { ...options.requestOptions, signal: options.signal };
      await check("waitForConnection", id, requestOptions);
      return found("waitForConnection", id, requestOptions, () => ops.waitForConnection(id, options));
    },
    async linkOrReuse(body, options) {
      const op = "linkOrReuse";
      // Required: left out, reuse would be nobody's, and the caller would not know it.
      if (typeof options !== "object" || options === null || !("pendingAccountId" in options))
        throw new ComposioError(
          `${where(op)}: pass \`pendingAccountId\`: the connected_account_id of the link this session made last (what it keeps for confirmConnection's expectedAccountId), or undefined when it made none. Only that link is reused, so that people who share a user_id never get each other's. Nothing was sent.`,
        );
      checkKnown(where(op), options, ["pendingAccountId", "maxAgeMs", "requestOptions"]);
      const { pendingAccountId, requestOptions } = options;
      if (pendingAccountId != null && (typeof pendingAccountId !== "string" || pendingAccountId === ""))
        throw new ComposioError(
          `${where(op)}: \`pendingAccountId\` must be the connected_account_id of this session's link, a non-empty string, or undefined when it made none (got ${typeof pendingAccountId === "string" ? "an empty string" : describe(pendingAccountId)}). Nothing was sent.`,
        );
      const maxAgeMs =
        options.maxAgeMs === undefined
          ? DEFAULT_MAX_AGE_MS
          : checkNumber(where(op), "maxAgeMs", options.maxAgeMs, {
              text: `a number of milliseconds from 0 to ${PENDING_LIFE_MS} (the server fails a pending connection after ten minutes)`,
              test: (v) => v >= 0 && v <= PENDING_LIFE_MS,
            });
      const full = withUser(op, body as LinkBody, "user_id");
      // What a link pre-fills or how it is shared is not read back reliably from an account.
      const comparable = full.connection_data === undefined && full.experimental === undefined;
      const pending =
        comparable && pendingAccountId != null
          ? (
              await itemsOf(
                await ops.list(
                  {
                    user_ids: mine,
                    connected_account_ids: [pendingAccountId],
                    auth_config_ids: [full.auth_config_id],
                    statuses: ["INITIATED"],
                    limit: 1,
                  },
                  requestOptions,
                ),
                where(op),
              )
            )[0]
          : undefined;
      // The time of day on the client's clock: the fake's, in a test, where created_at is the fake's.
      const now = clockOf(composio)?.epochNow?.() ?? Date.now();
      const url =
        pending && pending.id === pendingAccountId
          ? pendingUrl(pending, full, userId, now - maxAgeMs)
          : undefined;
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
        const fresh = (await itemsOf(page, where(op))).filter(
          (a) => typeof a?.id === "string" && !seen.has(a.id),
        );
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
async function itemsOf(page: ListPage, where: string): Promise<ListConnectedAccountsItem[]> {
  const items = (page as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) return items as ListConnectedAccountsItem[];
  throw (await later()).wrongType(where, "the list's `items`", items, "an array");
}

/** Where the pending account sends the user, if it may stand for the link `body` asks for. */
function pendingUrl(
  account: ListConnectedAccountsItem,
  body: LinkBody,
  userId: string,
  /** The oldest `created_at` to reuse, in ms since 1970. */
  oldest: number,
): string | undefined {
  if (
    account.user_id !== userId ||
    account.status !== "INITIATED" ||
    account.auth_config?.id !== body.auth_config_id
  )
    return undefined;
  // Made no earlier than it began; a clock behind the server's reads it as younger than 0.
  if (!(Date.parse(account.created_at) >= oldest)) return undefined;
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

// confirmConnection: for the app's callback route, where the user's browser comes back from
// Composio's page. That callback is a plain browser redirect, not a signed webhook: anyone can open
// it with any query. So the query only says which account to look at; the API says the rest.
import { retrieveConnectedAccount, type RetrieveConnectedAccountResponse } from "../generated/resources.js";
import { ComposioError, cut, NotFoundError } from "./errors.js";
import { checkKnown, describe } from "./options.js";
import { ConnectionFailedError } from "./connection-failed.js";
import { later } from "./later.js";
import type { Redactor } from "./redact.js";
import type { RequestOptions, Transport } from "./types.js";
import { stringField } from "./wait.js";

/** The query parameters that may carry the account id: Composio's, and the snake-case spelling. */
const ID_PARAMS = ["connectedAccountId", "connected_account_id"] as const;
/** An id is letters, digits, `_` and `-`; anything longer or stranger is no id of Composio's. */
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** Why a callback confirmed no connection (see `ConnectionNotConfirmedError`). */
export type NotConfirmedReason =
  "no-account-id" | "two-account-ids" | "other-link" | "unknown-account" | "other-user" | "not-active";

/**
 * The callback confirmed no connection: it named no account (`no-account-id`), two different ones
 * (`two-account-ids`), another than the one this session's link made (`other-link`, with
 * `expectedAccountId`), one the API does not know (`unknown-account`), one of another user
 * (`other-user`), or one still waiting for the user (`not-active`: INITIALIZING, INITIATED, or a
 * status this client does not know). Answer it as a link that did not work; waiting
 * (`waitForConnection`) is the way to learn a `not-active` account's outcome. After a success,
 * `other-user` and `other-link` may be an account-linking CSRF (see the README).
 */
export class ConnectionNotConfirmedError extends ComposioError {
  override get name(): string {
    return "ConnectionNotConfirmedError";
  }
  /** Why. */
  declare readonly reason: NotConfirmedReason;
  /** The id the callback named, when it named one. */
  declare readonly accountId: string | undefined;
  /** The account's status (`not-active` only). */
  declare readonly status: string | undefined;
  /** What the callback's `status` said (`success`, `failed` …): what the browser claimed, never trusted. */
  declare readonly callbackStatus: string | undefined;

  constructor(
    message: string,
    details: {
      reason: NotConfirmedReason;
      accountId?: string | undefined;
      status?: string | undefined;
      callbackStatus?: string | undefined;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.reason = details.reason;
    this.accountId = details.accountId;
    this.status = details.status;
    this.callbackStatus = details.callbackStatus;
  }
}

/** Options of `confirmConnection`. */
export interface ConfirmOptions {
  /** Your user, signed in on the callback route: the account must be theirs (the `user_id` given to link or create). */
  userId: string;
  /**
   * The `connected_account_id` of the link this session made, kept in the session when it made
   * the link: the callback must name that account, or it ends `other-link` before any request. A
   * link works for whoever opens it, and many apps share one `user_id` among people (a team's, or
   * "default"): this ties the callback to the browser that asked for the link. Given as undefined
   * or null (a session that made no link), every callback ends `other-link`: leave the key out only
   * where your app keeps no record of the links it makes.
   */
  expectedAccountId?: string | null;
  /** Options of the `retrieve` request (signal, timeouts …). */
  requestOptions?: RequestOptions;
}

/** What `confirmConnection` reads the account with: a client (either key), or a transport. */
export type ConfirmWith =
  | {
      readonly connectedAccounts: {
        retrieve(id: string, options?: RequestOptions): Promise<RetrieveConnectedAccountResponse>;
      };
    }
  | Transport;

/**
 * Confirms, from your callback route, the connection the user's browser says it finished. Composio
 * sends the browser to your `callback_url` with `status` and the account's id (`connectedAccountId`;
 * `connected_account_id` is read too). That redirect is not signed, so the query is only a hint:
 * this retrieves the account, checks that it belongs to `userId`, and resolves it when it is
 * ACTIVE. A FAILED, EXPIRED, REVOKED or INACTIVE one ends with a `ConnectionFailedError` (as a wait
 * does); a callback that names no account, an unknown one, another user's, or one not finished
 * ends with a `ConnectionNotConfirmedError`; errors of the request itself are thrown as they are,
 * and an answer whose `user_id` or `status` is not a string ends with a `ComposioError` (it cannot
 * be read, so it confirms nothing).
 *
 * @param composio The client, or a transport from `createComposioTransport`.
 * @param callbackUrl The URL the browser opened: absolute, or the path and query (`req.url`).
 * @param options Your signed-in user, and the request's options.
 *
 * @example
 * ```ts
 * export async function GET(request: Request): Promise<Response> {
 *   const account = await confirmConnection(composio, request.url, { userId: await signedInUser(request) });
 *   return new Response(`${account.toolkit.slug} connected`);
 * }
 * ```
 */
export async function confirmConnection(
  composio: ConfirmWith,
  callbackUrl: string | URL,
  options: ConfirmOptions,
): Promise<RetrieveConnectedAccountResponse> {
  const url = callbackUrlOf(composio, callbackUrl);
  // What the browser brings back is quoted scrubbed, so the redactor is loaded on every call.
  const { EXCERPT, redactorOf } = await later();
  if (typeof options !== "object" || options === null) {
    // The user's id alone is the likely slip: forUser(composio, userId) takes it so.
    const given = typeof options === "string" ? redactorOf(composio).text(cut(options, 100)) : undefined;
    throw new ComposioError(
      `${WHERE}: the third argument is the options, \`{ userId }\` (got ${given === undefined ? describe(options) : "a string"}): confirmConnection(composio, request.url, { userId${given === undefined ? "" : `: ${JSON.stringify(given)}`} }).`,
    );
  }
  const { userId, expectedAccountId, requestOptions } = options;
  checkKnown(WHERE, options, CONFIRM_OPTIONS);
  if (typeof userId !== "string" || userId === "")
    throw new ComposioError(
      `confirmConnection: \`userId\` must be your signed-in user's id, a non-empty string (got ${describe(userId)}).`,
    );
  // Given as null or undefined (`session.linkedAccountId` of a session that made no link): no
  // callback is this session's. Only an app that keeps no record of its links leaves the key out.
  const tied = "expectedAccountId" in options;
  if (expectedAccountId != null && (typeof expectedAccountId !== "string" || expectedAccountId === ""))
    throw new ComposioError(
      `${WHERE}: \`expectedAccountId\` must be the connected_account_id of this session's link, a non-empty string (got ${describe(expectedAccountId)}).`,
    );
  // What the browser and the server say passes the redactor that knows the client's key (and the
  // account's tokens, once it is read) before it reaches an error.
  let redact: Redactor = redactorOf(composio, requestOptions?.headers);
  const claimed = url.searchParams.get("status");
  const callbackStatus = claimed === null ? undefined : redact.text(cut(claimed, 100));
  const named = [...new Set(ID_PARAMS.flatMap((name) => url.searchParams.getAll(name)))].filter(Boolean);
  const notConfirmed = (
    message: string,
    reason: NotConfirmedReason,
    extra: { accountId?: string; status?: string } = {},
    cause?: unknown,
  ) =>
    new ConnectionNotConfirmedError(
      redact.text(`confirmConnection: ${message}`),
      {
        reason,
        callbackStatus,
        ...(extra.accountId !== undefined && { accountId: redact.text(extra.accountId) }),
        ...(extra.status !== undefined && { status: redact.text(extra.status) }),
      },
      { cause },
    );
  if (named.length > 1)
    // Composio adds one id to the callback_url's own query: a second one was there already, or
    // someone changed the query. Ids are no secrets; each is cut, and scrubbed with the message.
    throw notConfirmed(
      `the callback names ${named.length} different accounts (${named
        .slice(0, 3)
        .map((id) => cut(id, 40))
        .join(
          ", ",
        )}${named.length > 3 ? ", …" : ""}); Composio adds one to your callback_url's query: does the callback_url you gave link or create carry one already?`,
      "two-account-ids",
    );
  if (named.length === 0 || !ACCOUNT_ID.test(named[0]!))
    throw notConfirmed(
      named.length === 0
        ? `the callback names no account: its query has no ${ID_PARAMS.join(" or ")}`
        : "the callback names no account: its account id is not one (letters, digits, _ and -, at most 100)",
      "no-account-id",
    );
  const accountId = named[0]!;
  // Before any request: the query may be anyone's guess, and this session did not make it.
  if (tied && accountId !== expectedAccountId)
    throw notConfirmed(
      expectedAccountId == null
        ? `account ${accountId} was made by a link, but this session made none (expectedAccountId is ${String(expectedAccountId)})`
        : `account ${accountId} is not the one this session's link made (expectedAccountId)`,
      "other-link",
      { accountId },
    );
  let account: RetrieveConnectedAccountResponse;
  try {
    account =
      "request" in composio
        ? await retrieveConnectedAccount(composio, accountId, requestOptions)
        : await composio.connectedAccounts.retrieve(accountId, requestOptions);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw notConfirmed(`the API knows no account ${accountId}`, "unknown-account", { accountId }, error);
    throw error;
  }
  // An owner that is not a string is not another user's: the answer cannot be read.
  const owner = await stringField(account, "user_id", "confirmConnection", accountId);
  // The owner is not named: the query may be anyone's guess.
  if (owner !== userId)
    throw notConfirmed(`account ${accountId} is not the signed-in user's`, "other-user", { accountId });
  redact = redact.with(account);
  const status = await stringField(account, "status", "confirmConnection", accountId, (text) =>
    redact.text(text),
  );
  if (status === "ACTIVE") return account;
  if (status === "FAILED" || status === "EXPIRED" || status === "REVOKED" || status === "INACTIVE")
    throw new ConnectionFailedError(redact.value(account, EXCERPT));
  throw notConfirmed(
    `account ${accountId} is ${cut(status, 100)}: the user has not finished connecting`,
    "not-active",
    { accountId, status: cut(status, 100) },
  );
}

const WHERE = "confirmConnection";

/** Every option of ConfirmOptions: any other key is refused. */
const CONFIRM_OPTIONS = [
  "userId",
  "expectedAccountId",
  "requestOptions",
] as const satisfies readonly (keyof ConfirmOptions)[];

/**
 * The callback URL, read; the two first arguments each checked for what the other should be, as
 * swapping them is an easy slip (the URL is the thing a route has at hand).
 */
function callbackUrlOf(composio: unknown, callbackUrl: unknown): URL {
  const sends = (value: unknown) => {
    const given = value as { request?: unknown; connectedAccounts?: { retrieve?: unknown } } | null;
    return typeof given?.request === "function" || typeof given?.connectedAccounts?.retrieve === "function";
  };
  if (typeof composio === "string" || composio instanceof URL || sends(callbackUrl))
    throw new ComposioError(
      `${WHERE}: arguments swapped: the client (or transport) comes first, then the callback URL: confirmConnection(composio, request.url, { userId }).`,
    );
  if (!sends(composio))
    throw new ComposioError(
      `${WHERE}: \`composio\` must be a client (createComposioClient) or a transport (createComposioTransport), got ${describe(composio)}.`,
    );
  const pass = "the URL the browser came back to, request.url; req.originalUrl in Express";
  if (typeof callbackUrl === "object" && callbackUrl !== null && !(callbackUrl instanceof URL)) {
    const given = callbackUrl as Record<string, unknown>;
    // The query already parsed: Express's req.query, or URLSearchParams.
    const parsed =
      callbackUrl instanceof URLSearchParams ||
      ["status", ...ID_PARAMS].some((name) => Object.hasOwn(given, name));
    throw new ComposioError(
      `${WHERE}: \`callbackUrl\` must be a string or a URL (got ${
        parsed
          ? `a parsed query: pass ${pass}`
          : `${describe(callbackUrl)}${typeof given.url === "string" ? ": a Request? pass request.url" : ""}`
      }).`,
    );
  }
  // An id alone has no query to read it from: the caller took it out already, and it is the query
  // that is checked. Not quoted: a bare word may be anything, a key too.
  if (typeof callbackUrl === "string" && ACCOUNT_ID.test(callbackUrl))
    throw new ComposioError(
      `${WHERE}: \`callbackUrl\` is an account id, not the URL: pass the URL the browser came back to (request.url; req.originalUrl in Express), whose query names the account.`,
    );
  try {
    // A path and query (`req.url` in Node servers) is read against a placeholder origin.
    return new URL(callbackUrl as string | URL, "http://callback.invalid");
  } catch {
    throw new ComposioError(`${WHERE}: \`callbackUrl\` is not a URL (got ${describe(callbackUrl)}).`);
  }
}

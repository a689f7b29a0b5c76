// confirmConnection: for the app's callback route, where the user's browser comes back from
// Composio's page. That callback is a plain browser redirect, not a signed webhook: anyone can open
// it with any query. So the query only says which account to look at; the API says the rest.
import { retrieveConnectedAccount, type RetrieveConnectedAccountResponse } from "../generated/resources.js";
import { ComposioError, NotFoundError } from "./errors.js";
import { describe } from "./options.js";
import { cut, EXCERPT, redactorOf, type Redactor } from "./redact.js";
import type { RequestOptions, Transport } from "./types.js";
import { ConnectionFailedError, stringField } from "./wait.js";

/** The query parameters that may carry the account id: Composio's, and the snake-case spelling. */
const ID_PARAMS = ["connectedAccountId", "connected_account_id"] as const;
/** An id is letters, digits, `_` and `-`; anything longer or stranger is no id of Composio's. */
const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** Why a callback confirmed no connection (see `ConnectionNotConfirmedError`). */
export type NotConfirmedReason = "no-account-id" | "unknown-account" | "other-user" | "not-active";

/**
 * The callback confirmed no connection: it named no account (`no-account-id`), one the API does
 * not know (`unknown-account`), one of another user (`other-user`), or one still waiting for the
 * user (`not-active`: INITIALIZING, INITIATED, or a status this client does not know). Answer it as
 * a link that did not work; waiting (`waitForConnection`) is the way to learn a `not-active`
 * account's outcome.
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
  const { userId, requestOptions } = options ?? ({} as ConfirmOptions);
  if (typeof userId !== "string" || userId === "")
    throw new ComposioError(
      `confirmConnection: \`userId\` must be your signed-in user's id, a non-empty string (got ${describe(userId)}).`,
    );
  let url: URL;
  try {
    // A path and query (`req.url` in Node servers) is read against a placeholder origin.
    url = new URL(callbackUrl, "http://callback.invalid");
  } catch {
    throw new ComposioError(
      `confirmConnection: \`callbackUrl\` is not a URL (got ${describe(callbackUrl)}).`,
    );
  }
  // What the browser and the server say passes the redactor that knows the client's key (and the
  // account's tokens, once it is read) before it reaches an error.
  let redact: Redactor = redactorOf(composio, requestOptions?.headers);
  const claimed = url.searchParams.get("status");
  const callbackStatus = claimed === null ? undefined : redact.text(cut(claimed, 100));
  const named = [...new Set(ID_PARAMS.flatMap((name) => url.searchParams.getAll(name)))];
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
  if (named.length !== 1 || !ACCOUNT_ID.test(named[0]!))
    throw notConfirmed(
      named.length > 1
        ? "the callback names more than one account"
        : `the callback names no account: its query has no valid ${ID_PARAMS.join(" or ")}`,
      "no-account-id",
    );
  const accountId = named[0]!;
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
  const owner = stringField(account, "user_id", "confirmConnection", accountId);
  // The owner is not named: the query may be anyone's guess.
  if (owner !== userId)
    throw notConfirmed(`account ${accountId} is not the signed-in user's`, "other-user", { accountId });
  redact = redact.with(account);
  const status = stringField(account, "status", "confirmConnection", accountId, (text) => redact.text(text));
  if (status === "ACTIVE") return account;
  if (status === "FAILED" || status === "EXPIRED" || status === "REVOKED" || status === "INACTIVE")
    throw new ConnectionFailedError(redact.value(account, EXCERPT));
  throw notConfirmed(
    `account ${accountId} is ${cut(status, 100)}: the user has not finished connecting`,
    "not-active",
    { accountId, status: cut(status, 100) },
  );
}

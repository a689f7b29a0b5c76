// The error of a connection that ended FAILED, EXPIRED, REVOKED or INACTIVE, which
// waitForConnection and confirmConnection throw with the account already scrubbed of the key and of
// its own tokens. It does not scrub what it is given itself: that would take the redactor into every
// app's first chunk (see later.ts), for errors the client makes scrubbed anyway.
import type { RetrieveConnectedAccountResponse } from "../generated/resources.js";
import { ComposioError, cut } from "./errors.js";

/** A connection ended FAILED, EXPIRED, REVOKED or INACTIVE while it was awaited. */
export class ConnectionFailedError extends ComposioError {
  override get name(): string {
    return "ConnectionFailedError";
  }
  /** The status it ended in: `FAILED`, `EXPIRED`, `REVOKED` or `INACTIVE`. */
  declare readonly status: string;
  /** Why, as the server says (`"OAuth callback failed during token exchange"` …), or null. */
  declare readonly statusReason: string | null;
  /** The account as last read, with its secrets (tokens in `state`) redacted. */
  declare readonly account: RetrieveConnectedAccountResponse;

  /**
   * @param account The account as last read. The client's own passes it redacted (its tokens and
   * the key replaced); one you construct keeps what you give it.
   */
  constructor(account: RetrieveConnectedAccountResponse) {
    // Kept within a budget: a status_reason may be a megabyte.
    const text = (value: unknown, max: number) => (typeof value === "string" ? cut(value, max) : undefined);
    const status = text(account.status, 100) ?? "in a status that is no string";
    const reason = text(account.status_reason, 500);
    super(
      `Connected account ${text(account.id, 100) ?? "(no id)"} is ${status}${reason ? `: ${reason}` : ""}`,
    );
    this.status = status;
    this.statusReason = text(account.status_reason, Infinity) ?? null;
    this.account = account;
  }
}

// The error of a connection that ended FAILED, EXPIRED, REVOKED or INACTIVE, which
// waitForConnection and confirmConnection throw. Its own module: it makes its message with the
// redactor, synchronously (a caller may construct one), so wherever it goes the redactor goes too.
// That is why the redactor still loads with the package's first chunk (see later.ts).
import type { RetrieveConnectedAccountResponse } from "../generated/resources.js";
import { ComposioError, cut } from "./errors.js";
import { redactorFor } from "./redact.js";

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

  constructor(account: RetrieveConnectedAccountResponse) {
    // Kept within a budget and scrubbed of the account's own tokens wherever it quotes them (its
    // status_reason too); waitForConnection and confirmConnection pass it scrubbed of the key already.
    const text = (value: unknown, max: number) => (typeof value === "string" ? cut(value, max) : undefined);
    const status = text(account.status, 100) ?? "in a status that is no string";
    const reason = text(account.status_reason, 500);
    const safe = redactorFor({})
      .with(account)
      .seal(
        `Connected account ${text(account.id, 100) ?? "(no id)"} is ${status}${reason ? `: ${reason}` : ""}`,
        undefined,
        account,
      );
    super(safe.message);
    this.status = text(safe.value.status, 100) ?? status;
    this.statusReason = text(safe.value.status_reason, Infinity) ?? null;
    this.account = safe.value;
  }
}

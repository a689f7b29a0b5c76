// The public surface of composio-connected-accounts. Every export is named here or in
// generated/index.ts, the generator's explicit list of what the spec defines.

// The client
export { createComposioClient, createComposioTransport } from "./client.js";
export { waitForConnection } from "./wait.js";
export { confirmConnection } from "./confirm.js";
export { forUser } from "./scoped.js";
/** The version of this package, as sent in the User-Agent. */
export { VERSION } from "../generated/meta.js";
export type {
  ClientFor,
  ComposioClient,
  ConnectedAccounts,
  UserKeyClientOptions,
  UserKeyComposioClient,
} from "./client.js";
export type { WaitOptions } from "./wait.js";
export type { ConfirmOptions, ConfirmWith, NotConfirmedReason } from "./confirm.js";
export type {
  AccountsForUser,
  CleanUpOptions,
  CleanUpResult,
  LinkForUserParams,
  LinkOrReuseOptions,
  NotOwnedReason,
  PendingLink,
  UserKeyAccountsForUser,
} from "./scoped.js";
export type { ClientOptions, ClientSettings } from "./options.js";
export type { ClientOptionName, KnownOptionsOnly, UnknownOption } from "./known-options.js";
export type { Logger, LogLevel } from "./log.js";
export type { RequestInput, RequestOptions, RequestValidator, Transport, UnknownValue } from "./types.js";
export type { Clock } from "./types.js";
export type { PagePromise, PaginationSpec } from "./pagination.js";

// Errors
export {
  AuthenticationError,
  BadRequestError,
  ComposioAbortError,
  ComposioApiError,
  ComposioConnectionError,
  ComposioError,
  ComposioTimeoutError,
  ConflictError,
  ComposioValidationError,
  InternalServerError,
  ManagedOAuthNotSupportedError,
  NotFoundError,
  NotImplementedError,
  PermissionDeniedError,
  RateLimitError,
  RedirectError,
  UnprocessableEntityError,
} from "./errors.js";
export { ConnectionFailedError } from "./connection-failed.js";
export { ConnectionNotConfirmedError } from "./confirm.js";
export { AccountNotOwnedError } from "./scoped.js";
export type { ErrorEnvelopeFields, ValidationIssue } from "./errors.js";

// From the spec: operation types, resource types, and connection.state types with their builders
export * from "../generated/index.js";

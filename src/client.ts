// createComposioClient: options checked once, then the generated resources bound to a transport,
// plus the helpers written by hand on top of them (waitForConnection). The openapi-fetch client is
// its own entry point (composio-connected-accounts/raw), so that those who do not use it do not
// bundle it.
import {
  createResources,
  type ConnectedAccountsResource,
  type ConnectedAccountsResourceForUserApiKeyAuth,
  type Resources,
  type RetrieveConnectedAccountResponse,
} from "../generated/resources.js";
import type { KnownOptionsOnly } from "./known-options.js";
import { type ClientOptions, rememberAs, resolveOptions } from "./options.js";
import type { Clock, Transport } from "./types.js";
import { createTransport, type Send } from "./transport.js";
import { waitForConnection, type WaitOptions } from "./wait.js";

/** The `connectedAccounts` operations, and waiting for a connection to become ACTIVE. */
export interface ConnectedAccounts extends ConnectedAccountsResource {
  /**
   * Polls `retrieve(id)` until the account is ACTIVE, and resolves it. Ends with a
   * `ConnectionFailedError` on FAILED, EXPIRED, REVOKED or INACTIVE, the `NotFoundError` on 404, a
   * `ComposioTimeoutError` at `timeoutMs` (default 10.5 minutes: the server fails a connection
   * not completed within 10), a `ComposioAbortError` when `signal` fires. Polls at once, then
   * after 1 s, growing by half to 10 s, with jitter; the last look comes at the deadline, and the
   * wait ends at most a second after it.
   *
   * @example
   * ```ts
   * const link = await composio.connectedAccounts.link({ auth_config_id: "ac_1a2b3c4d5e6f", user_id: "user_42" });
   * // send the user to link.redirect_url, then:
   * const account = await composio.connectedAccounts.waitForConnection(link.connected_account_id);
   * ```
   */
  waitForConnection(id: string, options?: WaitOptions): Promise<RetrieveConnectedAccountResponse>;
}

/** The client: one property per resource of the API. */
export interface ComposioClient extends Resources {
  readonly connectedAccounts: ConnectedAccounts;
}

/**
 * A client made with `userApiKey`: typed with only the operations the API lets a user API key
 * call (list, retrieve, delete, link, and waiting). The others still exist at run time and reject
 * with a `ComposioError` before sending anything.
 */
export interface UserKeyComposioClient {
  readonly connectedAccounts: ConnectedAccountsResourceForUserApiKeyAuth &
    Pick<ConnectedAccounts, "waitForConnection">;
}

/** Client options with a user API key. */
export type UserKeyClientOptions = Extract<ClientOptions, { userApiKey: string }>;

/**
 * The client `options` make: typed without the operations a user API key cannot call when they hold
 * one; the full client for the project key, for options that may hold either, and for `any`.
 */
// The project key is tested first for `ReturnType<typeof createComposioClient>`: TypeScript infers
// it from the factory with O as its constraint (the full client), then checks the factory with O as
// `any` against that, and `[any] extends [UserKeyClientOptions]` would give the user-key client,
// failing the check, and ReturnType would be `any`.
export type ClientFor<O extends ClientOptions> = [O] extends [Extract<ClientOptions, { apiKey: string }>]
  ? ComposioClient
  : [O] extends [UserKeyClientOptions]
    ? UserKeyComposioClient
    : ComposioClient;

/**
 * Creates a client for Composio's connected-accounts API.
 *
 * @example
 * ```ts
 * const composio = createComposioClient({ apiKey: process.env.COMPOSIO_API_KEY! });
 * const account = await composio.connectedAccounts.create({
 *   auth_config: { id: "ac_1a2b3c4d5e6f" },
 *   connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: process.env.SERVICE_API_KEY! }) },
 * });
 * ```
 */
// A type parameter rather than overloads: a call with neither key then gets one error, naming `apiKey`.
// KnownOptionsOnly bounds O rather than joining the parameter (`O & KnownOptionsOnly<O>`): the
// intersection of `timeout: number` with its message is reduced to `never` whole, and the error would
// read "not assignable to never" on every property; as a bound, the error is the message, on `timeout`.
export function createComposioClient<O extends ClientOptions & KnownOptionsOnly<O>>(options: O): ClientFor<O>;
export function createComposioClient(options: ClientOptions): ComposioClient {
  return clientOn(makeTransport(options, "createComposioClient"));
}

/** The transport over `options` (`where` names the caller in their errors), sending through `send` unless given a `fetch`. */
export function makeTransport<S extends { readonly aborted: boolean }>(
  options: ClientOptions,
  where: string,
  send?: Send<S>,
): Transport {
  return createTransport(resolveOptions(options, where), send);
}

/** The client over a transport: its resources and waitForConnection. */
export function clientOn(transport: Transport): ComposioClient {
  const resources = createResources(transport);
  const client = {
    ...resources,
    connectedAccounts: {
      ...resources.connectedAccounts,
      waitForConnection: waitForConnection.bind(null, transport),
    },
  };
  // confirmConnection(client, …) scrubs the client's key from what it shows, as the transport would.
  rememberAs(client, transport);
  if (transport.clock) clocks.set(client, transport.clock);
  return client;
}

/** The `clock` option of each client that has one: helpers given the client read the time on it. */
const clocks = new WeakMap<object, Clock>();

/** The clock a client (or a transport) was given; none for the real one. */
export function clockOf(composio: object): Clock | undefined {
  const transport = composio as Partial<Transport>;
  return typeof transport.request === "function" ? transport.clock : clocks.get(composio);
}

/**
 * What the standalone operation functions send through: the client's options, credential, retry
 * loop, timeouts, redirect rule and logging, without the client object. An app that imports only
 * the functions it calls (`createConnectedAccount`, `listConnectedAccounts`, `waitForConnection` …)
 * bundles only those; `createComposioClient` carries every operation.
 *
 * @example
 * ```ts
 * const composio = createComposioTransport({ apiKey: process.env.COMPOSIO_API_KEY! });
 * const account = await createConnectedAccount(composio, {
 *   auth_config: { id: "ac_1a2b3c4d5e6f" },
 *   connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: process.env.SERVICE_API_KEY! }) },
 * });
 * ```
 */
export function createComposioTransport(options: ClientOptions): Transport {
  return makeTransport(options, "createComposioTransport");
}

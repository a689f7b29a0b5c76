// createComposioClient: options checked once, then the generated resources bound to a transport.
// The openapi-fetch client is its own entry point (composio-connected-accounts/raw), so that those
// who do not use it do not bundle it.
import { createResources, type Resources } from "../generated/resources.js";
import { resolveOptions, type ClientOptions } from "./options.js";
import { createTransport } from "./transport.js";

/** The client: one property per resource of the API. */
export type ComposioClient = Resources;

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
export function createComposioClient(options: ClientOptions): ComposioClient {
  return createResources(createTransport(resolveOptions(options, "createComposioClient")));
}

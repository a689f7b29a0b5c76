// The package on Node: every export of index.ts, with createComposioClient and
// createComposioTransport sending through node:http (node-send.ts) instead of fetch, unless given
// a `fetch` option. The `node` export condition of package.json picks this build on Node (Deno, Bun,
// browsers and edge runtimes get index.ts), and `composio-connected-accounts/node` picks it
// anywhere. Its exports must stay index.ts's (test/transports.test.ts checks): the API report is
// index.ts's.
import { clientOn, makeTransport, type ClientFor, type ComposioClient } from "./client.js";
import type { KnownOptionsOnly } from "./known-options.js";
import { nodeSend } from "./node-send.js";
import type { ClientOptions } from "./options.js";
import type { Transport } from "./types.js";

export * from "./index.js";

const send = nodeSend();

/** Creates a client for Composio's connected-accounts API, sending through node:http unless given `fetch`. */
export function createComposioClient<O extends ClientOptions & KnownOptionsOnly<O>>(options: O): ClientFor<O>;
export function createComposioClient(options: ClientOptions): ComposioClient {
  return clientOn(makeTransport(options, "createComposioClient", send));
}

/** What the standalone operation functions send through, over node:http unless given `fetch`. */
export function createComposioTransport(options: ClientOptions): Transport {
  return makeTransport(options, "createComposioTransport", send);
}

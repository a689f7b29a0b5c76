// The two transports every transport-level test runs on: one table of cases, two transports
// (`describe.each(TRANSPORTS)`). `fetch` is the package everywhere but Node (browsers, edge runtimes,
// Deno, Bun) and wherever a `fetch` option is given; `node:http` is the package on Node (its `node`
// export condition: src/node.ts). /raw sends through fetch on both, so its cases are not doubled.
import type { Agent } from "node:http";
import * as viaFetch from "../../src/index.js";
import * as viaNode from "../../src/node.js";
import { clientOn, makeTransport } from "../../src/client.js";
import { nodeSend } from "../../src/node-send.js";
import type { ClientOptions } from "../../src/options.js";

/** The factories a transport-level test makes its clients with. */
export interface Factories {
  createComposioClient: typeof viaFetch.createComposioClient;
  createComposioTransport: typeof viaFetch.createComposioTransport;
}

export interface TransportCase extends Factories {
  transport: "fetch" | "node:http";
  /** The entry a child process's script imports, from the repository's root. */
  source: "./src/index.ts" | "./src/node.ts";
}

export const TRANSPORTS: readonly TransportCase[] = [
  {
    transport: "fetch",
    source: "./src/index.ts",
    createComposioClient: viaFetch.createComposioClient,
    createComposioTransport: viaFetch.createComposioTransport,
  },
  {
    transport: "node:http",
    source: "./src/node.ts",
    createComposioClient: viaNode.createComposioClient,
    createComposioTransport: viaNode.createComposioTransport,
  },
];

/** The node:http transport through an Agent of the test's own (the fuzzer's routes each attempt). */
export function nodeFactoriesOver(agent: Agent): Factories {
  const send = nodeSend(() => agent);
  return {
    createComposioClient: (options: ClientOptions) =>
      clientOn(makeTransport(options, "createComposioClient", send)),
    createComposioTransport: (options) => makeTransport(options, "createComposioTransport", send),
  };
}

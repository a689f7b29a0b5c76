// The two-operations fixture's generated resources, bound to the real transport with quiet,
// no-retry settings: how the tests call code generated from a spec other than ours.
import { createTransport } from "../../src/transport.js";
import { createResources } from "../fixtures/two-operations/generated/resources.js";

export function fixtureResources(baseUrl: string) {
  return createResources(
    createTransport({
      credential: { option: "apiKey", header: "x-api-key", value: "" },
      baseUrl,
      headers: {},
      fetch,
      fetchGiven: false,
      defaults: { maxRetries: 0, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 },
      log: { debug: undefined, warn: undefined },
      validate: undefined,
    }),
  );
}

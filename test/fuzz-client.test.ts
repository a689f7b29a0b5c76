// The fuzzer, client side (issue 21): every entry point against a hostile server on 127.0.0.1 that
// answers from a generated script (any status, any header of any length, random JSON and the API's
// own shapes mutated, secrets echoed in every encoding the redactor knows, compression up to the
// size limit, cuts at any byte, hangs). Each invariant is a property of its own. `npm test` runs a
// few dozen cases with a fixed seed; `npm run fuzz` runs many with a fresh one. Every property runs
// on both transports (fetch, and node:http as the package sends on Node). The design, and how
// to replay a failure, are in CONTRIBUTING.md ("The fuzzer").
import { beforeAll, describe } from "vitest";
import { ENTRIES } from "./helpers/fuzz-entries.js";
import {
  execute,
  expectAtMostOnce,
  expectBounded,
  expectNoSecrets,
  expectSettled,
  fuzzProperty,
  warmUp,
} from "./helpers/fuzz-run.js";
import { anyRun, gatewayRun, heavyRun } from "./helpers/fuzz-runs.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)(
  "the fuzzer: every entry point against a hostile server, over $transport",
  ({ transport }) => {
    beforeAll(() => warmUp(ENTRIES, transport), 60_000);

    fuzzProperty(
      "1. every call settles, with a typed value or a ComposioError, by its deadline",
      anyRun,
      async (run) => expectSettled(await execute(run, { transport })),
      { ciRuns: 40, msPerRun: 1500 },
    );

    fuzzProperty(
      "2. no 8-character run of a secret given or received shows in an error, its causes, a log line or /raw's error",
      anyRun,
      async (run) => expectNoSecrets(await execute(run, { transport })),
      { ciRuns: 40, msPerRun: 1500 },
    );

    fuzzProperty(
      "3. CPU per answer is linear in its bytes, the event loop is never held past 100 ms, memory stays a small multiple of maxResponseBytes",
      heavyRun,
      async (run) => expectBounded(await execute(run, { collect: true, transport })),
      { ciRuns: 20, msPerRun: 3000 },
    );

    // A create is resent only after a refused connection or a 429, the answers that prove nothing
    // happened (README, "Retries": a gateway's 503 may come after the API acted).
    fuzzProperty(
      "4. create, link and completeAuth reach the server at most once per call unless an answer proved nothing happened (refused, 429)",
      gatewayRun,
      async (run) => expectAtMostOnce(await execute(run, { transport })),
      { ciRuns: 40, msPerRun: 2000 },
    );
  },
);

// The fuzzer, client side (issue 21): every entry point against a hostile server on 127.0.0.1 that
// answers from a generated script (any status, any header of any length, random JSON and the API's
// own shapes mutated, secrets echoed in every encoding the redactor knows, compression up to the
// size limit, cuts at any byte, hangs). Each invariant is a property of its own. `npm test` runs a
// few dozen cases with a fixed seed; `npm run fuzz` runs many with a fresh one. The design, and how
// to replay a failure, are in CONTRIBUTING.md ("The fuzzer").
import fc from "fast-check";
import { beforeAll, describe } from "vitest";
import {
  answerArb,
  fillArb,
  headerLineArb,
  replyArb,
  secretsArb,
  type Answer,
  type HeaderLine,
} from "./helpers/fuzz-answers.js";
import { CREATING_ENTRIES, ENTRIES, type Settings } from "./helpers/fuzz-entries.js";
import {
  execute,
  expectAtMostOnce,
  expectBounded,
  expectNoSecrets,
  expectSettled,
  fuzzProperty,
  warmUp,
  type Run,
} from "./helpers/fuzz-run.js";

const settingsArb = (
  maxResponseBytes: number[],
  totalTimeoutMs = { min: 60, max: 800 },
): fc.Arbitrary<Settings> =>
  fc.record(
    {
      credential: fc.constantFrom<Settings["credential"]>("apiKey", "apiKey", "apiKey", "userApiKey"),
      timeoutMs: fc.integer({ min: 30, max: 300 }),
      totalTimeoutMs: fc.integer(totalTimeoutMs),
      maxRetries: fc.integer({ min: 0, max: 3 }),
      maxResponseBytes: fc.constantFrom(...maxResponseBytes),
      waitTimeoutMs: fc.integer({ min: 50, max: 600 }),
      initialIntervalMs: fc.integer({ min: 10, max: 60 }),
    },
    // maxRetries left out some of the time: the client's default.
    {
      requiredKeys: [
        "credential",
        "timeoutMs",
        "totalTimeoutMs",
        "maxResponseBytes",
        "waitTimeoutMs",
        "initialIntervalMs",
      ],
    },
  );

const runArb = (
  entries: readonly { name: string }[],
  settings: fc.Arbitrary<Settings>,
  answers: fc.Arbitrary<Answer[]>,
): fc.Arbitrary<Run> =>
  fc.record({
    entry: fc.constantFrom(...entries.map((e) => e.name)),
    settings,
    secrets: secretsArb,
    answers,
  });

const anyAnswers = fc.array(answerArb(), { minLength: 1, maxLength: 4 });

describe("the fuzzer: every entry point against a hostile server", () => {
  beforeAll(() => warmUp(ENTRIES), 60_000);

  fuzzProperty(
    "1. every call settles, with a typed value or a ComposioError, by its deadline",
    runArb(ENTRIES, settingsArb([4096, 65_536, 262_144]), anyAnswers),
    async (run) => expectSettled(await execute(run)),
    { ciRuns: 60, msPerRun: 1500 },
  );

  fuzzProperty(
    "2. no 8-character run of a secret given or received shows in an error, its causes, a log line or /raw's error",
    runArb(ENTRIES, settingsArb([4096, 65_536, 262_144]), anyAnswers),
    async (run) => expectNoSecrets(await execute(run)),
    { ciRuns: 60, msPerRun: 1500 },
  );

  // Answers near the size limit (compressed or not) and header values of every length.
  const heavyHeaders: fc.Arbitrary<HeaderLine[]> = fc.array(headerLineArb, { maxLength: 6 });
  const heavy = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: replyArb({ body: fillArb(0.3), headers: heavyHeaders }) },
      { weight: 1, arbitrary: replyArb({ headers: heavyHeaders }) },
    ),
    { minLength: 1, maxLength: 2 },
  );
  fuzzProperty(
    "3. CPU per answer is linear in its bytes, the event loop is never held past 100 ms, memory stays a small multiple of maxResponseBytes",
    runArb(ENTRIES, settingsArb([262_144, 1_048_576, 2_097_152], { min: 1000, max: 2000 }), heavy),
    async (run) => expectBounded(await execute(run, { collect: true })),
    { ciRuns: 20, msPerRun: 3000 },
  );

  // What a gateway or a flaky network does to a create: refusals, 429 and 503 (with a short
  // Retry-After), 5xx, cuts and hangs, before or after a success.
  const retryHeaders = fc.array(
    fc.oneof(
      fc.constant<HeaderLine>(["retry-after-ms", "5"]),
      fc.constant<HeaderLine>(["retry-after", "0"]),
      headerLineArb,
    ),
    { maxLength: 2 },
  );
  const gatewayAnswer = answerArb(
    replyArb({
      status: fc.constantFrom(429, 503, 500, 502, 504, 408, 200, 201, 400, 409),
      headers: retryHeaders,
    }),
  );
  fuzzProperty(
    "4. create, link and completeAuth reach the server at most once per call unless the connection was refused",
    runArb(
      CREATING_ENTRIES,
      settingsArb([65_536], { min: 200, max: 1500 }),
      fc.array(gatewayAnswer, { minLength: 1, maxLength: 4 }),
    ),
    async (run) => expectAtMostOnce(await execute(run)),
    { ciRuns: 40, msPerRun: 2000 },
  );
});

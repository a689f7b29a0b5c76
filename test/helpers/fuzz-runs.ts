// What each client property generates: the entry points it drives, the client's limits, and the
// answer scripts. Kept apart from the properties so that a failure's run can be rebuilt and
// measured on its own (see CONTRIBUTING.md, "The fuzzer").
import fc from "fast-check";
import {
  answerArb,
  bodyFor,
  cleanReplyArb,
  fillArb,
  headerLineArb,
  replyArb,
  secretsArb,
  statusCodeArb,
  type Answer,
  type HeaderLine,
} from "./fuzz-answers.js";
import { CREATING_ENTRIES, ENTRIES, type Entry, type Settings } from "./fuzz-entries.js";
import type { Run } from "./fuzz-run.js";

export const settingsArb = (
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
  entries: readonly Entry[],
  settings: fc.Arbitrary<Settings>,
  answers: (entry: Entry) => fc.Arbitrary<Answer[]>,
): fc.Arbitrary<Run> =>
  fc
    .constantFrom(...entries)
    .chain((entry) =>
      fc.record({ entry: fc.constant(entry.name), settings, secrets: secretsArb, answers: answers(entry) }),
    );

/** A success a third of the time: the paths that read a body (an account, a page) begin there. */
const someSuccess = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(200, 201) },
  { weight: 2, arbitrary: statusCodeArb },
);

/** Properties 1 and 2: any entry point, any answers (half of the bodies in the shape the entry point reads). */
export const anyRun = runArb(ENTRIES, settingsArb([4096, 65_536, 262_144]), (entry) =>
  fc.array(
    answerArb(
      fc.oneof(
        replyArb({ status: someSuccess, body: bodyFor(entry.operationId) }),
        cleanReplyArb({ status: someSuccess, body: bodyFor(entry.operationId) }),
      ),
    ),
    {
      minLength: 1,
      maxLength: 4,
    },
  ),
);

/**
 * Property 3: answers near the size limit (compressed or not), mostly successes (an error body is
 * read only up to 64 KiB), and header values of every length. Limits up to 512 KiB: JSON.parse of
 * the worst-shaped megabyte (arrays nested 500,000 deep) alone holds the event loop ~100 ms, so
 * the 100 ms bound can hold only for answers about this small (the default 32 MiB is not).
 */
const heavyHeaders: fc.Arbitrary<HeaderLine[]> = fc.array(headerLineArb, { maxLength: 6 });
const mostlySuccess = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(200, 201) },
  { weight: 1, arbitrary: statusCodeArb },
);
export const heavyRun = runArb(
  ENTRIES,
  settingsArb([65_536, 262_144, 524_288], { min: 1000, max: 2000 }),
  () =>
    fc.array(
      fc.oneof(
        {
          weight: 3,
          arbitrary: replyArb({ status: mostlySuccess, body: fillArb(0.3), headers: heavyHeaders }),
        },
        { weight: 1, arbitrary: replyArb({ headers: heavyHeaders }) },
      ),
      { minLength: 1, maxLength: 2 },
    ),
);

/**
 * Property 4: what a gateway or a flaky network does to a create: refusals, 429 and 503 (with a
 * short Retry-After), 5xx, cuts and hangs, before or after a success.
 */
const retryHeaders = fc.array(
  fc.oneof(
    fc.constant<HeaderLine>(["retry-after-ms", "5"]),
    fc.constant<HeaderLine>(["retry-after", "0"]),
    headerLineArb,
  ),
  { maxLength: 2 },
);
export const gatewayRun = runArb(CREATING_ENTRIES, settingsArb([65_536], { min: 200, max: 1500 }), () =>
  fc.array(
    answerArb(
      replyArb({
        status: fc.constantFrom(429, 503, 500, 502, 504, 408, 200, 201, 400, 409),
        headers: retryHeaders,
      }),
    ),
    { minLength: 1, maxLength: 4 },
  ),
);

// The fuzzer, /testing side (issue 21): the fake Composio gets generated hostile requests, in
// process (`fake.fetch`) and on 127.0.0.1 (`fake.listen()`): routes of the spec and the hosted page
// with any method, ids with broken escapes, secrets under sensitive names and echoed in the path,
// the query, headers and bodies, bodies of thousands of wrong items. It must answer every one, in
// time and in CPU linear in the request, and keep no secret in `fake.requests`. See
// CONTRIBUTING.md ("The fuzzer") for the design and how to replay a failure.
import { describe } from "vitest";
import { fuzzProperty } from "./helpers/fuzz-run.js";
import {
  executeFake,
  expectFakeAnswers,
  expectFakeBounded,
  expectFakeNoSecrets,
  fakeRunArb,
} from "./helpers/fuzz-requests.js";

describe("the fuzzer: the /testing fake against hostile requests", () => {
  fuzzProperty(
    "fake 1. answers every request, over fetch and listen(), never throws or hangs",
    fakeRunArb,
    async (run) => expectFakeAnswers(await executeFake(run)),
    { ciRuns: 80, msPerRun: 300 },
  );

  fuzzProperty(
    "fake 2. fake.requests holds no 8-character run of a secret",
    fakeRunArb,
    async (run) => expectFakeNoSecrets(await executeFake(run)),
    { ciRuns: 80, msPerRun: 300 },
  );

  fuzzProperty(
    "fake 3. CPU per request is linear in its bytes",
    fakeRunArb,
    async (run) => expectFakeBounded(await executeFake(run)),
    { ciRuns: 60, msPerRun: 300 },
  );
});

import { configDefaults, defineConfig } from "vitest/config";
import SlowFirst from "./test/helpers/sequencer.js";

/** The suites that need Prism or Chromium: the `services` project, whose global setup starts one of
 * each for the whole run (test/helpers/services.ts). */
export const SERVICE_SUITES = [
  "test/prism.test.ts", // the run's Prism mock of the spec
  "test/prism-errors.test.ts", // the run's Prism mock of the spec
  "test/testing-browser.test.ts", // the run's Chromium
  "test/docs.test.ts", // the run's Chromium, on the rendered docs
];
/**
 * The suites that take most of `npm test`'s time: child processes (Prism, Chromium, the generator,
 * tsc, redocly, a gc-bound node), not the code under test. `npm run test:fast` (the `fast` project)
 * skips them for the inner loop; `npm test` and CI run them all, first (test/helpers/sequencer.ts).
 * Times are the files' own in a full `npm test` on the shared 2-core machine at load 7-17, two files
 * at a time (see CONTRIBUTING); CPU seconds are the file run alone.
 */
export const SLOW_SUITES = [
  // `npm run check` on this tree and on a seeded copy, in children, at once: ~113 CPU s with the
  // check's cache cold (a fresh clone, CI), ~50 when a check of this tree ran before (the copy's
  // check is always cold); 146 s alone at load 12-19
  "test/check.test.ts",
  // the generator's golden runs (in process), the script and `npm run check` of other specs or
  // output folders in children: ~33 CPU s
  "test/generator.test.ts",
  "test/spec-rating.test.ts", // generates and rates seeded specs in beforeAll: ~50 CPU s
  "test/readme.test.ts", // tsc over every README sample: ~11 s
  "test/upstream.test.ts", // upstream:pull and upstream:check as child processes: ~11-16 s
  ...SERVICE_SUITES,
  "test/hostile-bounds.test.ts", // memory bounds in child node processes with --expose-gc: ~11-16 s
];
/**
 * The fast suites whose expectations are written from the spec: its hand-read facts (each status,
 * each auth scheme, the scheme table), and the /testing fake's coverage of it (every operation,
 * query parameter, scheme and status answered as the spec says). A spec edit that follows Composio
 * (a status, a scheme, a filter) turns them red, so `npm run check` runs them (about 10 CPU s,
 * beside its other checks; only after a change to what they import or read) and names what fails,
 * as it does tsc's errors: a green check is a green `npm test`.
 */
export const SPEC_SUITES = [
  "test/spec.test.ts",
  "test/testing-api.test.ts",
  "test/testing-fake.test.ts",
  "test/builders.test.ts",
];
/**
 * The fuzzer (CONTRIBUTING.md, "The fuzzer"): its own project, in a worker with `--expose-gc` so
 * that its memory bound measures from a collected heap. `npm test` runs it with a fixed seed (about
 * half a minute); `npm run test:fast` skips it; `npm run fuzz` runs it alone, long, with a fresh seed.
 */
export const FUZZ_SUITES = ["test/fuzz-*.test.ts"];
const ALL = ["test/**/*.test.ts"];

export default defineConfig({
  test: {
    // In-process tests take seconds at most; a test that waits for a child process, Prism or Chromium
    // says so with HANG_MS (test/helpers/child.ts, 10 minutes): a limit that stops a hang, never a
    // busy machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two test files at a time, whatever the core count (vitest's default is one fewer than the
    // cores: one file at a time on two). Most suites wait on sockets, timers and child processes
    // more than they compute, so a second file fills the time the first one waits.
    maxWorkers: 2,
    // The slow suites start first (test/helpers/sequencer.ts), the shorter files beside them.
    sequence: { sequencer: SlowFirst },
    // Three projects, so that the slow list lives here once: `npm test` runs them all. The type tests
    // (test/types.test-d.ts) are assertions the compiler checks: `tsc -p .`, which `npm test` and
    // `npm run test:fast` start with, runs them.
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          include: ALL,
          exclude: [...configDefaults.exclude, ...SLOW_SUITES, ...FUZZ_SUITES],
        },
      },
      {
        extends: true,
        test: {
          name: "slow",
          include: SLOW_SUITES,
          exclude: [...configDefaults.exclude, ...SERVICE_SUITES],
        },
      },
      {
        extends: true,
        test: {
          name: "services",
          include: SERVICE_SUITES,
          globalSetup: ["test/helpers/services.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "fuzz",
          include: FUZZ_SUITES,
          execArgv: ["--expose-gc"],
        },
      },
    ],
  },
});

// npm run fuzz: the fuzzer's properties (test/fuzz-*.test.ts, vitest's `fuzz` project) run long,
// with a fresh seed printed first, so that any failure can be replayed. `npm test` runs the same
// properties with a fixed seed and few runs. Arguments go to vitest (`-- -t "fake 2"`, a file).
//   FUZZ_RUNS   runs per property (default 400)
//   FUZZ_SEED   the seed (default: a fresh one)
//   FUZZ_PATH   with FUZZ_SEED: replay one failure's shrunk case alone
//   FUZZ_MATCH  count only failures whose message matches this regex
//   FUZZ_SURVEY run every case without stopping or shrinking; list one example per kind of failure
//   FUZZ_SHRINK_S  stop shrinking a failure after this many seconds (default 180)
import { spawnSync } from "node:child_process";

const env = {
  ...process.env,
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "400",
  FUZZ_SEED: process.env.FUZZ_SEED ?? String((Date.now() ^ (Math.random() * 2 ** 32)) | 0),
};
console.log(
  `fuzz: ${env.FUZZ_RUNS} runs per property, seed ${env.FUZZ_SEED} (run again: FUZZ_SEED=${env.FUZZ_SEED} npm run fuzz)`,
);
const result = spawnSync("npx", ["vitest", "run", "--project", "fuzz", ...process.argv.slice(2)], {
  stdio: "inherit",
  env,
  shell: process.platform === "win32",
});
process.exit(result.status ?? 1);

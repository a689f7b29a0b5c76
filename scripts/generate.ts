// npm run generate [-- --spec path --out dir --config redocly.yaml]
// spec → lint → openapi-typescript → ts-morph helpers → prettier → generated/ (swapped in whole).
import { relative } from "node:path";
import { fail, formatTimings, readArgs } from "./lib/cli.js";
import { runPipeline } from "./lib/pipeline.js";
import { writeFolderAtomically } from "./lib/write.js";

const startup = performance.now();
const { specPath, outDir, configPath } = readArgs();
const out = relative(process.cwd(), outDir) || ".";
try {
  const { files, timings } = await runPipeline({ specPath, configPath });
  const writeStart = performance.now();
  writeFolderAtomically(outDir, files);
  timings.push(["write", performance.now() - writeStart]);
  timings.unshift(["startup", startup]);
  console.log(
    `generate: wrote ${files.size} files to ${out}/\n${formatTimings(timings)}\n  ${"total".padEnd(16)} ${performance.now().toFixed(0).padStart(6)} ms`,
  );
} catch (error) {
  fail(`generate: failed; ${out}/ is left as it was.`, error);
}

// npm run generate [-- --spec path --out dir --config redocly.yaml --watch]
// spec → lint → openapi-typescript → ts-morph helpers → ajv validator → prettier → generated/
// (swapped in whole). With --watch, again on every change of a YAML file in the spec's folder (the
// root and every file it refers to) or of redocly.yaml.
import { dirname, relative } from "node:path";
import { fail, formatTimings, readArgs } from "./lib/cli.js";
import { runPipeline } from "./lib/pipeline.js";
import { onChange } from "./lib/watch.js";
import { writeFolderAtomically } from "./lib/write.js";

const startup = performance.now();
const { specPath, outDir, configPath, watch } = readArgs();
const out = relative(process.cwd(), outDir) || ".";

async function generate(first: boolean): Promise<void> {
  const start = performance.now();
  try {
    const { files, timings } = await runPipeline({ specPath, configPath });
    const writeStart = performance.now();
    writeFolderAtomically(outDir, files);
    timings.push(["write", performance.now() - writeStart]);
    if (first) timings.unshift(["startup", startup]);
    const total = performance.now() - (first ? 0 : start);
    console.log(
      `generate: wrote ${files.size} files to ${out}/\n${formatTimings(timings)}\n  ${"total".padEnd(16)} ${total.toFixed(0).padStart(6)} ms`,
    );
  } catch (error) {
    fail(`generate: failed; ${out}/ is left as it was.`, error);
  }
}

await generate(true);
if (watch) {
  process.exitCode = 0;
  const specDir = dirname(specPath);
  console.log(
    `generate: watching ${relative(process.cwd(), specDir) || "."}/ and ${relative(process.cwd(), configPath)}`,
  );
  onChange([specDir, configPath], () => generate(false));
}

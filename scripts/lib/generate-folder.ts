// What `npm run generate` does once: the pipeline, then the output folder swapped in whole; on a
// failure the folder is left as it was. Its exit code and output are returned, not printed, so that
// the tests run it in process (the script, scripts/generate.ts, prints them).
import { relative } from "node:path";
import { failureText, formatTimings } from "./cli.js";
import { runPipeline } from "./pipeline.js";
import { writeFolderAtomically } from "./write.js";

export interface GenerateResult {
  code: 0 | 1;
  stdout: string;
  stderr: string;
}

export async function generateFolder({
  specPath,
  outDir,
  configPath,
  startup,
}: {
  specPath: string;
  outDir: string;
  configPath: string;
  /** The process's start-up time, on a first run: printed as a stage of its own and in the total. */
  startup?: number;
}): Promise<GenerateResult> {
  const start = performance.now();
  const out = relative(process.cwd(), outDir) || ".";
  try {
    const { files, timings } = await runPipeline({ specPath, configPath });
    const writeStart = performance.now();
    writeFolderAtomically(outDir, files);
    timings.push(["write", performance.now() - writeStart]);
    if (startup !== undefined) timings.unshift(["startup", startup]);
    const total = performance.now() - (startup !== undefined ? 0 : start);
    return {
      code: 0,
      stdout: `generate: wrote ${files.size} files to ${out}/\n${formatTimings(timings)}\n  ${"total".padEnd(16)} ${total.toFixed(0).padStart(6)} ms`,
      stderr: "",
    };
  } catch (error) {
    return {
      code: 1,
      stdout: "",
      stderr: failureText(`generate: failed; ${out}/ is left as it was.`, error),
    };
  }
}

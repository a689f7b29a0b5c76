// npm run check: regenerates into a temporary folder and fails, naming the files, if generated/ is
// stale. It never writes to the working tree.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fail, readArgs } from "./lib/cli.js";
import { runPipeline } from "./lib/pipeline.js";
import { readFolder, writeFolderAtomically } from "./lib/write.js";

const { specPath, outDir, configPath } = readArgs();
const out = relative(process.cwd(), outDir) || ".";
const scratch = mkdtempSync(join(tmpdir(), "composio-check-"));
try {
  const { files } = await runPipeline({ specPath, configPath });
  writeFolderAtomically(join(scratch, "generated"), files);
  const expected = readFolder(join(scratch, "generated"));
  const actual = readFolder(outDir);
  const drift = [
    ...[...expected.keys()].filter((f) => !actual.has(f)).map((f) => `  missing: ${out}/${f}`),
    ...[...actual.keys()].filter((f) => !expected.has(f)).map((f) => `  extra:   ${out}/${f}`),
    ...[...expected]
      .filter(([f, text]) => actual.has(f) && actual.get(f) !== text)
      .map(([f]) => `  stale:   ${out}/${f}`),
  ];
  if (drift.length) {
    console.error(
      `check: ${out}/ does not match the spec; run \`npm run generate\` and commit the result.\n${drift.join("\n")}`,
    );
    process.exitCode = 1;
  } else {
    console.log(`check: ${out}/ is up to date (${expected.size} files).`);
  }
} catch (error) {
  fail("check: could not regenerate.", error);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

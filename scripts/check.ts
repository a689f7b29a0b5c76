// npm run check: regenerates into a temporary folder and fails, naming the files, if generated/ is
// stale, or if a YAML file in the spec's folder is reached by no $ref (a split spec's forgotten file:
// edits to it would change nothing). It never writes to the working tree.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fail, readArgs } from "./lib/cli.js";
import { runPipeline } from "./lib/pipeline.js";
import { loadSpec } from "./lib/spec.js";
import { readFolder, writeFolderAtomically } from "./lib/write.js";

const { specPath, outDir, configPath } = readArgs();
const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const out = relative(process.cwd(), outDir) || ".";
const scratch = mkdtempSync(join(tmpdir(), "composio-check-"));
try {
  const spec = loadSpec(specPath);
  const specVersion = String(spec.doc.info?.version);
  const reached = new Set(spec.files.map((f) => f.path));
  const specDir = dirname(specPath);
  const unreached = readdirSync(specDir, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.ya?ml$/i.test(name))
    .map((name) => resolve(specDir, name))
    .filter((path) => !reached.has(path))
    .sort();
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
  const problems = drift.length
    ? [`${out}/ does not match the spec; run \`npm run generate\` and commit the result.`, ...drift]
    : [];
  if (unreached.length) {
    problems.push(
      `no $ref from ${spec.file} reaches these files; refer to them or delete them:`,
      ...unreached.map((path) => `  unused:  ${relative(process.cwd(), path)}`),
    );
  }
  if (specPath.endsWith("spec/openapi.yaml") && specVersion !== version) {
    // The one link between the two: package.json leads, `npm run release:version` writes the spec.
    problems.push(
      `spec info.version ${specVersion} ≠ package.json version ${version}; run \`npm run release:version\`.`,
    );
  }
  if (problems.length) {
    console.error(`check: ${problems.join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log(
      `check: ${out}/ is up to date (${expected.size} files), and the spec's version is package.json's.`,
    );
  }
} catch (error) {
  fail("check: could not regenerate.", error);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// npm run check: what CI checks, without a build. It regenerates into a temporary folder and fails,
// naming the files, if generated/ is stale, or if a YAML file in the spec's folder is reached by no
// $ref (a split spec's forgotten file: edits to it would change nothing). On the repository's own
// tree (the default --spec and --out) it also reports the public API with no build
// (scripts/release/api-surface.ts, the reports `npm run check:api` makes from dist/; cached by a
// hash of src/, generated/ and the settings) and fails when api/*.api.md is stale, and runs the
// code checks of CI (prettier, oxlint, tsc and the ReDoS check, CODE_CHECKS) and the fast tests
// written from the spec (SPEC_SUITES in vitest.config.ts), which a spec edit can turn red.
// It rates every change since the last release (api/released/): the spec's with Redocly's diff and
// our rules, the public API's from that fresh report, and fails when the pending changesets ask for
// a smaller bump than the larger rating needs (scripts/release/gate.ts). It compares the spec with
// Composio's own description pinned in api/upstream/ (scripts/upstream/pinned.ts): it fails on a
// difference neither fixed nor recorded as deliberate, on a stale record, and while a pull of a
// changed description is pending (it lists Composio's changes, rated). It never writes to the
// working tree.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { rateApi, readReports } from "./release/api-rating.js";
import { reportWorkingTree, staleReports } from "./release/api-surface.js";
import { fail, readArgs, runNode } from "./lib/cli.js";
import { gate, readChangesets } from "./release/gate.js";
import { runPipeline } from "./lib/pipeline.js";
import { readRelease, RELEASED_DIR } from "./release/release.js";
import { loadSpec, type Schema } from "./lib/spec.js";
import { rateSpec } from "./release/spec-rating.js";
import { upstreamReport } from "./upstream/pinned.js";
import { readFolder, writeFolderAtomically } from "./lib/write.js";
import { SPEC_SUITES } from "../vitest.config.js";

const require = createRequire(import.meta.url);
const prettier = require.resolve("prettier/bin/prettier.cjs");
const oxlint = join(dirname(require.resolve("oxlint/package.json")), "bin/oxlint");
const tsx = require.resolve("tsx/cli");
const tsc = require.resolve("typescript/bin/tsc");
const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
/** tsc's record of its last run: outside the tree (the check writes nothing there), one per checkout. */
const tscRecord = join(
  tmpdir(),
  `composio-check-tsc-${createHash("sha256").update(process.cwd()).digest("hex").slice(0, 12)}.tsbuildinfo`,
);

/** CI's checks of the hand-written code that need no build, each a node CLI run in a child process
 * beside the regeneration, with the command that fixes what it finds. */
const CODE_CHECKS = [
  // --cache (in node_modules/.cache): only files changed since the last run are read again.
  {
    name: "prettier",
    args: [prettier, "--check", "--cache", "--log-level=warn", "."],
    fix: "npm run format",
  },
  // Type-aware (.oxlintrc.json): floating promises, unused code, import cycles. No auto-fix for
  // these: the message names the file, line and rule.
  { name: "oxlint", args: [oxlint], fix: "npm run lint:code, then fix what it names" },
  // The type check `npm test` starts with: a spec change that regenerates generated/ can break
  // hand-written code compiled against it (a table keyed by a generated union, in src/ or test/),
  // which nothing else here compiles. Incremental: a second run re-checks only what changed.
  {
    name: "tsc",
    args: [tsc, "-p", ".", "--incremental", "--tsBuildInfoFile", tscRecord],
    fix: "npm run typecheck, then fix what it names",
  },
  // recheck's proof that every regular expression in src/ and generated/ runs in linear time.
  {
    name: "lint:regex",
    args: [tsx, "scripts/lint-regex.ts"],
    fix: "npm run lint:regex, then rewrite the patterns it names",
  },
  // The tests written from the spec (vitest.config.ts, SPEC_SUITES): its hand-read facts and the
  // fake's coverage of it. Following Composio in the spec (a status, a scheme, a filter) turns them
  // red where tsc sees nothing; `npm test` would say so minutes later. A tree without them (a copy
  // of the package with no test/) skips this.
  {
    name: "the spec's tests",
    args: [
      vitest,
      "run",
      "--project",
      "fast",
      "--reporter=dot",
      ...SPEC_SUITES.filter((file) => existsSync(file)),
    ],
    skip: !SPEC_SUITES.some((file) => existsSync(file)),
    fix: "npx vitest run <the file named>; update what it pins, or the fake, as CONTRIBUTING's step 3 of 'When Composio changes the API' says",
  },
];

const { specPath, outDir, configPath, upstreamDir } = readArgs();
// --spec and --out check another spec or folder against the generator; the API surface and the
// code checks are of this repository's tree.
const ownTree = specPath === resolve("spec/openapi.yaml") && outDir === resolve("generated");
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
  // Redocly's diff runs in a child process while the pipeline regenerates.
  const release = readRelease();
  const specRating = release
    ? rateSpec(release.spec, JSON.parse(JSON.stringify(spec.doc)) as Schema, configPath)
    : undefined;
  specRating?.catch(() => {});
  // A broken upstream folder is one more problem to name, not a failure to regenerate.
  const upstream = upstreamReport({ specPath, dir: upstreamDir }).catch((error: Error) => ({
    ok: false,
    text: `upstream: ${error.message}`,
  }));
  const codeChecks = Promise.all(
    (ownTree ? CODE_CHECKS.filter((c) => !c.skip) : []).map(async ({ name, args, fix }) => {
      const { code, stdout, stderr } = await runNode(args);
      return code === 0 ? undefined : `${name} failed; run \`${fix}\`:\n${(stderr + stdout).trim()}`;
    }),
  );
  codeChecks.catch(() => {});
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
  // The public API as `npm run check:api` reports it from dist/, from src/ and generated/ directly.
  const committedReports = readReports("api");
  const reports = ownTree ? await reportWorkingTree() : committedReports;
  const staleApi = staleReports(reports, committedReports);
  if (staleApi.length) {
    problems.push(
      `the public API no longer matches ${staleApi.join(", ")}; run \`npm run api:update\` (after the changeset the rating below asks for) and commit the result.`,
    );
  }
  let rating = "";
  if (!release) {
    problems.push(
      `no release is recorded in ${RELEASED_DIR}/ to rate the changes against; run \`npm run release:record -- --from <git ref of the last release>\`.`,
    );
  } else {
    const verdict = gate({
      spec: await specRating!,
      api: rateApi(release.reports, reports),
      changesets: readChangesets(),
      version,
      released: release.version,
    });
    if (verdict.ok) rating = `\n${verdict.text}`;
    else problems.push(verdict.text);
  }
  for (const problem of await codeChecks) if (problem) problems.push(problem);
  const compared = await upstream;
  if (compared.ok) rating += `\n${compared.text}`;
  else problems.push(compared.text);
  if (problems.length) {
    console.error(`check: ${problems.join("\n")}`);
    process.exitCode = 1;
  } else {
    console.log(
      `check: ${out}/ is up to date (${expected.size} files)${ownTree ? `, api/*.api.md is the public API, the code is formatted and lint-free` : ""}, and the spec's version is package.json's.${rating}`,
    );
  }
} catch (error) {
  fail("check: could not regenerate.", error);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

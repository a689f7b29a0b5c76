// npm run check: what CI checks, without a build. It regenerates in memory and fails,
// naming the files, if generated/ is stale, or if a YAML file in the spec's folder is reached by no
// $ref (a split spec's forgotten file: edits to it would change nothing). On the repository's own
// tree (the default --spec and --out) it also reports the public API with no build
// (scripts/release/api-surface.ts, the reports `npm run check:api` makes from dist/; cached by a
// hash of src/, generated/ and the settings) and fails when api/*.api.md is stale, and runs the
// code checks of CI (prettier, oxlint, tsc and the ReDoS check, CODE_CHECKS) and the tests
// written from the spec (SPEC_SUITES in vitest.config.ts), which a spec edit can turn red.
// It rates every change since the last release (api/released/): the spec's with Redocly's diff and
// our rules, the public API's from that fresh report, and fails when the pending changesets ask for
// a smaller bump than the larger rating needs (scripts/release/gate.ts). It compares the spec with
// Composio's own description pinned in api/upstream/ (scripts/upstream/pinned.ts): it fails on a
// difference neither fixed nor recorded as deliberate, on a stale record, and while a pull of a
// changed description is pending (it lists Composio's changes, rated). It never writes to the
// working tree. Every step is skipped while what it reads is unchanged since it last passed
// (scripts/lib/step-cache.ts, kept in node_modules/.cache/composio-check/); --timings prints when
// each ended and which were reused.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { rateApi, readReports } from "./release/api-rating.js";
import { reportDeclarations, reportWorkingTree, staleReports } from "./release/api-surface.js";
import { fail, formatTimings, readArgs, runNode } from "./lib/cli.js";
import { gate, readChangesets } from "./release/gate.js";
import { runPipeline } from "./lib/pipeline.js";
import { readRelease, RELEASED_DIR } from "./release/release.js";
import { loadSpec, type Schema } from "./lib/spec.js";
import { rateSpec } from "./release/spec-rating.js";
import { upstreamReport } from "./upstream/pinned.js";
import { readFolder } from "./lib/write.js";
import { hashTree, importClosure, READS, stepCache, stepKey } from "./lib/step-cache.js";
import { SPEC_SUITES } from "../vitest.config.js";

const require = createRequire(import.meta.url);
const prettier = require.resolve("prettier/bin/prettier.cjs");
const oxlint = join(dirname(require.resolve("oxlint/package.json")), "bin/oxlint");
const tsc = require.resolve("typescript/bin/tsc");
const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
/** Where the check keeps what it remembers (scripts/lib/step-cache.ts): never in the tree. A test
 * that checks a copy of the tree sets COMPOSIO_CHECK_CACHE to a folder of its own. */
const cacheDir = resolve(
  process.env.COMPOSIO_CHECK_CACHE ?? join("node_modules", ".cache", "composio-check"),
);
/** tsc's record of its last run and the declarations it emits (the API report reads them), with the
 * key of the inputs they were made from. Not under node_modules/: API Extractor takes every file
 * there for a package's, and would report the declarations as imports. So in the OS temporary
 * folder, one per cache folder, unless the cache folder is elsewhere. */
const tscDir = /[\\/]node_modules[\\/]/.test(cacheDir)
  ? join(tmpdir(), `composio-check-${createHash("sha256").update(cacheDir).digest("hex").slice(0, 12)}`)
  : join(cacheDir, "tsc-emit");
const declarations = join(tscDir, "dts");
const declarationsKey = join(tscDir, "dts.key");

/** CI's checks of the hand-written code that need no build, each a node CLI run in a child process
 * beside the regeneration (lint:regex in this process), with the command that fixes what it finds
 * and the files it reads (a pass is reused while they are unchanged). */
const CODE_CHECKS = [
  // --cache (in node_modules/.cache): only files changed since the last run are read again.
  {
    name: "prettier",
    args: [prettier, "--check", "--cache", "--log-level=warn", "."],
    fix: "npm run format",
    reads: READS.everything,
  },
  // Type-aware (.oxlintrc.json): floating promises, unused code, import cycles. No auto-fix for
  // these: the message names the file, line and rule.
  { name: "oxlint", args: [oxlint], fix: "npm run lint:code, then fix what it names", reads: READS.code },
  // The type check `npm test` starts with: a spec change that regenerates generated/ can break
  // hand-written code compiled against it (a table keyed by a generated union, in src/ or test/),
  // which nothing else here compiles. Incremental: a second run re-checks only what changed.
  {
    name: "tsc",
    args: [
      tsc,
      "-p",
      ".",
      "--incremental",
      "--tsBuildInfoFile",
      join(tscDir, "tsc.tsbuildinfo"),
      // The declarations API Extractor reports the public API from: emitted with the check, and
      // only for what changed, so the report is redone only when a declaration changed.
      "--noEmit",
      "false",
      "--declaration",
      "--emitDeclarationOnly",
      "--outDir",
      declarations,
    ],
    fix: "npm run typecheck, then fix what it names",
    reads: READS.code,
  },
  // recheck's proof that every regular expression in src/ and generated/ runs in linear time: in this
  // process (lintRegexes), which idles while the children work.
  {
    name: "lint:regex",
    args: [],
    fix: "npm run lint:regex, then rewrite the patterns it names",
    reads: READS.regex,
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
    // What they import and read (READS.specTests): an edit of another test, or of a script they do
    // not import, leaves their pass as it was.
    reads: (name: string) => READS.specTests(specTestImports)(name),
  },
];

const startup = performance.now();
const { specPath, outDir, configPath, upstreamDir, timings: showTimings } = readArgs();
/** --timings: when each phase ended, from the process's start (the phases overlap). */
const timings: [string, number][] = [["startup", startup]];
const timed = <T>(phase: string, work: Promise<T>): Promise<T> =>
  work.finally(() => timings.push([phase, performance.now()]));
// --spec and --out check another spec or folder against the generator; the API surface and the
// code checks are of this repository's tree.
const ownTree = specPath === resolve("spec/openapi.yaml") && outDir === resolve("generated");
const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const out = relative(process.cwd(), outDir) || ".";
/** The modules the spec's tests import, vitest's settings included (the key of their step): found
 * by esbuild, a child process, while this one reads the tree. */
const specTestImporting = ownTree
  ? importClosure([...SPEC_SUITES.filter((file) => existsSync(file)), "vitest.config.ts"])
  : undefined;
let specTestImports: Set<string> | undefined;
const cache = stepCache(cacheDir);
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
  // Each step below is skipped when what it reads is as it was at its last pass (scripts/lib/step-cache.ts).
  const tree = hashTree(process.cwd());
  const specFiles = spec.files.flatMap((f) => [f.path, f.text]);
  const config = readFileSync(configPath, "utf8");
  specTestImports = await specTestImporting;
  // The code checks start first: child processes, on the other core while this one works.
  const passed = (result: { code: number | null }) => result.code === 0;
  const keys = new Map<string, string>();
  const checked = new Map(
    (ownTree ? CODE_CHECKS.filter((check) => !("skip" in check && check.skip)) : []).map(
      ({ name, args, fix, reads }) => {
        const key = stepKey(tree, reads, args);
        keys.set(name, key);
        // tsc's pass is reused only with the declarations it emitted for these inputs.
        if (name === "tsc" && !declarationsOf(key)) cache.forget(name, key);
        const run = async () => {
          if (name === "lint:regex") return lintRegexes();
          if (name !== "tsc") return runNode(args);
          mkdirSync(tscDir, { recursive: true });
          rmSync(declarationsKey, { force: true });
          const result = await runNode(args);
          writeFileSync(declarationsKey, key);
          return result;
        };
        const result = timed(name, cache.remember(name, key, run, passed));
        return [
          name,
          result.then(({ code, stdout, stderr }) =>
            code === 0 ? undefined : `${name} failed; run \`${fix}\`:\n${(stderr + stdout).trim()}`,
          ),
        ] as const;
      },
    ),
  );
  const codeChecks = Promise.all(checked.values());
  codeChecks.catch(() => {});
  // Redocly's diff runs in a child process while the pipeline regenerates.
  const release = readRelease();
  const working = JSON.parse(JSON.stringify(spec.doc)) as Schema;
  const specRating = release
    ? timed(
        "spec rating",
        cache.remember(
          "spec-rating",
          stepKey(tree, READS.scripts, [JSON.stringify(release.spec), JSON.stringify(working), config]),
          () => rateSpec(release.spec, working, configPath),
          () => true,
        ),
      )
    : undefined;
  specRating?.catch(() => {});
  // A broken upstream folder is one more problem to name, not a failure to regenerate.
  const upstreamFiles = [...hashTree(upstreamDir)].flat();
  const upstream = timed(
    "upstream",
    cache.remember(
      "upstream",
      stepKey(tree, READS.scripts, [...specFiles, upstreamDir, ...upstreamFiles]),
      () => upstreamReport({ specPath, dir: upstreamDir }),
      (report) => report.ok,
    ),
  ).catch((error: Error) => ({ ok: false, text: `upstream: ${error.message}` }));
  // The generated files as the spec makes them now; lint included (only a pass is kept).
  const expected = new Map(
    await timed(
      "regenerate",
      cache.remember(
        "regenerate",
        stepKey(tree, READS.scripts, [specPath, ...specFiles, config]),
        async () => [...(await runPipeline({ specPath, configPath })).files],
        () => true,
      ),
    ),
  );
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
  // The report waits for the tsc step: it reads the declarations tsc emits.
  const reports = ownTree
    ? await timed(
        "api report",
        checked.get("tsc")!.then(() => reportFromDeclarations(keys.get("tsc")!, tree)),
      )
    : committedReports;
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
  if (showTimings) {
    const reused = cache.reused.length ? cache.reused.join(", ") : "none";
    console.log(`check: when each step ended (reused, unchanged: ${reused})\n${formatTimings(timings)}`);
  }
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
}

/** Whether the declarations in tscDir are those of the tsc step's inputs `key`. */
function declarationsOf(key: string): boolean {
  return existsSync(declarationsKey) && readFileSync(declarationsKey, "utf8") === key;
}

/**
 * The working tree's API reports, from the declarations the tsc step emitted, reused while they and
 * what else the report reads are unchanged (a change inside a function body leaves them as they
 * were). When those declarations are not the ones of this tree (another run's, or gone), it reports
 * as `npm run changeset:suggest` does, emitting its own.
 */
async function reportFromDeclarations(
  tscKey: string,
  tree: Map<string, string>,
): Promise<Map<string, string>> {
  if (!declarationsOf(tscKey)) return reportWorkingTree();
  const emitted = [...hashTree(declarations)].filter(([name]) => /^(src|generated)\//.test(name)).flat();
  const root = process.cwd();
  const declarationOf = (_tree: string, source: string) =>
    join(declarations, source.replace(/\.ts$/, ".d.ts"));
  const reports = await cache.remember(
    "api-report",
    stepKey(tree, READS.apiReport, [declarations, ...emitted]),
    async () => [...(await reportDeclarations([root], declarationOf)).get(root)!],
    () => true,
  );
  return new Map(reports);
}

/** What `npm run lint:regex` finds, as its output and exit code. */
async function lintRegexes(): Promise<{ code: number; stdout: string; stderr: string }> {
  const { checkPackageRegexes, problemLine } = await import("./lib/regex-safety.js");
  const { problems } = await checkPackageRegexes(process.cwd());
  return { code: problems.length ? 1 : 0, stdout: "", stderr: problems.map(problemLine).join("\n") };
}

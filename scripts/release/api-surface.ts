// API Extractor's report of one or more source trees (each a folder with src/ and generated/), with
// no build: TypeScript emits the declarations of every tree in one program, and API Extractor reads
// them with one compiler state. This is what `npm run changeset:suggest` rates the working tree
// with, and what the rating tests rate each seeded spec with. Its reports are the same bytes as
// `npm run check:api`'s (from tsup's declarations), made with the same settings.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONSUMER_COMPILER_OPTIONS } from "../package/consumer.js";

/** The entry points of the package and the name of each one's report (api/<report>.api.md). */
export const ENTRIES = [
  { source: "src/index.ts", report: "composio-connected-accounts" },
  { source: "src/validate.ts", report: "composio-connected-accounts-validate" },
  { source: "src/raw.ts", report: "composio-connected-accounts-raw" },
  { source: "src/testing.ts", report: "composio-connected-accounts-testing" },
] as const;

/** API Extractor's messages as scripts/api-report.ts sets them: everything exported is public, and
 * openapi-typescript's members carry no docs to check. */
export async function reportMessages() {
  const { ExtractorLogLevel } = await import("@microsoft/api-extractor");
  return {
    extractorMessageReporting: {
      "ae-undocumented": { logLevel: ExtractorLogLevel.None },
      default: { logLevel: ExtractorLogLevel.Warning },
      "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
    },
    tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
  };
}

/**
 * The reports of each tree: tree → report name → the report's text. `root` is the package (its
 * package.json names the package in the reports).
 */
export async function reportTrees(
  trees: string[],
  root = process.cwd(),
  entries: readonly (typeof ENTRIES)[number][] = ENTRIES,
): Promise<Map<string, Map<string, string>>> {
  const ts = (await import("typescript")).default;
  const scratch = mkdtempSync(join(tmpdir(), "composio-api-surface-"));
  try {
    const dts = join(scratch, "dts");
    // One program for every tree: the libraries and lib.dom are read and checked once.
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    );
    const rootNames = trees.flatMap((tree) => entries.map((e) => resolve(tree, e.source)));
    const program = ts.createProgram(rootNames, {
      ...config?.options,
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      declarationMap: false,
      sourceMap: false,
      outDir: dts,
      rootDir: "/",
    });
    const emitted = program.emit();
    // Declarations need no full type-check (tsc -p . does that): only what stops their emit counts.
    const errors = [
      ...program.getSyntacticDiagnostics(),
      ...program.getOptionsDiagnostics(),
      ...emitted.diagnostics,
    ].filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) {
      throw new Error(
        `api surface: TypeScript found errors:\n${ts.formatDiagnostics(errors.slice(0, 10), {
          getCanonicalFileName: (f) => f,
          getCurrentDirectory: () => root,
          getNewLine: () => "\n",
        })}`,
      );
    }
    const declarationOf = (tree: string, source: string) =>
      join(dts, relative("/", resolve(tree, source))).replace(/\.ts$/, ".d.ts");
    return await reportDeclarations(trees, declarationOf, root, entries);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * API Extractor's reports from declarations already emitted (by reportTrees, or by `npm run check`'s
 * tsc): `declarationOf(tree, source)` is the `.d.ts` of each entry's source.
 */
export async function reportDeclarations(
  trees: string[],
  declarationOf: (tree: string, source: string) => string,
  root = process.cwd(),
  entries: readonly (typeof ENTRIES)[number][] = ENTRIES,
): Promise<Map<string, Map<string, string>>> {
  const { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel } =
    await import("@microsoft/api-extractor");
  const scratch = mkdtempSync(join(tmpdir(), "composio-api-reports-"));
  try {
    const messages = await reportMessages();
    const prepare = (tree: string, entry: (typeof ENTRIES)[number], folder: string) =>
      ExtractorConfig.prepare({
        configObject: {
          projectFolder: root,
          mainEntryPointFilePath: declarationOf(tree, entry.source),
          compiler: { overrideTsconfig: { compilerOptions: CONSUMER_COMPILER_OPTIONS } },
          apiReport: {
            enabled: true,
            reportFileName: entry.report,
            reportFolder: folder,
            reportTempFolder: folder,
          },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages,
        },
        configObjectFullPath: undefined,
        packageJsonFullPath: join(root, "package.json"),
      });
    const first = prepare(trees[0]!, entries[0]!, scratch);
    const compilerState = CompilerState.create(first, {
      additionalEntryPoints: trees.flatMap((tree) => entries.map((e) => declarationOf(tree, e.source))),
    });
    const out = new Map<string, Map<string, string>>();
    trees.forEach((tree, i) => {
      const reports = new Map<string, string>();
      for (const entry of entries) {
        const folder = join(scratch, "reports", String(i));
        mkdirSync(folder, { recursive: true });
        const problems: string[] = [];
        Extractor.invoke(prepare(tree, entry, folder), {
          localBuild: false,
          compilerState,
          messageCallback: (message) => {
            if (
              !message.messageId.startsWith("console-api-report") &&
              (message.logLevel === ExtractorLogLevel.Warning || message.logLevel === ExtractorLogLevel.Error)
            )
              problems.push(message.formatMessageWithLocation(root));
            message.handled = true;
          },
        });
        if (problems.length)
          throw new Error(`${entry.source}: API Extractor found problems:\n${problems.join("\n")}`);
        // tsc keeps `import type` where tsup's bundled declarations say `import`: the only difference.
        const text = readFileSync(join(folder, `${entry.report}.api.md`), "utf8");
        reports.set(`${entry.report}.api.md`, text.replace(/^import type \{/gm, "import {"));
      }
      out.set(tree, reports);
    });
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The reports of the working tree `root`, as reportTrees makes them, kept in
 * node_modules/.cache/composio-api-surface/ under a hash of all they are made from (src/,
 * generated/, tsconfig.json, package.json, the lockfile, the code that makes them): `npm run check`
 * run again with the same public API skips seconds of TypeScript work. One entry is kept.
 */
export async function reportWorkingTree(
  root = process.cwd(),
  make = async (tree: string) => (await reportTrees([tree], tree)).get(tree)!,
): Promise<Map<string, string>> {
  const cache = join(root, "node_modules", ".cache", "composio-api-surface");
  const file = join(cache, `${reportInputsHash(root)}.json`);
  if (existsSync(file)) {
    try {
      return new Map(JSON.parse(readFileSync(file, "utf8")) as [string, string][]);
    } catch {
      // A cut or garbled entry is made again.
    }
  }
  const reports = await make(root);
  // Best effort: two checks at once may clear the folder under each other; the next run makes it again.
  try {
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    writeFileSync(file, JSON.stringify([...reports]));
  } catch {
    // Nothing lost but time.
  }
  return reports;
}

/** sha256 over the names and bytes of every file the working tree's reports are made from. */
export function reportInputsHash(root: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const files = [
    ...["src", "generated"].flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
        .map((name) => join(root, dir, name))
        .filter((path) => /\.(ts|json)$/.test(path)),
    ),
    ...["tsconfig.json", "package.json", "package-lock.json"].map((name) => join(root, name)),
    join(here, "api-surface.ts"),
    join(here, "../package/consumer.ts"),
  ];
  const hash = createHash("sha256");
  for (const path of files.filter((f) => existsSync(f)).sort())
    hash.update(relative(root, path)).update("\0").update(readFileSync(path)).update("\0");
  return hash.digest("hex");
}

/** The reports of `dir` that differ from `current` (missing or extra ones included): `dir/<file>`. */
export function staleReports(
  current: Map<string, string>,
  committed: Map<string, string>,
  dir = "api",
): string[] {
  return [...new Set([...current.keys(), ...committed.keys()])]
    .filter((file) => current.get(file) !== committed.get(file))
    .sort()
    .map((file) => `${dir}/${file}`);
}

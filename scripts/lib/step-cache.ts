// What `npm run check` remembers between runs, so that a part whose inputs did not change is not
// redone: each step's result is kept in node_modules/.cache/composio-check/<step>/<key>.json (never
// in the tree), its key a sha256 of everything the step reads; the newest few per step are kept. A result is reused only when that hash is the
// same; what a step keeps is its caller's choice (a check keeps only a pass: a failure is always
// run again, so a cache can never hide one).
import { createHash, randomBytes } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join, relative, sep } from "node:path";

/** Folders no step reads: installed packages (the lockfile stands for them), git, build output. */
const SKIPPED = new Set(["node_modules", ".git", "dist", "coverage", "test-results", ".bench"]);

/** Every file under `root` but SKIPPED folders: its path (relative, `/`-separated) → sha256. */
export function hashTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(path);
      } else if (entry.isFile()) {
        const name = relative(root, path).split(sep).join("/");
        out.set(name, createHash("sha256").update(readFileSync(path)).digest("hex"));
      }
    }
  };
  walk(root);
  return out;
}

/** What each step of the check reads from the tree (besides what `stepKey`'s `extra` names). */
export const READS = {
  /** The installed packages, through the lockfile: every step reads them. */
  dependencies: (name: string) => name === "package.json" || name === "package-lock.json",
  /** prettier: every file it formats. */
  everything: () => true,
  /** tsc and oxlint: code, and JSON (configs: tsconfig.json, .oxlintrc.json; imported data). */
  code: (name: string) => /\.([cm]?[jt]sx?|json)$/.test(name),
  /** The ReDoS check: the package's code and the check itself. */
  regex: (name: string) => /^(src|generated|scripts)\//.test(name),
  /** The generator, the spec's rating and the upstream comparison: the scripts (and prettier's
   * settings, for the generator); the spec itself goes in as `extra`, wherever it is. */
  scripts: (name: string) => name.startsWith("scripts/") || name.startsWith(".prettierrc"),
  /** The tests written from the spec: the modules they import (`imports`, from importClosure), the
   * spec and the test fixtures they read, and the settings and data beside the code (the files at
   * the root but the docs, and JSON). Without `imports` (esbuild could not follow them): all code. */
  specTests:
    (imports: Set<string> | undefined) =>
    (name: string): boolean =>
      imports
        ? imports.has(name) ||
          /^(spec|test\/fixtures)\//.test(name) ||
          (!name.includes("/") && !name.endsWith(".md")) ||
          name.endsWith(".json")
        : READS.code(name) || name.startsWith("spec/"),
  /** The API report, besides the declarations tsc emitted. */
  apiReport: (name: string) =>
    ["tsconfig.json", "scripts/release/api-surface.ts", "scripts/package/consumer.ts"].includes(name),
};

/** A step's key: the node version, the folder it runs in, the files of `tree` that `reads` picks and
 * the dependencies (names and contents), and `extra` (what a step reads from elsewhere: a spec
 * outside the tree, its options). */
export function stepKey(
  tree: Map<string, string>,
  reads: (name: string) => boolean,
  extra: readonly string[] = [],
): string {
  const hash = createHash("sha256").update(`${process.version}\0${process.cwd()}\0`);
  const read = (name: string) => reads(name) || READS.dependencies(name);
  for (const name of [...tree.keys()].filter(read).sort()) hash.update(`${name}\0${tree.get(name)}\0`);
  for (const part of extra) hash.update(`${part}\0`);
  return hash.digest("hex");
}

/**
 * The files of the tree `root` that `entries` import, themselves included, transitively: static and
 * dynamic imports of relative paths, resolved by esbuild as node and tsc do (`./x.js` is `./x.ts`);
 * packages stand in the lockfile. Not what a test imports only inside a child process's script
 * text. Undefined when esbuild cannot follow them (a syntax error: the step runs and says so).
 */
export async function importClosure(
  entries: string[],
  root = process.cwd(),
): Promise<Set<string> | undefined> {
  const { build } = await import("esbuild");
  try {
    const { metafile } = await build({
      absWorkingDir: root,
      entryPoints: entries,
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outdir: "unwritten",
      logLevel: "silent",
    });
    return new Set(Object.keys(metafile.inputs));
  } catch {
    return undefined;
  }
}

export interface StepCache {
  /** The step's result kept under `key`, or `run()`'s, kept when `keep` says so. */
  remember<T>(step: string, key: string, run: () => Promise<T>, keep: (value: T) => boolean): Promise<T>;
  /** Drops the result kept under `key`: the next `remember` runs the step. */
  forget(step: string, key: string): void;
  /** The steps whose kept result was reused, in the order they were asked for. */
  reused: string[];
}

/** Results kept per step: the last few, so that undoing an edit finds the result from before it. */
const KEPT = 4;

export function stepCache(dir: string): StepCache {
  const reused: string[] = [];
  const folderOf = (step: string) => join(dir, step.replace(/[^\w.-]/g, "_"));
  return {
    reused,
    forget: (step, key) => rmSync(join(folderOf(step), `${key}.json`), { force: true }),
    async remember(step, key, run, keep) {
      const folder = folderOf(step);
      const file = join(folder, `${key}.json`);
      try {
        const value = JSON.parse(readFileSync(file, "utf8")).value;
        reused.push(step);
        utimesSync(file, new Date(), new Date());
        return value;
      } catch {
        // Nothing kept, or a cut or garbled entry: run the step.
      }
      const value = await run();
      if (keep(value)) {
        // Best effort, whole or not at all (a rename), then only the newest KEPT: nothing lost but time.
        const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
        try {
          mkdirSync(folder, { recursive: true });
          writeFileSync(temp, JSON.stringify({ value }));
          renameSync(temp, file);
          const entries = readdirSync(folder)
            .filter((name) => name.endsWith(".json"))
            .map((name) => ({ path: join(folder, name), at: statSync(join(folder, name)).mtimeMs }))
            .sort((a, b) => b.at - a.at);
          for (const { path } of entries.slice(KEPT)) rmSync(path, { force: true });
        } catch {
          rmSync(temp, { force: true });
        }
      }
      return value;
    },
  };
}

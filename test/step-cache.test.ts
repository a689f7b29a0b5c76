// What `npm run check` remembers between runs (scripts/lib/step-cache.ts): a step is skipped only
// while everything it reads is unchanged since it passed, a failure is never kept (so a cache cannot
// hide one), and a change to spec/ or src/ changes the key of every step that depends on it.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hashTree, importClosure, READS, stepCache, stepKey } from "../scripts/lib/step-cache.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "composio-step-cache-"));
  dirs.push(dir);
  return dir;
};

/** A tree like the repository's: one file in each place a step reads. */
function tree(): string {
  const root = scratch();
  const files: Record<string, string> = {
    "src/index.ts": "export const a = 1;\n",
    "generated/meta.ts": "export const b = 2;\n",
    "test/a.test.ts": "// a test\n",
    "test/spec.test.ts": 'import { a } from "../src/index.js";\nexport const read = a;\n',
    "test/fixtures/seed.md": "# read by a test\n",
    "scripts/check.ts": "// the check\n",
    "spec/openapi.yaml": "openapi: 3.1.0\n",
    "README.md": "# docs\n",
    "tsconfig.json": "{}\n",
    ".oxlintrc.json": "{}\n",
    "package.json": "{}\n",
    "package-lock.json": "{}\n",
    "node_modules/x/index.js": "installed\n",
    ".git/HEAD": "ref\n",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/** A step that counts its runs and passes or fails as told. */
function step(results: boolean[]) {
  let runs = 0;
  return {
    run: async () => ({ pass: results[runs++] ?? true }),
    runs: () => runs,
  };
}
const passed = (result: { pass: boolean }) => result.pass;

describe("the check's step cache", () => {
  it("reuses a pass while the key is the same, and runs again when it changes", async () => {
    const cache = stepCache(scratch());
    const counted = step([true, true]);
    expect(await cache.remember("tsc", "k1", counted.run, passed)).toEqual({ pass: true });
    expect(await cache.remember("tsc", "k1", counted.run, passed)).toEqual({ pass: true });
    expect(counted.runs()).toBe(1);
    expect(cache.reused).toEqual(["tsc"]);
    await cache.remember("tsc", "k2", counted.run, passed);
    expect(counted.runs()).toBe(2);
  });

  it("never keeps a failure, nor a step that threw: each is run again", async () => {
    const cache = stepCache(scratch());
    const counted = step([false, false, true]);
    expect(await cache.remember("tsc", "k", counted.run, passed)).toEqual({ pass: false });
    expect(await cache.remember("tsc", "k", counted.run, passed)).toEqual({ pass: false });
    expect(await cache.remember("tsc", "k", counted.run, passed)).toEqual({ pass: true });
    expect(counted.runs()).toBe(3);
    const thrown = stepCache(scratch());
    await expect(
      thrown.remember(
        "x",
        "k",
        () => Promise.reject(new Error("no")),
        () => true,
      ),
    ).rejects.toThrow("no");
    expect(
      await thrown.remember(
        "x",
        "k",
        async () => 1,
        () => true,
      ),
    ).toBe(1);
    expect(thrown.reused).toEqual([]);
  });

  it("runs again when an entry is garbled, or forgotten", async () => {
    const dir = scratch();
    const cache = stepCache(dir);
    const counted = step([]);
    await cache.remember("tsc", "k", counted.run, passed);
    writeFileSync(join(dir, "tsc", "k.json"), '{"value":');
    await cache.remember("tsc", "k", counted.run, passed);
    expect(counted.runs()).toBe(2);
    cache.forget("tsc", "k");
    await cache.remember("tsc", "k", counted.run, passed);
    expect(counted.runs()).toBe(3);
    expect(cache.reused).toEqual([]);
  });

  it("keeps the newest few results per step: undoing an edit finds the one from before it", async () => {
    const dir = scratch();
    const cache = stepCache(dir);
    const counted = step([]);
    for (const key of ["a", "b", "c", "d", "e", "f"]) {
      await cache.remember("tsc", key, counted.run, passed);
      await new Promise((done) => setTimeout(done, 5)); // distinct modification times
    }
    expect(readdirSync(join(dir, "tsc")).sort()).toEqual(["c.json", "d.json", "e.json", "f.json"]);
    await cache.remember("tsc", "d", counted.run, passed);
    expect(counted.runs()).toBe(6);
  });
});

describe("the check's step keys", () => {
  const keys = async (root: string) => {
    const files = hashTree(root);
    const spec = [files.get("spec/openapi.yaml")!];
    const specTestImports = await importClosure(["test/spec.test.ts"], root);
    return {
      prettier: stepKey(files, READS.everything),
      tsc: stepKey(files, READS.code),
      regex: stepKey(files, READS.regex),
      regenerate: stepKey(files, READS.scripts, spec),
      apiReport: stepKey(files, READS.apiReport),
      specTests: stepKey(files, READS.specTests(specTestImports)),
    };
  };
  type Step = keyof Awaited<ReturnType<typeof keys>>;

  it("hash every file but installed packages and git's", () => {
    const root = tree();
    expect([...hashTree(root).keys()].sort()).toEqual([
      ".oxlintrc.json",
      "README.md",
      "generated/meta.ts",
      "package-lock.json",
      "package.json",
      "scripts/check.ts",
      "spec/openapi.yaml",
      "src/index.ts",
      "test/a.test.ts",
      "test/fixtures/seed.md",
      "test/spec.test.ts",
      "tsconfig.json",
    ]);
  });

  // The spec's tests (test/spec.test.ts here) read what they import, the spec and the fixtures.
  const cases: [file: string, changes: Step[]][] = [
    ["src/index.ts", ["prettier", "tsc", "regex", "specTests"]],
    ["generated/meta.ts", ["prettier", "tsc", "regex"]],
    ["test/a.test.ts", ["prettier", "tsc"]],
    ["test/spec.test.ts", ["prettier", "tsc", "specTests"]],
    ["test/fixtures/seed.md", ["prettier", "specTests"]],
    ["spec/openapi.yaml", ["prettier", "regenerate", "specTests"]],
    ["scripts/check.ts", ["prettier", "tsc", "regex", "regenerate"]],
    ["README.md", ["prettier"]],
    ["tsconfig.json", ["prettier", "tsc", "apiReport", "specTests"]],
    [".oxlintrc.json", ["prettier", "tsc", "specTests"]],
    ["package-lock.json", ["prettier", "tsc", "regex", "regenerate", "apiReport", "specTests"]],
    ["node_modules/x/index.js", []],
  ];
  it.each(cases)("a change to %s re-runs exactly %j", async (file, changes) => {
    const root = tree();
    const before = await keys(root);
    writeFileSync(join(root, file), "changed\n");
    const after = await keys(root);
    const changed = (Object.keys(before) as Step[]).filter((name) => before[name] !== after[name]);
    expect(changed).toEqual(changes);
  });

  it("a file added where a step reads changes its key", async () => {
    const root = tree();
    const before = await keys(root);
    writeFileSync(join(root, "src/new.ts"), "export {};\n");
    expect((await keys(root)).tsc).not.toBe(before.tsc);
  });

  it("the spec's tests read a module once one of them imports it, through the modules between", async () => {
    const root = tree();
    writeFileSync(join(root, "src/index.ts"), 'export { b as a } from "../generated/meta.js";\n');
    const before = await keys(root);
    writeFileSync(join(root, "generated/meta.ts"), "export const b = 3;\n");
    expect((await keys(root)).specTests).not.toBe(before.specTests);
  });

  it("the spec's tests read all code when esbuild cannot follow their imports", async () => {
    const root = tree();
    writeFileSync(join(root, "test/spec.test.ts"), "import { from;\n");
    expect(await importClosure(["test/spec.test.ts"], root)).toBeUndefined();
    const before = await keys(root);
    writeFileSync(join(root, "scripts/check.ts"), "// changed\n");
    expect((await keys(root)).specTests).not.toBe(before.specTests);
  });
});

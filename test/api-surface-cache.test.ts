// The working tree's API reports are cached by a hash of what they are made from: `npm run check`
// run again on an unchanged public API skips the TypeScript work, and any change to src/,
// generated/, the compiler settings or the lockfile makes them again. A temporary tree, and a
// counting stand-in for API Extractor.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { reportInputsHash, reportWorkingTree } from "../scripts/release/api-surface.js";

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), "composio-api-cache-"));
  trees.push(root);
  mkdirSync(join(root, "src/testing"), { recursive: true });
  mkdirSync(join(root, "generated"));
  writeFileSync(join(root, "src/index.ts"), "export const a = 1;\n");
  writeFileSync(join(root, "src/testing/fake.ts"), "export const b = 2;\n");
  writeFileSync(join(root, "generated/meta.ts"), "export const c = 3;\n");
  for (const file of ["tsconfig.json", "package.json", "package-lock.json"])
    writeFileSync(join(root, file), "{}\n");
  return root;
}

describe("the API reports' cache", () => {
  it("is keyed by src/, generated/, the compiler settings and the lockfile, not by anything else", () => {
    const root = tree();
    const before = reportInputsHash(root);
    writeFileSync(join(root, "README.md"), "# docs change nothing\n");
    mkdirSync(join(root, "test"));
    writeFileSync(join(root, "test/x.test.ts"), "// nor do tests\n");
    expect(reportInputsHash(root)).toBe(before);
    const changes: [string, string][] = [
      ["src/testing/fake.ts", "export const b = 3;\n"],
      ["generated/meta.ts", "export const c = 4;\n"],
      ["generated/manifest.json", "{}\n"],
      ["tsconfig.json", '{ "compilerOptions": {} }\n'],
      ["package-lock.json", '{ "lockfileVersion": 3 }\n'],
    ];
    const seen = new Set([before]);
    for (const [file, text] of changes) {
      writeFileSync(join(root, file), text);
      const now = reportInputsHash(root);
      expect(seen.has(now), file).toBe(false);
      seen.add(now);
    }
  });

  it("makes the reports once per state of the tree, keeps one entry, and makes a garbled one again", async () => {
    const root = tree();
    let made = 0;
    const make = async () => new Map([["x.api.md", `report ${++made}`]]);
    expect(await reportWorkingTree(root, make)).toEqual(new Map([["x.api.md", "report 1"]]));
    expect(await reportWorkingTree(root, make)).toEqual(new Map([["x.api.md", "report 1"]]));
    expect(made).toBe(1);
    writeFileSync(join(root, "src/index.ts"), "export const a = 2;\n");
    expect(await reportWorkingTree(root, make)).toEqual(new Map([["x.api.md", "report 2"]]));
    const cache = join(root, "node_modules/.cache/composio-api-surface");
    const entries = readdirSync(cache);
    expect(entries).toHaveLength(1);
    writeFileSync(join(cache, entries[0]!), '[["x.api.md", "cut sho');
    expect(await reportWorkingTree(root, make)).toEqual(new Map([["x.api.md", "report 3"]]));
    expect(await reportWorkingTree(root, make)).toEqual(new Map([["x.api.md", "report 3"]]));
    expect(made).toBe(3);
  });
});

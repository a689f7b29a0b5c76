// The rooms of the runtime: generated code imports one file of src/ (RUNTIME, named in the
// generator), and no file of src/ or generated/ reaches itself again through its imports — type
// imports included, since a circle of types is still a circle to read.
import { readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { RUNTIME } from "../scripts/lib/emit.js";

const ROOT = join(import.meta.dirname, "..");

/** Every .ts file under the folders, as root-relative posix paths, with its text. */
function readTree(folders: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of folders) {
    for (const entry of readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const path = join(entry.parentPath, entry.name);
      files.set(relative(ROOT, path).split("\\").join("/"), readFileSync(path, "utf8"));
    }
  }
  return files;
}

/**
 * Each file's relative imports (import, export … from, import type, dynamic import()), as the
 * files they name: `./x.js` is `x.ts`. Packages are left out: they cannot import us back.
 */
function importGraph(files: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const targets = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((ref) => ref.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => posix.join(posix.dirname(file), name).replace(/\.js$/, ".ts"));
    graph.set(file, targets);
  }
  return graph;
}

/** Every import circle, each as the files in order with the first one repeated at the end. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) return void found.push([...path.slice(at), file]);
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return found;
}

/** The src/ file generated code may import: RUNTIME, which the generator writes into its imports. */
const ALLOWED = posix.join("generated", RUNTIME).replace(/\.js$/, ".ts");

/** The generated files' imports of src/ files other than ALLOWED. */
function strayImports(graph: Map<string, string[]>): string[] {
  return [...graph]
    .filter(([file]) => file.startsWith("generated/"))
    .flatMap(([file, targets]) =>
      targets.filter((t) => t.startsWith("src/") && t !== ALLOWED).map((t) => `${file} imports ${t}`),
    );
}

describe("imports of src/ and generated/", () => {
  const graph = importGraph(readTree(["src", "generated"]));

  it("reads the tree it checks", () => {
    // A glob that found nothing would pass every check below.
    expect(graph.get("generated/resources.ts")).toContain("src/runtime.ts");
    expect(graph.get("src/index.ts")).toContain("generated/index.ts");
    expect(graph.size).toBeGreaterThan(20);
  });

  it("has no import circle", () => {
    expect(circles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  it("generated/ imports no file of src/ but the runtime the generator names", () => {
    expect(graph.has(ALLOWED)).toBe(true);
    expect(strayImports(graph)).toEqual([]);
  });

  it("names a circle of type imports, and a generated import of another src/ file", () => {
    // The circle this test was written against: runtime → errors → (a type) → runtime, and generated
    // code reaching past runtime.ts.
    const tree = new Map([
      [
        "src/runtime.ts",
        'import { ComposioError } from "./errors.js";\nexport { PagePromise } from "./pagination.js";',
      ],
      ["src/errors.ts", 'import type { ValidationIssue } from "./runtime.js";'],
      ["src/pagination.ts", 'import { ComposioError } from "./errors.js";'],
      [
        "generated/resources.ts",
        'import { pathParam } from "../src/runtime.js";\nimport("../src/errors.js");',
      ],
    ]);
    const bad = importGraph(tree);
    expect(circles(bad).map((c) => c.join(" → "))).toEqual([
      "src/runtime.ts → src/errors.ts → src/runtime.ts",
    ]);
    expect(strayImports(bad)).toEqual(["generated/resources.ts imports src/errors.ts"]);
  });
});

// Every relative link and `#anchor` of the repository's documents names a file that exists and, for
// a fragment, a heading of that file: moving a section or a file cannot leave a dead link behind.
// The packed README is stricter still (its links must name files the package ships): checked here
// against package.json's `files`, without a build, and by `npm run check:package` on the tarball.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codeBlocks, headingAnchors, linkTargets, relativeFile } from "../scripts/package/markdown.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (file: string) => readFileSync(join(root, file), "utf8");
const DOCUMENTS = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Each link of `file` (its text `markdown`) that does not resolve, as `file:line: target (why)`. */
function deadLinks(file: string, markdown = read(file)): string[] {
  const dead: string[] = [];
  for (const { target, line } of linkTargets(markdown)) {
    const hash = target.indexOf("#");
    const fragment = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const path = relativeFile(target);
    // An in-page `#x` names this file; a URL with a scheme names none (not checked: no network).
    const named = target.startsWith("#") ? file : path === undefined ? undefined : join(dirname(file), path);
    if (named === undefined) continue;
    if (!existsSync(join(root, named))) {
      dead.push(`${file}:${line}: ${target} (no file ${named})`);
    } else if (fragment !== undefined && named.endsWith(".md")) {
      if (!headingAnchors(read(named)).includes(fragment))
        dead.push(`${file}:${line}: ${target} (no heading #${fragment} in ${named})`);
    }
  }
  return dead;
}

describe("the documents' links", () => {
  it("are read from README.md, CONTRIBUTING.md and docs/*.md", () => {
    expect(DOCUMENTS).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/bench.md"]));
    // Each has links to check; none means the reading broke, not that the links went away.
    for (const file of DOCUMENTS) expect(linkTargets(read(file)).length, file).toBeGreaterThan(0);
  });

  it.each(DOCUMENTS)("%s: every relative link names a file, every #fragment a heading", (file) => {
    expect(deadLinks(file)).toEqual([]);
  });

  it("a dead file, a dead fragment and a dead in-page anchor are each reported; live ones are not", () => {
    const md = [
      "[a](nowhere.md) [b](../CONTRIBUTING.md#no-such-heading) [c](#nor-here)",
      "[d](#the-benchmark) [e](../CONTRIBUTING.md#the-maintainers-loop) [f](bench/chart.svg) [g](https://x.y/#z)",
    ].join("\n");
    expect(deadLinks("docs/README.md", md)).toEqual([
      "docs/README.md:1: nowhere.md (no file docs/nowhere.md)",
      "docs/README.md:1: ../CONTRIBUTING.md#no-such-heading (no heading #no-such-heading in CONTRIBUTING.md)",
      "docs/README.md:1: #nor-here (no heading #nor-here in docs/README.md)",
    ]);
  });
});

describe("README.md, the page npm shows", () => {
  const shipped = (JSON.parse(read("package.json")) as { files: string[] }).files;

  it("links only to files the package ships (package.json `files`): the rest are named as paths", () => {
    const outside = linkTargets(read("README.md")).flatMap(({ target, line }) => {
      const file = relativeFile(target);
      if (file === undefined) return [];
      const path = posix.normalize(file);
      const ships = shipped.some((entry) => path === entry || path.startsWith(`${entry}/`));
      return ships ? [] : [`README.md:${line}: ${target}`];
    });
    expect(outside).toEqual([]);
  });

  it("names CONTRIBUTING.md and docs/bench.md, which exist in the repository", () => {
    const readme = read("README.md");
    for (const file of ["CONTRIBUTING.md", "docs/bench.md"]) {
      expect(readme).toContain(`\`${file}\``);
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });
});

describe("CONTRIBUTING.md", () => {
  it("opens with the architecture: the folder tree and the pipeline's stages on the first screen", () => {
    const firstScreen = read("CONTRIBUTING.md").split("\n").slice(0, 45).join("\n");
    const tree = codeBlocks(firstScreen)[0]?.code ?? "";
    for (const folder of ["spec/", "scripts/", "generated/", "src/", "test/", "api/", "docs/", ".changeset/"])
      expect(tree, folder).toMatch(new RegExp(`^${folder.replace(".", "\\.")}`, "m"));
    expect(tree).toMatch(/^\.ci\/run/m);
    for (const stage of ["lint", "types", "helpers", "validator", "format"])
      expect(firstScreen, stage).toContain(`**${stage}**`);
  });

  it("its Scripts table names every npm script of package.json, and no other", () => {
    const scripts = Object.keys((JSON.parse(read("package.json")) as { scripts: object }).scripts);
    const table = read("CONTRIBUTING.md").split("\n## Scripts\n")[1] ?? "";
    const named = [...table.matchAll(/^\| `npm (?:run )?([\w:]+)`/gm)].map((m) => m[1]!);
    expect([...named].sort()).toEqual([...scripts].sort());
  });

  it("every folder the tree names exists", () => {
    const tree = codeBlocks(read("CONTRIBUTING.md"))[0]!.code;
    const top = [...tree.matchAll(/^(\.?[\w-]+\/|\.ci\/run|redocly\.yaml)/gm)].map((m) => m[1]!);
    expect(top.length).toBeGreaterThanOrEqual(10);
    for (const entry of top)
      expect(existsSync(join(root, entry)), relative(root, join(root, entry))).toBe(true);
  });
});

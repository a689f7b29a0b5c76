// The ReDoS check (`npm run lint:regex`, scripts/lib/regex-safety.ts): it finds the patterns with
// the TypeScript parser, fails on one recheck does not prove linear (naming file:line, the pattern,
// its complexity and an attack), and passes the package's own tree.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HANG_MS } from "./helpers/child.js";
import { ACCEPTED, checkRegexes, findPatterns, packageFiles } from "../scripts/lib/regex-safety.js";

const root = resolve(import.meta.dirname, "..");
const cacheDir = join(root, "node_modules/.cache/composio-regex-lint");
const scratch = mkdtempSync(join(tmpdir(), "regex-safety-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fixture file in the scratch folder, its path relative to it. */
function fixture(name: string, text: string): string {
  writeFileSync(join(scratch, name), text);
  return name;
}

describe("findPatterns", () => {
  it("finds literals, RegExp calls with known strings, and strings made patterns; not comments or strings", () => {
    const text = [
      'const SOURCE = "a+" + "b";',
      "// /(x+)+$/ in a comment is no pattern",
      'const note = "/(y+)+$/ in a string is none either";',
      "export const found = [/c*d/g, new RegExp(SOURCE, 'i'), RegExp(`e?`), 'x'.match(\"f{2}\"), 'x'.matchAll('g')];",
      "export const made = (s: string) => new RegExp(`^${s}$`);",
      "function f() { const S = 'a'; return new RegExp(S); } function g() { const S = '(b+)+'; return RegExp(S); }",
    ].join("\n");
    expect(findPatterns("f.ts", text).map(({ line, source, flags }) => [line, source, flags])).toEqual([
      [4, "c*d", "g"],
      [4, "a+b", "i"],
      [4, "e?", ""],
      [4, "f{2}", ""],
      [4, "g", "g"],
      [5, undefined, ""],
      // S is declared twice: which one a use means is not worked out here.
      [6, undefined, ""],
      [6, undefined, ""],
    ]);
  });
});

describe("checkRegexes", () => {
  it(
    "fails on a pattern that is not linear, naming file:line, the pattern, its complexity and an attack",
    async () => {
      const file = fixture(
        "bad.ts",
        [
          "export const fine = /^[a-z]+$/;",
          "export const trailing = / +;$/;",
          "export const nested = new RegExp('^(a+)+$');",
        ].join("\n"),
      );
      const { problems, checked } = await checkRegexes(scratch, [file], { accepted: [], dynamic: {} });
      expect(checked).toBe(3);
      expect(problems.map((p) => p.where)).toEqual(["bad.ts:2", "bad.ts:3"]);
      expect(problems[0]!.message).toMatch(
        /^\/ \+;\$\/ is not proved linear: 2nd degree polynomial; recheck's attack: ' '\.repeat\(/,
      );
      expect(problems[1]!.message).toMatch(
        /^\/\^\(a\+\)\+\$\/ is not proved linear: exponential; recheck's attack: /,
      );
    },
    HANG_MS,
  );

  it(
    "fails on a pattern made at run time unless DYNAMIC gives the patterns it makes, which are checked",
    async () => {
      const file = fixture("dynamic.ts", "export const made = (s: string) => new RegExp(`^${s}$`);\n");
      const none = await checkRegexes(scratch, [file], { accepted: [], dynamic: {} });
      expect(none.problems).toEqual([
        {
          where: "dynamic.ts:1",
          message: expect.stringMatching(/^new RegExp\(`\^\$\{s\}\$`\) is made at run time/) as string,
        },
      ]);
      const given = await checkRegexes(scratch, [file], {
        accepted: [],
        dynamic: { "dynamic.ts `^${s}$`": async () => [/^ok$/, /^(a|a)*$/] },
      });
      expect(given.checked).toBe(2);
      expect(given.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/^\/\^\(a\|a\)\*\$\/ is not proved/),
      ]);
    },
    HANG_MS,
  );

  it("takes an ACCEPTED pattern as it is, and fails on an entry whose pattern is gone", async () => {
    const file = fixture("accepted.ts", "export const trim = (s: string) => s.replace(/=+$/, '');\n");
    const reason = "a test";
    const kept = await checkRegexes(scratch, [file], {
      accepted: [{ file, source: "=+$", reason }],
      dynamic: {},
    });
    expect(kept).toEqual({ problems: [], checked: 0, accepted: 1 });
    const stale = await checkRegexes(scratch, [file], {
      accepted: [
        { file, source: "=+$", reason },
        { file, source: "gone+$", reason },
      ],
      dynamic: {},
    });
    expect(stale.problems).toEqual([
      { where: file, message: "ACCEPTED lists /gone+$/, which the file no longer has: remove the entry." },
    ]);
  });

  it(
    "passes the package's tree (src/ and generated/), each ACCEPTED entry with its reason",
    async () => {
      const files = packageFiles(root);
      expect(files).toContain("src/log.ts");
      expect(files).toContain("generated/meta.ts");
      const { problems, checked } = await checkRegexes(root, files, { cacheDir });
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(20);
      for (const entry of ACCEPTED) expect(entry.reason.length, entry.source).toBeGreaterThan(20);
    },
    HANG_MS,
  );

  it(
    "npm run lint:regex exits 1 on a file given, naming it",
    () => {
      const file = fixture("cli.ts", "export const slashes = /\\/+$/;\n");
      const run = spawnSync(
        process.execPath,
        [
          join(root, "node_modules/tsx/dist/cli.mjs"),
          join(root, "scripts/lint-regex.ts"),
          join(scratch, file),
        ],
        { cwd: scratch, encoding: "utf8" },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        "cli.ts:1: /\\/+$/ is not proved linear: 2nd degree polynomial; recheck's attack: '/'.repeat(",
      );
    },
    HANG_MS,
  );
});

// The ReDoS check (`npm run lint:regex`): every regular expression that runs in the package (src/
// and generated/) must be proved linear by recheck's automaton checker, which decides, for the
// backtracking matcher V8 uses, whether any input makes a match cost more than linear time. Its
// fuzzer only fails to find an attack, so "safe" from the fuzzer is not enough here. The patterns
// are found with the TypeScript parser (a regex over source would miss or invent some): literals,
// `new RegExp(…)` / `RegExp(…)`, and a string handed to match, matchAll or search (which make one).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Diagnostics, Parameters } from "recheck";
import ts from "typescript";

/** One pattern found in the source; `source` is undefined when it is made at run time. */
export interface FoundPattern {
  file: string;
  line: number;
  source: string | undefined;
  flags: string;
  /** The pattern as written (the literal, or the RegExp call's first argument). */
  text: string;
}

export interface Problem {
  where: string;
  message: string;
}

/**
 * Patterns that may stay without a proof, each with its reason: the input it reads is not the
 * server's and is bounded. Keyed by file and pattern source, not by
 * line. An entry that matches no pattern any more fails the check: it goes when its pattern goes.
 */
export const ACCEPTED: readonly { file: string; source: string; reason: string }[] = [];

/**
 * Patterns made at run time, keyed by file and the RegExp call's first argument as written: the
 * patterns that call can make, computed here from the same inputs, each then checked as a literal.
 */
export const DYNAMIC: Readonly<Record<string, () => Promise<RegExp[]>>> = {
  // The fake's routes: one pattern per ROUTES entry (literal segments escaped, each parameter ([^/]+)).
  "src/testing/http.ts `^${source}$`": async () => {
    const { compileRoutes } = await import("../../src/testing/http.js");
    const { ROUTES } = await import("../../generated/meta.js");
    return compileRoutes(ROUTES).map((route) => route.pattern);
  },
};

/** The files checked by default: what runs in the package (src/, and generated/ but its types). */
export function packageFiles(root: string): string[] {
  const list = (dir: string, recursive: boolean) =>
    readdirSync(join(root, dir), { recursive, encoding: "utf8" })
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
      .map((name) => join(dir, name).split("\\").join("/"));
  return [...list("src", true), ...list("generated", false)].sort();
}

/** `npm run lint:regex` without arguments: the package's files, the verdicts kept by pattern in
 * node_modules/.cache/composio-regex-lint/. */
export const checkPackageRegexes = (root: string, files = packageFiles(root)) =>
  checkRegexes(root, files, { cacheDir: join(root, "node_modules", ".cache", "composio-regex-lint") });

/** A problem as lint:regex prints it. */
export const problemLine = ({ where, message }: Problem): string => `${where}: ${message}`;

/** Every pattern in one file's source. */
export function findPatterns(file: string, text: string): FoundPattern[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const constants = new Map<string, ts.Expression>();
  const found: FoundPattern[] = [];
  const add = (node: ts.Node, pattern: string | undefined, flags: string, written: ts.Node = node) =>
    found.push({
      file,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      source: pattern,
      flags,
      text: written.getText(source),
    });
  // A string known without running the code: a literal, a sum of them, or a const of the file.
  const literal = (node: ts.Expression | undefined, seen = new Set<string>()): string | undefined => {
    if (!node) return undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (ts.isParenthesizedExpression(node)) return literal(node.expression, seen);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const [left, right] = [literal(node.left, seen), literal(node.right, seen)];
      return left === undefined || right === undefined ? undefined : left + right;
    }
    if (ts.isIdentifier(node) && !seen.has(node.text)) {
      return literal(constants.get(node.text), new Set(seen).add(node.text));
    }
    return undefined;
  };
  // A name declared twice (in two scopes) is not known: which one a use means needs the checker.
  const twice = new Set<string>();
  const collectConstants = (node: ts.Node) => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
      for (const { name, initializer } of node.declarations) {
        if (!ts.isIdentifier(name) || !initializer) continue;
        if (constants.has(name.text)) twice.add(name.text);
        constants.set(name.text, initializer);
      }
    }
    ts.forEachChild(node, collectConstants);
  };
  collectConstants(source);
  for (const name of twice) constants.delete(name);
  const visit = (node: ts.Node) => {
    if (ts.isRegularExpressionLiteral(node)) {
      const end = node.text.lastIndexOf("/");
      add(node, node.text.slice(1, end), node.text.slice(end + 1));
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "RegExp"
    ) {
      const [pattern, flags] = node.arguments ?? [];
      // A literal argument is checked as itself (visited below); other flags make another pattern.
      if (pattern && ts.isRegularExpressionLiteral(pattern)) {
        const given = literal(flags);
        if (flags && given !== undefined) {
          const end = pattern.text.lastIndexOf("/");
          add(node, pattern.text.slice(1, end), given, pattern);
        } else if (flags) add(node, undefined, "", node);
      } else if (pattern) {
        const given = flags ? literal(flags) : "";
        const text = literal(pattern);
        add(node, given === undefined ? undefined : text, given ?? "", pattern);
      }
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ["match", "matchAll", "search"].includes(node.expression.name.text)
    ) {
      const [pattern] = node.arguments;
      const text = pattern && !ts.isRegularExpressionLiteral(pattern) ? literal(pattern) : undefined;
      if (text !== undefined) add(node, text, node.expression.name.text === "matchAll" ? "g" : "", pattern);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * recheck's settings: the automaton checker only (a proof or an attack), with room for bounded
 * repetitions such as `{1,100}` (which its default leaves to the fuzzer), and a time limit.
 */
const PARAMS: Parameters = {
  checker: "automaton",
  maxRepeatCount: 1000,
  maxNFASize: 100_000,
  maxPatternSize: 10_000,
  timeout: 10_000,
};

type Verdict = { proved: true; complexity: string } | { proved: false; complexity: string; attack?: string };

/** recheck's verdict on one pattern, from the cache when it has been asked before. */
async function verdict(source: string, flags: string, cacheDir: string | undefined): Promise<Verdict> {
  const { check } = await import("recheck");
  const require = createRequire(import.meta.url);
  const { version } = require("recheck/package.json") as { version: string };
  const key = createHash("sha256")
    .update(JSON.stringify([version, PARAMS, source, flags]))
    .digest("hex");
  const file = cacheDir && join(cacheDir, `${key}.json`);
  if (file && existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as Verdict;
    } catch {
      // A cut or garbled entry is asked again.
    }
  }
  const result = summarize(await check(source, flags, PARAMS));
  // A timeout depends on the machine's load: not kept.
  if (file && result.complexity !== "unknown (timeout)") {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const scratch = `${file}.${process.pid}`;
      writeFileSync(scratch, JSON.stringify(result));
      renameSync(scratch, file);
    } catch {
      // Best effort: nothing lost but time.
    }
  }
  return result;
}

function summarize(result: Diagnostics): Verdict {
  switch (result.status) {
    case "safe":
      // "safe" from the automaton checker: no repetition without a bound, so linear as well.
      return { proved: result.checker === "automaton", complexity: result.complexity.type };
    case "vulnerable":
      return { proved: false, complexity: result.complexity.summary, attack: result.attack.pattern };
    default:
      return {
        proved: false,
        complexity: `unknown (${"message" in result.error ? result.error.message : result.error.kind})`,
      };
  }
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * The problems of the patterns in `files` (paths relative to `root`): each names file:line, the
 * pattern, its complexity and recheck's attack. `accepted` and `dynamic` are ACCEPTED and DYNAMIC
 * by default; `cacheDir` keeps recheck's verdicts by pattern (none: no cache).
 */
export async function checkRegexes(
  root: string,
  files: readonly string[],
  {
    accepted = ACCEPTED,
    dynamic = DYNAMIC,
    cacheDir,
  }: { accepted?: typeof ACCEPTED; dynamic?: typeof DYNAMIC; cacheDir?: string } = {},
): Promise<{ problems: Problem[]; checked: number; accepted: number }> {
  const patterns = files.flatMap((file) => findPatterns(file, readFileSync(join(root, file), "utf8")));
  const problems: Problem[] = [];
  const used = new Set<(typeof accepted)[number]>();
  const todo: { where: string; source: string; flags: string }[] = [];
  for (const found of patterns) {
    const where = `${found.file}:${found.line}`;
    if (found.source === undefined) {
      const make = dynamic[`${found.file} ${found.text}`];
      if (!make) {
        problems.push({
          where,
          message: `new RegExp(${shorten(found.text, 80)}) is made at run time, so it cannot be checked here; build it from literals, or give the patterns it can make in DYNAMIC (scripts/lib/regex-safety.ts).`,
        });
        continue;
      }
      for (const made of await make()) todo.push({ where, source: made.source, flags: made.flags });
      continue;
    }
    const entry = accepted.find((a) => a.file === found.file && a.source === found.source);
    if (entry) used.add(entry);
    else todo.push({ where, source: found.source, flags: found.flags });
  }
  for (const entry of accepted) {
    if (!used.has(entry) && files.includes(entry.file)) {
      problems.push({
        where: entry.file,
        message: `ACCEPTED lists /${entry.source}/, which the file no longer has: remove the entry.`,
      });
    }
  }
  const verdicts = await Promise.all(todo.map(({ source, flags }) => verdict(source, flags, cacheDir)));
  todo.forEach(({ where, source, flags }, index) => {
    const result = verdicts[index]!;
    if (result.proved) return;
    const attack = result.attack ? `; recheck's attack: ${shorten(result.attack, 120)}` : "";
    problems.push({
      where,
      message: `/${shorten(source, 120)}/${flags} is not proved linear: ${result.complexity}${attack}. Rewrite it without nested or adjacent repetitions that can match the same text, or parse without a regular expression.`,
    });
  });
  return { problems, checked: todo.length, accepted: used.size };
}

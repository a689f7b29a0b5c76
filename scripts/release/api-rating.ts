// The public TypeScript surface's rating: API Extractor's report of the last release
// (api/released/*.api.md) against the current one (api/*.api.md), declaration by declaration and
// member by member.
//
//   an entry point, an export, a member removed ............................. major
//   an entry point, an export added .......................................... minor
//   a member added ....................... minor; major if required where callers write it
//   a member became required ............. major where callers write it; minor where they only read
//   a member became optional ............. minor where callers write it; major where they read
//   a union gained members ............... minor where callers only write it, or when the union
//                                          admits UnknownValue (x-sdk-open: no switch over it was
//                                          exhaustive); major where callers read a closed union
//   Omit<X, "k"> became X's parts without the one declaring k (or back) ... no change
//   a union lost members ..................................................... major
//   any other change of a type or a signature ................................ major
//   docs only (`@deprecated`, documented or not; the report carries no doc text) .. patch
//
// "Where callers write it" (requests) and "where they read it" (responses) come from the report
// itself: openapi-typescript's `operations` says which `components` each request body, parameter
// and response uses. Elsewhere the direction is unknown and the stricter rule applies.
// Two types are compared in a canonical form: `components["schemas"]["X"]` expanded to X's type
// (a schema moved out to a named component is no change), union, intersection and object members
// sorted, whitespace collapsed. A member a class or interface now inherits is not removed.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { maxRating, type Impact, type RatedChange, type Rating } from "./impact.js";

export interface ApiRating {
  rating: Rating;
  changes: RatedChange[];
  /** The rating of openapi-typescript's mirror of the spec alone (`components`, `operations`,
   * `paths`): what must agree with the spec's rating. */
  mirror: Rating;
  mirrorChanges: RatedChange[];
}

/** The declarations openapi-typescript writes from the spec, and nothing else. */
export const MIRROR = new Set(["components", "operations", "paths"]);

interface Member {
  key: string;
  /** The member's own line (for a block: its opening line), whitespace collapsed. */
  text: string;
  deprecated: boolean;
  undocumented: boolean;
  children?: Map<string, Member>;
  /** The member's lines and its children's, whitespace collapsed. */
  body: string;
}

type Direction = "input" | "output" | "both" | "unknown";

export interface Report {
  declarations: Map<string, Member>;
  /** `components["<type>"]["<name>"]` → its type. */
  types: Map<string, string>;
  /** `components["<type>"]["<name>"]` → where callers meet it. */
  directions: Map<string, Direction>;
  /** The declarations callers pass in (reached from a parameter's type): the others they only read. */
  inputs: Set<string>;
}

// ── Reading a report ─────────────────────────────────────────────────────────────────────────────

const squash = (text: string): string => text.replace(/\s+/g, " ").trim();

/** The ```ts block of an api.md report, as top-level declarations and their members. */
export function parseReport(markdown: string): Report {
  // API Extractor writes CRLF line ends.
  const block = /```ts\n([\s\S]*?)```/.exec(markdown.replace(/\r\n/g, "\n"))?.[1] ?? "";
  const root: Member = {
    key: "",
    text: "",
    deprecated: false,
    undocumented: false,
    children: new Map(),
    body: "",
  };
  const stack: Member[] = [root];
  const collapsed = new Set<Member>();
  let deprecated = false;
  let undocumented = false;
  for (const raw of block.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("//")) {
      deprecated ||= line.includes("@deprecated");
      undocumented ||= line.includes("(undocumented)");
      continue;
    }
    if (line.startsWith("import ")) continue;
    for (const open of stack.slice(1)) open.body += ` ${line}`;
    const closes = /^[}\])]/.test(line);
    const opens = /[{(]$/.test(line);
    if (closes) {
      const closed = stack.length > 1 ? stack.pop()! : root;
      // `} | {`: a union of object types, compared as one type.
      if (opens) {
        collapsed.add(closed);
        stack.push(closed);
      }
      continue;
    }
    const parent = stack.at(-1)!;
    let key = keyOf(line, parent === root);
    // A type and a value of one name (`type OAuth2State` and `const OAuth2State`): the value is
    // `OAuth2State (value)`. Overloads and other repeats are numbered.
    if (
      parent === root &&
      parent.children!.has(key) &&
      /^(export\s+)?(declare\s+)?(const|let|var|function|class)\s/.test(line)
    )
      key = `${key} (value)`;
    for (let n = 2; parent.children!.has(key); n++) key = `${keyOf(line, parent === root)}#${n}`;
    const member: Member = {
      key,
      text: squash(line),
      deprecated,
      undocumented,
      body: line,
      ...(opens && { children: new Map() }),
    };
    deprecated = false;
    undocumented = false;
    parent.children!.set(key, member);
    if (opens) stack.push(member);
  }
  for (const member of collapsed) delete member.children;
  const walk = (member: Member): void => {
    member.body = squash(member.body);
    member.children?.forEach(walk);
  };
  root.children!.forEach(walk);
  const declarations = root.children!;
  const types = new Map<string, string>();
  for (const [type, group] of declarations.get("components")?.children ?? [])
    for (const [name, member] of group.children ?? [])
      types.set(`components["${type}"]["${name}"]`, typeOfBody(member));
  return { declarations, types, directions: directionsOf(declarations), inputs: inputsOf(declarations) };
}

/** Every declaration a parameter's type names, and what those name in turn. */
function inputsOf(declarations: Map<string, Member>): Set<string> {
  const names = (text: string) => (text.match(/[A-Za-z_$][\w$]*/g) ?? []).filter((n) => declarations.has(n));
  const inputs = new Set<string>();
  const scan = (member: Member): void => {
    const text = member.body;
    for (let i = text.indexOf("("); i >= 0; i = text.indexOf("(", i + 1)) {
      const end = closing(text, i);
      if (/^\s*(:|=>)/.test(text.slice(end + 1))) names(text.slice(i + 1, end)).forEach((n) => inputs.add(n));
    }
  };
  declarations.forEach(scan);
  const queue = [...inputs];
  while (queue.length) {
    const member = declarations.get(queue.pop()!);
    for (const name of names(member ? member.body.replace(/^[^=:{]*/, "") : "")) {
      if (!inputs.has(name)) {
        inputs.add(name);
        queue.push(name);
      }
    }
  }
  return inputs;
}

/** The name a line declares: `export interface X …` → `X`, `name?: T;` → `name`, `get name()` →
 * `name` (a getter is read like a property). */
function keyOf(line: string, topLevel: boolean): string {
  if (topLevel) {
    const m =
      /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:type|interface|class|const|let|var|function|enum|namespace)\s+([\w$]+)/.exec(
        line,
      );
    if (m) return m[1]!;
  }
  const rest = line.replace(/^(?:(?:readonly|static|protected|public|abstract|get|set)\s+)+/, "");
  const setter = /^set\s/.test(line) ? "set " : "";
  if (rest.startsWith("[") || rest.startsWith('"') || rest.startsWith("'")) {
    const close = rest.startsWith("[") ? closing(rest, 0) : rest.indexOf(rest[0]!, 1);
    return setter + rest.slice(0, close + 1);
  }
  const m = /^(new|constructor|[\w$]+)/.exec(rest);
  return setter + (m ? m[1]! : squash(line));
}

/** The index of the bracket closing the one at `open`. */
function closing(text: string, open: number): number {
  const pairs: Record<string, string> = { "(": ")", "[": "]", "{": "}", "<": ">" };
  let depth = 0;
  let quote = "";
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote && text[i - 1] !== "\\") quote = "";
    } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch in pairs) depth++;
    else if (")]}>".includes(ch) && !(ch === ">" && text[i - 1] === "=") && --depth === 0) return i;
  }
  return text.length - 1;
}

const REF = /components\["(\w+)"\]\["([^"]+)"\]/g;
const refsIn = (text: string): string[] => [...text.matchAll(REF)].map((m) => m[0]);

/** Which components are used where callers write (request bodies, parameters) and where they read
 * (responses), through openapi-typescript's `operations` and the components' own references. */
function directionsOf(declarations: Map<string, Member>): Map<string, Direction> {
  const input = new Set<string>();
  const output = new Set<string>();
  for (const operation of declarations.get("operations")?.children?.values() ?? []) {
    for (const [key, part] of operation.children ?? []) {
      const target =
        key === "responses" ? output : key === "requestBody" || key === "parameters" ? input : undefined;
      for (const ref of refsIn(part.body)) target?.add(ref);
    }
  }
  const bodies = new Map<string, string>();
  for (const [type, group] of declarations.get("components")?.children ?? [])
    for (const [name, member] of group.children ?? [])
      bodies.set(`components["${type}"]["${name}"]`, member.body);
  for (const set of [input, output]) {
    const queue = [...set];
    while (queue.length) {
      for (const ref of refsIn(bodies.get(queue.pop()!) ?? "")) {
        if (!set.has(ref)) {
          set.add(ref);
          queue.push(ref);
        }
      }
    }
  }
  const directions = new Map<string, Direction>();
  for (const ref of bodies.keys()) {
    const i = input.has(ref);
    const o = output.has(ref);
    directions.set(ref, i && o ? "both" : i ? "input" : o ? "output" : "unknown");
  }
  return directions;
}

function directionAt(report: Report, path: string[]): Direction {
  const [decl, a, b] = path;
  if (decl === "components" && a && b)
    return report.directions.get(`components["${a}"]["${b}"]`) ?? "unknown";
  if (decl === "operations" && b)
    return b === "responses" ? "output" : b === "requestBody" || b === "parameters" ? "input" : "unknown";
  if (decl === "paths" && b === "parameters") return "input";
  if (decl && MIRROR.has(decl)) return "unknown";
  return decl && report.inputs.has(decl) ? "input" : "output";
}

// ── Types as text, in a canonical form ───────────────────────────────────────────────────────────

/** Splits at `separator` where no bracket or quote is open. */
function splitTop(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if ("\"'`".includes(ch)) i = text.indexOf(ch, i + 1) < 0 ? text.length : text.indexOf(ch, i + 1);
    else if ("([{<".includes(ch) && !(ch === "<" && text[i + 1] === "=")) i = closing(text, i);
    else if (text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/**
 * A type's text in one form for one meaning: the members of unions, intersections and object types
 * sorted, redundant parentheses dropped, and each `components[…][…]` that `expand` names replaced
 * by its type (a component only one side has: a schema moved out to a component, or inlined, is no
 * change; one both sides have is compared where it is declared).
 */
export function canonical(type: string, expand: Map<string, string> = new Map(), depth = 3): string {
  let text = squash(type).replace(/;$/, "");
  if (depth > 0)
    text = text.replace(REF, (ref) =>
      expand.has(ref) ? `(${canonical(expand.get(ref)!, expand, depth - 1)})` : ref,
    );
  const union = splitTop(text, "|");
  if (union.length > 1)
    return [...new Set(union.flatMap((p) => unionParts(canonical(p, expand, depth))))].sort().join(" | ");
  const intersection = splitTop(text, "&");
  if (intersection.length > 1)
    return [...new Set(intersection.map((p) => canonical(p, expand, depth)))].sort().join(" & ");
  if (text.startsWith("(") && closing(text, 0) === text.length - 1)
    return canonical(text.slice(1, -1), expand, depth);
  if (text.startsWith("{") && closing(text, 0) === text.length - 1) {
    const members = splitTop(text.slice(1, -1), ";").map((m) => {
      const colon = splitTop(m, ":");
      return colon.length > 1 ? `${colon[0]}: ${canonical(colon.slice(1).join(": "), expand, depth)}` : m;
    });
    return `{ ${members.sort().join("; ")} }`;
  }
  return text;
}

/** The components of `report` that `other` does not have, with their types. */
const oneSided = (report: Report, other: Report): Map<string, string> =>
  new Map([...report.types].filter(([ref]) => !other.types.has(ref)));

/** The members of a canonical union (a single type is a union of one). */
const unionParts = (text: string): string[] => splitTop(text, "|");

/** The type a member declares: `name?: T;` → T, `export type X = T;` → T, a block → its body. */
function typeOfBody(member: Member): string {
  const name = member.key.replace(/#\d+$/, "").replace(/ \(value\)$/, "");
  let text = member.body.replace(/;$/, "");
  const alias =
    /^(?:export\s+)?(?:declare\s+)?(?:type\s+[\w$]+(?:<.*?>)?\s*=|(?:const|let|var)\s+[\w$]+\s*:)\s*([\s\S]*)$/.exec(
      text,
    );
  if (alias) return alias[1]!;
  text = text.replace(/^(?:readonly\s+)/, "");
  if (text.startsWith(name)) {
    const m = /^\??\s*:\s*([\s\S]*)$/.exec(text.slice(name.length));
    if (m) return m[1]!;
  }
  const getter = /^get\s+\S+?\(\):\s*([\s\S]*)$/.exec(text);
  if (getter) return getter[1]!;
  return text;
}

const optionalOf = (member: Member): boolean => {
  const name = member.key.replace(/#\d+$/, "").replace(/ \(value\)$/, "");
  return member.text
    .replace(/^readonly\s+/, "")
    .slice(name.length)
    .trimStart()
    .startsWith("?");
};

/** A declaration's opening line with what does not change its meaning written one way:
 * `export type X = A & {` is `interface X extends A {`. */
function headerOf(member: Member): string {
  const text = member.text.replace(/^export\s+/, "").replace(/^declare\s+/, "");
  const alias = /^type\s+([\w$]+(?:<.*?>)?)\s*=\s*(.+?)\s*&\s*\{$/.exec(text);
  return alias ? `interface ${alias[1]} extends ${alias[2]} {` : text;
}

// ── The comparison ───────────────────────────────────────────────────────────────────────────────

interface Context {
  entry: string;
  old: Report;
  now: Report;
  /** Components only the old or only the new report has: expanded where they are used. */
  oldOnly: Map<string, string>;
  newOnly: Map<string, string>;
  changes: RatedChange[];
}

const where = (entry: string, path: string[]): string =>
  `${entry}: ${path
    .map((p, i) => (/^[\w$]+$/.test(p) || (i === 0 && / \(value\)$/.test(p)) ? p : `[${p}]`))
    .join(".")
    .replace(/\.\[/g, "[")}`;

function push(ctx: Context, path: string[], impact: Impact, rule: string, message: string): void {
  ctx.changes.push({ impact, where: where(ctx.entry, path), message, rule });
}

/** `x?: never` and `x: never` say there is no x. */
const isAbsent = (member: Member | undefined): boolean =>
  !member || (!member.children && /^[^:]+\??:\s*never;?$/.test(member.text));

/** The member `key` that `declaration` inherits in `report` from a class or interface it extends. */
function inherited(
  report: Report,
  declaration: string,
  key: string,
  seen = new Set<string>(),
): Member | undefined {
  const member = report.declarations.get(declaration);
  if (!member || seen.has(declaration)) return undefined;
  seen.add(declaration);
  const bases = /\bextends\s+([^{]+?)(?:\s+implements\b|\s*\{|$)/.exec(headerOf(member))?.[1] ?? "";
  for (const base of bases.split(",").map((b) => b.trim().replace(/<.*$/, ""))) {
    const found = report.declarations.get(base)?.children?.get(key) ?? inherited(report, base, key, seen);
    if (found) return found;
  }
  return undefined;
}

function compareMember(
  ctx: Context,
  path: string[],
  before: Member | undefined,
  after: Member | undefined,
): void {
  // A member moved to or from a base class or interface is compared with the one inherited.
  if (path.length === 2 && isAbsent(before)) before = inherited(ctx.old, path[0]!, path[1]!) ?? before;
  if (path.length === 2 && isAbsent(after)) after = inherited(ctx.now, path[0]!, path[1]!) ?? after;
  if (isAbsent(before) && isAbsent(after)) return;
  const direction = directionAt(ctx.now, path);
  if (isAbsent(after)) {
    push(ctx, path, "major", "api/removed", `${path.length === 1 ? "Export" : "Member"} removed.`);
    return;
  }
  if (isAbsent(before)) {
    // A component, an operation, a path: new entries of openapi-typescript's maps, nobody writes them.
    const entry = MIRROR.has(path[0]!) && path.length <= 3;
    const required = path.length > 1 && !entry && !optionalOf(after!);
    const breaks = required && direction !== "output";
    push(
      ctx,
      path,
      breaks ? "major" : "minor",
      breaks ? "api/required-added" : "api/added",
      path.length === 1
        ? "Export added."
        : breaks
          ? "Required member added where callers may write it."
          : "Member added.",
    );
    return;
  }
  const b = before!;
  const a = after!;
  const unmarked = (m: Member) => m.text.replace(/^([^:?]+)\?:/, "$1:");
  const sameHeader = path.length === 1 ? headerOf(b) === headerOf(a) : unmarked(b) === unmarked(a);
  if (b.children && a.children && sameHeader) {
    if (optionalOf(b) !== optionalOf(a)) optionality(ctx, path, optionalOf(a), direction);
    const keys = new Set([...b.children.keys(), ...a.children.keys()]);
    for (const key of keys) compareMember(ctx, [...path, key], b.children.get(key), a.children.get(key));
  } else if (b.body !== a.body) {
    classify(ctx, path, b, a, direction);
  }
  if (b.deprecated !== a.deprecated)
    push(ctx, path, "patch", "api/deprecated", a.deprecated ? "Now @deprecated." : "No longer @deprecated.");
  else if (b.undocumented !== a.undocumented)
    push(ctx, path, "patch", "api/docs", a.undocumented ? "Its doc comment was removed." : "Documented now.");
}

/**
 * `Omit<components[…]["X"], "k">` written as what it leaves: X's intersection without its parts
 * that declare k alone (`StateBase & StatusActive & ApiKeyFields` without `StatusActive` is
 * `StateBase & ApiKeyFields`), when no other part declares k. The builders once took
 * `Omit<Variant, "status">` and now take the variant's named parts: the same type, no change.
 */
export function withoutOmit(type: string, types: Map<string, string>): string {
  return type.replace(
    /Omit<(components\["\w+"\]\["[^"]+"\]), "([\w$]+)">/g,
    (omit, ref: string, key: string) => {
      const parts = splitTop(squash(types.get(ref) ?? ""), "&");
      const keysOf = (part: string) => {
        const body = canonical(types.get(part) ?? part);
        return body.startsWith("{")
          ? splitTop(body.slice(1, -1), ";").map((m) => m.split(/\??:/)[0]!.trim())
          : undefined;
      };
      const kept = parts.filter((part) => keysOf(part)?.join() !== key);
      // Kept parts must be known objects without k: anything else (a union, an unknown type) stays as
      // written. An inline object is written as a component moved out of it would be (canonical).
      const clean = kept.every((part) => keysOf(part) && !keysOf(part)!.includes(key));
      return parts.length > 1 && kept.length < parts.length && clean
        ? kept.map((part) => (part.startsWith("{") ? `(${canonical(part)})` : part)).join(" & ")
        : omit;
    },
  );
}

function classify(ctx: Context, path: string[], b: Member, a: Member, direction: Direction): void {
  const oldType = canonical(withoutOmit(typeOfBody(b), ctx.old.types), ctx.oldOnly);
  const newType = canonical(withoutOmit(typeOfBody(a), ctx.now.types), ctx.newOnly);
  const wasOptional = optionalOf(b);
  const isOptional = optionalOf(a);
  if (oldType === newType) {
    // Written differently, the same type; or only its optionality changed.
    if (wasOptional !== isOptional) optionality(ctx, path, isOptional, direction);
    return;
  }
  const oldUnion = unionParts(oldType);
  const newUnion = unionParts(newType);
  const lost = oldUnion.filter((m) => !newUnion.includes(m));
  const gained = newUnion.filter((m) => !oldUnion.includes(m));
  if (!lost.length && gained.length && wasOptional === isOptional) {
    const open = newUnion.some((m) => /\bUnknownValue\b/.test(m));
    // Where callers read it (responses, and where the direction is unknown), a closed union that
    // grew breaks an exhaustive switch: only a union callers only write may grow freely.
    const breaks = direction !== "input" && !open;
    push(
      ctx,
      path,
      breaks ? "major" : "minor",
      open ? "api/open-union-grew" : "api/union-grew",
      `Union gained ${gained.map(shorten).join(", ")}${breaks ? ", where callers read a closed union" : ""}.`,
    );
    return;
  }
  if (lost.length && !gained.length && wasOptional === isOptional) {
    push(ctx, path, "major", "api/union-shrank", `Union lost ${lost.map(shorten).join(", ")}.`);
    return;
  }
  push(ctx, path, "major", "api/changed", `Changed: \`${shorten(b.text)}\` → \`${shorten(a.text)}\`.`);
}

function optionality(ctx: Context, path: string[], isOptional: boolean, direction: Direction): void {
  const breaks = isOptional ? direction !== "input" : direction !== "output";
  push(
    ctx,
    path,
    breaks ? "major" : "minor",
    isOptional ? "api/became-optional" : "api/became-required",
    `Became ${isOptional ? "optional" : "required"}${direction === "unknown" ? "" : ` (${directionWord(direction)})`}.`,
  );
}

const directionWord = (direction: Direction): string =>
  direction === "input"
    ? "callers write it"
    : direction === "output"
      ? "callers read it"
      : "callers write and read it";

const shorten = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

/** Compares two reports of one entry point. */
export function compareReports(entry: string, released: string, current: string): RatedChange[] {
  const old = parseReport(released);
  const now = parseReport(current);
  const ctx: Context = {
    entry,
    old,
    now,
    oldOnly: oneSided(old, now),
    newOnly: oneSided(now, old),
    changes: [],
  };
  const keys = new Set([...ctx.old.declarations.keys(), ...ctx.now.declarations.keys()]);
  for (const key of [...keys].sort())
    compareMember(ctx, [key], ctx.old.declarations.get(key), ctx.now.declarations.get(key));
  return ctx.changes;
}

/** The reports (`<name>.api.md` → text) in a folder; none when there is no folder. */
export function readReports(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith(".api.md"))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}

/** Compares the reports of the release with the current ones, entry point by entry point. */
export function rateApi(released: Map<string, string>, current: Map<string, string>): ApiRating {
  // The client's own entry point first: a declaration it shares with another is named there.
  const main = (f: string) => (entryOf(f).includes("/") ? 1 : 0);
  const files = [...new Set([...released.keys(), ...current.keys()])].sort(
    (a, b) => main(a) - main(b) || a.localeCompare(b),
  );
  const changes: RatedChange[] = [];
  const mirrorChanges: RatedChange[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const entry = entryOf(file);
    const before = released.get(file);
    const after = current.get(file);
    if (after === undefined) {
      changes.push({ impact: "major", where: entry, message: "Entry point removed.", rule: "api/removed" });
      continue;
    }
    if (before === undefined) {
      changes.push({ impact: "minor", where: entry, message: "Entry point added.", rule: "api/added" });
      continue;
    }
    for (const change of compareReports(entry, before, after)) {
      // The same declaration in two entry points (the client's and raw's mirror) counts once.
      const local = change.where.slice(entry.length + 2);
      const id = `${local}\0${change.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      changes.push(change);
      if (MIRROR.has(local.split(/[.[]/)[0]!)) mirrorChanges.push(change);
    }
  }
  const order = (c: RatedChange) => ({ patch: 1, minor: 2, major: 3 })[c.impact];
  changes.sort((x, y) => order(y) - order(x) || x.where.localeCompare(y.where));
  mirrorChanges.sort((x, y) => order(y) - order(x) || x.where.localeCompare(y.where));
  return {
    rating: maxRating(...changes.map((c) => c.impact)),
    changes,
    mirror: maxRating(...mirrorChanges.map((c) => c.impact)),
    mirrorChanges,
  };
}

/** `composio-connected-accounts-raw.api.md` → `composio-connected-accounts/raw`. */
export function entryOf(file: string): string {
  const name = file.replace(/\.api\.md$/, "");
  const base = "composio-connected-accounts";
  return name === base ? base : name.startsWith(`${base}-`) ? `${base}/${name.slice(base.length + 1)}` : name;
}

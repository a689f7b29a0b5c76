// The spec's rating: every change between the spec as last released and the working spec, each with
// its semver impact for THIS client. Redocly CLI's `diff` (experimental in 2.77, offline) finds and
// rates the changes, with `diff-recommended` in redocly.yaml's `extends`; then our rules correct its
// impact where the truth for this client differs (each correction says so in the change):
//
//   client/open-enum-grew   a response enum marked `x-sdk-open` gained values: minor, not major. The
//                           client lets unknown values through and types them `UnknownValue`, so no
//                           switch over them was ever exhaustive.
//   client/open-union-grew  a response oneOf/anyOf marked `x-sdk-open` gained a member: minor, for
//                           the same reason (a new auth scheme, a new status of one).
//   client/open-closed      `x-sdk-open` removed: major (the types would no longer admit values the
//                           API sends); added: minor (the types admit more).
//   client/request-property-removed
//                           a request property removed: major. Redocly calls it harmless (a server
//                           ignores what it does not know), but a TypeScript caller passing it in an
//                           object literal no longer compiles.
//   client/named-type       a component added: minor; removed: major (Redocly: patch). Each is a
//                           type the client exports, `components["schemas"]["X"]`.
//   client/sdk-method, client/sdk-pagination, client/sdk-builders
//                           the generator's extensions (Redocly rates any extension change patch):
//                           x-sdk names a method, x-sdk-pagination its return type, x-sdk-builders
//                           whether builder objects exist; see EXTENSIONS.
//   client/docs-only        a description, summary, title, example or tag added or changed: patch
//                           (Redocly rates an added examples map minor); it reaches the generated
//                           code as a comment at most.
//
// Before diffing, both documents are made comparable without changing what they mean, so that a spec
// refactored, not changed, rates as no change (see `normalizePair`).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { maxRating, rank, type Impact, type RatedChange, type Rating } from "./impact.js";
import { runNode } from "../lib/cli.js";
import { loadSpec, type Schema } from "../lib/spec.js";

const require = createRequire(import.meta.url);
const redoclyCli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");

export interface SpecRating {
  rating: Rating;
  /** Every change that matters (patch and up), largest impact first. */
  changes: RatedChange[];
  /** What Redocly alone rated, before our rules. */
  redocly: Rating;
}

/** The spec as one JSON document: every file the root reaches, refs between files made local. */
export function bundleSpec(specPath: string): Schema {
  return JSON.parse(JSON.stringify(loadSpec(specPath).doc)) as Schema;
}

// ── Normalization: the same meaning, written the same way on both sides ─────────────────────────

/** Keywords that only annotate a schema: merging them into the schema they sit beside is safe. */
const ANNOTATIONS = new Set([
  "title",
  "description",
  "example",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "default",
  "$comment",
]);

export const isObject = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The JSON Schema type of a value (`integer` for a whole number). */
export const jsonType = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "array"
      : typeof value === "number"
        ? Number.isInteger(value)
          ? "integer"
          : "number"
        : typeof value;

const unescape = (part: string): string => part.replace(/~1/g, "/").replace(/~0/g, "~");
const escape = (part: string): string => part.replace(/~/g, "~0").replace(/\//g, "~1");

/** The node at a local pointer (`#/a/b`), or undefined. */
export function atPointer(doc: unknown, pointer: string): unknown {
  const parts = pointer.replace(/^#\/?/, "").split("/").filter(Boolean).map(unescape);
  return parts.reduce<unknown>(
    (node, key) => (isObject(node) || Array.isArray(node) ? (node as any)[key] : undefined),
    doc,
  );
}

/**
 * Both documents rewritten so that what means the same is written the same way:
 * - a `$ref` to a component the other side does not have is replaced by the component (a schema
 *   moved out to a named component, or inlined, is no change);
 * - `allOf` with one member and only annotations beside it is that member with the annotations;
 * - a `type` that a `const` or an `enum` already implies is dropped (`{ type: string, const: X }`
 *   is `{ const: X }`);
 * - an operation without `security` gets the root's, and the root's is dropped: what each operation
 *   requires is compared, not where it is written.
 */
export function normalizePair(base: Schema, revision: Schema): [Schema, Schema] {
  const b = structuredClone(base);
  const r = structuredClone(revision);
  inlineOneSided(b, revision);
  inlineOneSided(r, base);
  for (const doc of [b, r]) {
    canonicalize(doc);
    materializeSecurity(doc);
  }
  return [b, r];
}

function inlineOneSided(doc: Schema, other: Schema): void {
  const missing = (ref: string): boolean => {
    const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
    return !!m && atPointer(other, ref) === undefined && atPointer(doc, ref) !== undefined;
  };
  const visit = (node: unknown, stack: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => visit(item, stack));
    if (!isObject(node)) return node;
    const ref = node.$ref;
    if (typeof ref === "string" && missing(ref) && !stack.includes(ref)) {
      const { $ref: _ref, ...siblings } = node;
      const target = visit(structuredClone(atPointer(doc, ref)), [...stack, ref]);
      return isObject(target) ? { ...target, ...(visit(siblings, stack) as Schema) } : target;
    }
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) out[key] = visit(value, stack);
    return out;
  };
  const visited = visit(doc, []) as Schema;
  for (const key of Object.keys(doc)) delete doc[key];
  Object.assign(doc, visited);
}

function canonicalize(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(canonicalize);
    return;
  }
  if (!isObject(node)) return;
  for (const value of Object.values(node)) canonicalize(value);
  // allOf of one member, with only annotations beside it: the member itself, annotated.
  if (
    Array.isArray(node.allOf) &&
    node.allOf.length === 1 &&
    isObject(node.allOf[0]) &&
    Object.keys(node).every((k) => k === "allOf" || ANNOTATIONS.has(k) || k.startsWith("x-"))
  ) {
    const [member] = node.allOf as Schema[];
    delete node.allOf;
    for (const [key, value] of Object.entries(member!)) if (!(key in node)) node[key] = value;
  }
  if (typeof node.type === "string") {
    const implied =
      "const" in node
        ? sameType(node.type, node.const)
        : Array.isArray(node.enum) &&
          node.enum.length > 0 &&
          node.enum.every((v: unknown) => sameType(node.type, v));
    if (implied) delete node.type;
  }
}

const sameType = (type: string, value: unknown): boolean =>
  jsonType(value) === type || (type === "number" && jsonType(value) === "integer");

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function materializeSecurity(doc: Schema): void {
  const root = doc.security;
  if (root === undefined) return;
  for (const item of Object.values(doc.paths ?? {})) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (isObject(operation) && operation.security === undefined) operation.security = structuredClone(root);
    }
  }
  delete doc.security;
}

// ── Redocly's diff ───────────────────────────────────────────────────────────────────────────────

interface RedoclyLocation {
  file: string;
  pointer: string;
  value?: unknown;
}

export interface RedoclyChange {
  path: string;
  typeName: string;
  kind: "added" | "removed" | "modified";
  impact: Impact;
  property?: string;
  verdicts: { ruleId: string; impact: Impact; message: string }[];
  base?: RedoclyLocation;
  revision?: RedoclyLocation;
}

export interface RedoclyReport {
  bump?: Impact;
  changes: RedoclyChange[];
}

/**
 * `redocly diff --format json` of two documents (written as JSON to a temporary folder), with the
 * diff rules of `configPath`. A child process: Redocly's diff is a CLI command, not an API.
 */
export async function redoclyDiff(
  base: Schema,
  revision: Schema,
  configPath: string,
): Promise<RedoclyReport> {
  const scratch = mkdtempSync(join(tmpdir(), "composio-spec-diff-"));
  try {
    const basePath = join(scratch, "released.json");
    const revisionPath = join(scratch, "working.json");
    writeFileSync(basePath, JSON.stringify(base));
    writeFileSync(revisionPath, JSON.stringify(revision));
    const args = [
      redoclyCli,
      "diff",
      basePath,
      revisionPath,
      "--config",
      configPath,
      "--format=json",
      "--fail-on=none",
    ];
    const { code, stdout, stderr } = await runNode(args);
    const start = stdout.indexOf("{");
    if (code !== 0 || start < 0) {
      const said = stderr
        .split("\n")
        .filter((line) => line.trim() && !/[║╔╚]/.test(line))
        .join("\n");
      throw new Error(`redocly diff failed (exit ${code}):\n${said.trim()}`);
    }
    return JSON.parse(stdout.slice(start)) as RedoclyReport;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ── Our rules over Redocly's verdicts ────────────────────────────────────────────────────────────

/** A modified property's pointer ends with the property: the node's pointer is the rest. */
const stripProperty = (pointer: string, property: string): string =>
  pointer.endsWith(`/${escape(property)}`) ? pointer.slice(0, -escape(property).length - 1) : pointer;

/** The schema a change's location points at. */
function nodeAt(doc: Schema, location: RedoclyLocation | undefined, property?: string): unknown {
  if (!location) return undefined;
  return atPointer(doc, property ? stripProperty(location.pointer, property) : location.pointer);
}

/**
 * The generator's extensions: what a change of each means for the client, where Redocly rates every
 * extension change patch. A change of the node's other keywords is rated by Redocly as usual.
 */
const EXTENSIONS: Record<
  string,
  { added: Impact; removed: Impact; changed: Impact; rule: string; why: string }
> = {
  "x-sdk-open": {
    added: "minor",
    removed: "major",
    changed: "major",
    rule: "client/open-closed",
    why: "x-sdk-open decides whether the client's types admit values the API adds",
  },
  "x-sdk": {
    added: "minor",
    removed: "major",
    changed: "major",
    rule: "client/sdk-method",
    why: "x-sdk names the client's resource and method: a change renames or moves a method",
  },
  "x-sdk-pagination": {
    added: "major",
    removed: "major",
    changed: "major",
    rule: "client/sdk-pagination",
    why: "x-sdk-pagination decides whether a list returns a PagePromise or a page",
  },
  "x-sdk-builders": {
    added: "minor",
    removed: "major",
    changed: "major",
    rule: "client/sdk-builders",
    why: "x-sdk-builders decides whether the union's builder objects exist",
  },
};

/** Keywords that only document: their changes never reach a type or a request. */
const DOCS = new Set([
  "description",
  "summary",
  "title",
  "example",
  "examples",
  "externalDocs",
  "tags",
  "$comment",
]);

/** Whether a walk path (through requests or responses) is in a request. */
const inRequest = (path: string): boolean => /\/(requestBody|parameters)\//.test(`${path}/`);

export function rateSpecChanges(report: RedoclyReport, base: Schema, revision: Schema): SpecRating {
  const changes: RatedChange[] = [];
  for (const change of report.changes) {
    // A change inside a component is named by the component (it may be used in many places, and
    // Redocly reports it once, at the first); any other by the operation it is in.
    const location = change.kind === "removed" ? change.base : change.revision;
    const inComponent = location?.pointer.startsWith("#/components/") ? location.pointer : undefined;
    const where = describePath(change.kind === "removed" ? base : revision, {
      ...change,
      path:
        inComponent && change.kind === "modified" && change.property
          ? stripProperty(inComponent, change.property)
          : (inComponent ?? change.path),
    });
    const verdicts = change.verdicts.map((v) => ({ ...v, adjusted: undefined as RatedChange["adjusted"] }));
    for (const verdict of verdicts) {
      const adjust = (impact: Impact, rule: string, why: string) => {
        verdict.adjusted = { from: verdict.impact, why: `${rule}: ${why}` };
        verdict.impact = impact;
      };
      if (verdict.ruleId === "enum-values-added" && verdict.impact !== "minor") {
        const node = nodeAt(revision, change.revision, change.property);
        if (isObject(node) && node["x-sdk-open"] === true && Array.isArray(node.enum))
          adjust(
            "minor",
            "client/open-enum-grew",
            "the enum is x-sdk-open: unknown values already pass as UnknownValue",
          );
      }
      if (
        verdict.ruleId === "schema-combinator-changed" &&
        change.kind === "added" &&
        verdict.impact !== "minor"
      ) {
        const parent = parentSchema(revision, change.revision);
        if (isObject(parent) && parent["x-sdk-open"] === true)
          adjust(
            "minor",
            "client/open-union-grew",
            "the union is x-sdk-open: unknown members already pass as UnknownValue",
          );
      }
    }
    let impact: Impact = verdicts.length
      ? (maxRating(...verdicts.map((v) => v.impact)) as Impact)
      : change.impact;
    let rule = verdicts.length ? verdicts.map((v) => v.ruleId).join(", ") : `redocly/${change.kind}`;
    let message = verdicts.length ? verdicts.map((v) => v.message).join(" ") : describeKind(change);
    let adjusted = verdicts.find((v) => v.adjusted)?.adjusted;
    if (adjusted)
      rule = verdicts.map((v) => (v.adjusted ? v.adjusted.why.split(":")[0]! : v.ruleId)).join(", ");

    // An extension's own value (`x-sdk-open: true`), or a key inside it (`x-sdk: { method }`).
    const inside = unescape(change.path.split("/").pop() ?? "");
    const extension = EXTENSIONS[change.property ?? ""] ?? EXTENSIONS[inside];
    if (extension && change.kind === "modified") {
      const nested = !EXTENSIONS[change.property ?? ""];
      const was = change.base?.value;
      const now = change.revision?.value;
      const next: Impact = nested
        ? extension.changed
        : was === undefined
          ? extension.added
          : now === undefined
            ? extension.removed
            : extension.changed;
      if (next !== impact) {
        adjusted = { from: impact, why: `${extension.rule}: ${extension.why}` };
        impact = next;
        rule = extension.rule;
      }
      if (change.property === "x-sdk-open")
        message =
          was === true && now !== true
            ? "No longer x-sdk-open: values the API adds would no longer be typed."
            : "Now x-sdk-open: values the API adds later are typed UnknownValue.";
    }
    if (/^#\/components\/[^/]+(\/[^/]+)?$/.test(change.path) && change.kind !== "modified") {
      // A named component is a type of the client's (`components["schemas"]["X"]`).
      const next: Impact = change.kind === "added" ? "minor" : "major";
      if (next !== impact) {
        adjusted = {
          from: impact,
          why: "client/named-type: each component is a type the client exports (components[…][…])",
        };
        impact = next;
        rule = "client/named-type";
      }
    }
    const [parent, last] = change.path.split("/").slice(-2);
    const docs = DOCS.has(change.property ?? "") || (DOCS.has(last ?? "") && parent !== "properties");
    if (docs && impact !== "patch" && !verdicts.length) {
      adjusted = {
        from: impact,
        why: "client/docs-only: documentation, which the generated code carries as comments at most",
      };
      impact = "patch";
      rule = "client/docs-only";
    }
    if (
      change.kind === "removed" &&
      change.typeName === "Schema" &&
      /\/properties\/[^/]+$/.test(change.path) &&
      inRequest(change.path) &&
      impact !== "major"
    ) {
      adjusted = {
        from: impact,
        why: "client/request-property-removed: a TypeScript caller passing it no longer compiles",
      };
      impact = "major";
      rule = "client/request-property-removed";
    }
    const parts =
      change.kind === "added" && change.revision
        ? partsOf(revision, atPointer(revision, change.revision.pointer), change.typeName)
        : [];
    changes.push({
      impact,
      where,
      message,
      rule,
      ...(adjusted && { adjusted }),
      ...(parts.length && { parts }),
    });
  }
  changes.sort((a, b) => rank(b.impact) - rank(a.impact) || a.where.localeCompare(b.where));
  return {
    rating: maxRating(...changes.map((c) => c.impact)),
    changes,
    redocly: maxRating(...report.changes.map((c) => c.impact)),
  };
}

/**
 * The parts of what was added, each a name people read: an operation's parameters, request body
 * and answers, and every field (`[]` for items), member and value of their schemas, down to the
 * named schemas they refer to (a named schema is a rated change of its own, with its own parts).
 */
export function partsOf(doc: Schema, node: unknown, typeName: string): string[] {
  const out: string[] = [];
  const deref = (value: unknown, seen: Set<string>): unknown => {
    for (let hops = 0; isObject(value) && typeof value.$ref === "string" && hops < 32; hops++) {
      if (seen.has(value.$ref)) return undefined;
      seen.add(value.$ref);
      value = atPointer(doc, value.$ref);
    }
    return value;
  };
  const schema = (raw: unknown, at: string, seen: Set<string>, depth = 0): void => {
    if (isObject(raw) && typeof raw.$ref === "string" && raw.$ref.startsWith("#/components/schemas/")) return;
    const s = deref(raw, new Set(seen));
    if (!isObject(s) || depth > 24) return;
    const here = new Set(seen);
    if (isObject(raw) && typeof raw.$ref === "string") here.add(raw.$ref);
    for (const value of Array.isArray(s.enum) ? s.enum : "const" in s ? [s.const] : [])
      out.push(`${at} value ${JSON.stringify(value)}`);
    for (const [name, property] of Object.entries((s.properties ?? {}) as Schema)) {
      const field = at.endsWith(":") || !at ? `${at}${at ? " " : ""}${name}` : `${at}.${name}`;
      out.push(field);
      schema(property, field, here, depth + 1);
    }
    if (s.items) schema(s.items, at.endsWith(":") ? `${at} []` : `${at}[]`, here, depth + 1);
    for (const key of ["oneOf", "anyOf", "allOf"])
      for (const member of Array.isArray(s[key]) ? (s[key] as unknown[]) : [])
        schema(member, at, here, depth + 1);
  };
  const json = (holder: unknown) =>
    (deref(holder, new Set()) as Schema | undefined)?.content?.["application/json"]?.schema;
  const operation = (op: Schema, head: string) => {
    for (const raw of (op.parameters ?? []) as unknown[]) {
      const p = deref(raw, new Set()) as Schema;
      out.push(`${head}${p.in} parameter ${p.name}`);
      schema(p.schema, `${head}${p.in} parameter ${p.name}:`, new Set());
    }
    if (op.requestBody) {
      out.push(`${head}request body`);
      schema(json(op.requestBody), `${head}request body:`, new Set());
    }
    for (const [status, response] of Object.entries((op.responses ?? {}) as Schema)) {
      out.push(`${head}response ${status}`);
      schema(json(response), `${head}response ${status}:`, new Set());
    }
  };
  const target = deref(node, new Set());
  if (!isObject(target)) return out;
  if (typeName === "PathItem") {
    for (const method of HTTP_METHODS)
      if (isObject(target[method])) operation(target[method], `${method.toUpperCase()} `);
  } else if (typeName === "Operation") operation(target, "");
  else if (typeName === "Schema" || typeName === "MediaType")
    schema(typeName === "MediaType" ? target.schema : target, "", new Set());
  return out;
}

/** The schema holding the oneOf/anyOf a member was added to. */
function parentSchema(doc: Schema, location: RedoclyLocation | undefined): unknown {
  if (!location) return undefined;
  const m = /^(.*)\/(oneOf|anyOf)\/\d+$/.exec(location.pointer);
  return m ? atPointer(doc, m[1] || "#") : undefined;
}

function describeKind(change: RedoclyChange): string {
  const property = /\/properties\/([^/]+)$/.exec(change.path)?.[1];
  const what = change.property
    ? `\`${change.property}\``
    : property && change.typeName === "Schema"
      ? `Property \`${unescape(property)}\``
      : change.typeName === "PathItem"
        ? "Path"
        : change.typeName.replace(/([a-z])([A-Z])/g, "$1 $2");
  if (change.kind === "added") return `${what} added.`;
  if (change.kind === "removed") return `${what} removed.`;
  return `${what} changed.`;
}

/**
 * A walk path made readable: `POST /api/v3.1/connected_accounts request body: connection.state
 * (OAuth1State).val`, `GET /x response 200: items[].status`, `schema ConnectionStatus`.
 */
export function describePath(doc: Schema, change: Pick<RedoclyChange, "path" | "kind" | "property">): string {
  const parts = change.path.replace(/^#\/?/, "").split("/").filter(Boolean).map(unescape);
  let head = "";
  let field = "";
  let node: unknown = doc;
  const deref = (value: unknown): unknown => {
    for (let hops = 0; isObject(value) && typeof value.$ref === "string" && hops < 32; hops++)
      value = atPointer(doc, value.$ref);
    return value;
  };
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const parent = node;
    node = deref(isObject(node) || Array.isArray(node) ? (node as any)[part] : undefined);
    if (i === 0 && part === "paths" && parts[1] !== undefined) {
      head = parts[1];
      const method = parts[2];
      node = deref((doc.paths as Schema | undefined)?.[parts[1]]);
      i++;
      if (method && HTTP_METHODS.includes(method)) {
        head = `${method.toUpperCase()} ${head}`;
        node = deref(isObject(node) ? node[method] : undefined);
        i++;
      }
      continue;
    }
    if (i === 0 && part === "components" && parts[1]) {
      head = parts[2] ? `${parts[1].replace(/s$/, "")} ${parts[2]}` : `components.${parts[1]}`;
      node = deref(atPointer(doc, `#/components/${escape(parts[1])}/${escape(parts[2] ?? "")}`));
      i += parts[2] ? 2 : 1;
      continue;
    }
    if (i === 0 && part !== "paths") {
      head = part;
      continue;
    }
    if (part === "requestBody") head += " request body";
    else if (part === "responses" && parts[i + 1]) {
      head += ` response ${parts[i + 1]}`;
      node = deref(isObject(node) ? node[parts[i + 1]!] : undefined);
      i++;
    } else if (part === "parameters" && parts[i + 1] !== undefined) {
      const parameter = deref(Array.isArray(node) ? node[Number(parts[i + 1])] : undefined);
      head += isObject(parameter) ? ` ${parameter.in} parameter ${parameter.name}` : " parameter";
      node = parameter;
      i++;
    } else if (part === "content" || part === "schema" || part === "allOf") {
      if (part === "content") {
        node = deref(isObject(node) ? node[parts[i + 1]!] : undefined);
        i++;
      }
      if (part === "allOf") {
        node = deref(Array.isArray(node) ? node[Number(parts[i + 1])] : undefined);
        i++;
      }
    } else if (part === "properties" && parts[i + 1] !== undefined) {
      field += `${field ? "." : ""}${parts[i + 1]}`;
      node = deref(isObject(node) ? node[parts[i + 1]!] : undefined);
      i++;
    } else if ((part === "oneOf" || part === "anyOf") && parts[i + 1] !== undefined) {
      const raw = Array.isArray(node) ? node[Number(parts[i + 1])] : undefined;
      const name =
        isObject(raw) && typeof raw.$ref === "string"
          ? raw.$ref.split("/").pop()
          : isObject(deref(raw)) && typeof (deref(raw) as Schema).title === "string"
            ? (deref(raw) as Schema).title
            : `#${parts[i + 1]}`;
      field += `(${name})`;
      node = deref(raw);
      i++;
    } else if (part === "items") {
      field += "[]";
    } else if (!isObject(parent) && !Array.isArray(parent)) {
      field += `${field ? "." : ""}${part}`;
    } else {
      field += `${field ? " " : ""}${part}`;
    }
  }
  head = head.trim() || "document";
  const property = change.kind === "modified" && change.property ? ` (${change.property})` : "";
  return `${head}${field ? `: ${field}` : ""}${property}`;
}

/** The whole rating: normalize, diff, apply our rules. */
export async function rateSpec(base: Schema, revision: Schema, configPath: string): Promise<SpecRating> {
  const [b, r] = normalizePair(base, revision);
  const report = await redoclyDiff(b, r, configPath);
  return rateSpecChanges(report, b, r);
}

// What Composio changed between two pinned copies of its description (the baseline and the copy),
// each change rated by what it does to a user of this client: the request they can send, the
// answer they read, the key they use. Not a generic OpenAPI diff: it knows which side of the wire
// a schema is on, that the client names its own methods and base URL, which keys it sends, and
// that the auth-state union is told apart by its discriminators.
//
// UNIONS. A `oneOf`/`anyOf` of objects is a list of members (a member that is itself such a union
// adds its members), each known by its discriminator value: the constant it gives one property
// (`const`, or an `enum` of one, through `$ref` and `allOf`), or the value `discriminator.mapping`
// gives its `$ref`. The property is chosen once for both sides: of the names the unions write
// (`discriminator.propertyName`) and their members' properties, the one that tells the most members
// apart on both sides (`authScheme`, and inside `val`, `status`). Members are paired by that value,
// never by title, position or likeness, so a change is named by member and field:
//   `GET … response 200: state.val.expires_in — OAUTH2 · ACTIVE: `expires_in` now number | string | null (was number)`
// A second member giving the same value is `OAUTH2 #2`; a member giving none is named by its title,
// its component or its place (`#3`) and is paired only with an identical member of the other side.
// A member only one side has is added or removed as a whole (its fields are not listed). A change
// several members share is listed once, naming them: `OAUTH2 · INITIALIZING, ACTIVE: …` (each level's
// names, the members being every combination), or, when they are no such product, groups joined by
// `; `. A `oneOf`/`anyOf` of scalars (`number | string | null`) is one schema of several types.
//
// RATINGS. In a request (parameters, body) a change that refuses what was accepted is major
// (a field removed or made required, a type or an enum narrowed, a member removed, a key the client
// sends no longer taken); one that accepts more is minor. In an answer, a change that can break the
// code reading it is major (a field removed or no longer required, a type widened, a value or member
// added, unless the client's counterpart is `x-sdk-open`: then minor, unknown values already pass, or
// lists fewer values on purpose, which pinned.ts marks `x-sdk-ours-values`: revoke answers REVOKED);
// one that only promises more, or less variety, is minor (a field added, a value no longer sent, said).
// What cannot touch a user is patch, and says what it is: `servers` (the client's base URL is its
// own), a security scheme's name or header case (headers are case-insensitive), an unused scheme, an
// alternative this client never sends (a cookie), `format`, `default`, tags, operation ids,
// `x-` extensions such as `x-codeSamples`, an error status added or removed. A request's length,
// pattern and range limits tightened are major; in an answer they are patch.
import { isObject, jsonType } from "../release/spec-rating.js";
import { maxRating, rank, type Impact, type RatedChange, type Rating } from "../release/impact.js";
import type { Schema } from "../lib/spec.js";
import { asciiJson, nodeKey, pathKey, shown } from "./compare.js";

export interface UpstreamChange {
  rating: Rating;
  /** Every change, largest impact first. */
  changes: RatedChange[];
}

export interface ChangeOptions {
  /**
   * The credentials this client sends (`header x-api-key`, header names lowercased): an alternative
   * of an operation's security made of them only is one a user can use. By default every header or
   * query API key and every HTTP scheme.
   */
  clientCredentials?: ReadonlySet<string>;
}

type Direction = "request" | "response";

/** One change at one place, for one union member (or none). Merged by label before it is shown. */
interface Atom {
  impact: Impact;
  where: string;
  /** The union members it is in, outermost first: `["OAUTH2", "ACTIVE"]`. */
  label: string[];
  text: string;
  rule: string;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

// ── Following refs ──────────────────────────────────────────────────────────────────────────────

const unescape = (part: string): string => part.replace(/~1/g, "/").replace(/~0/g, "~");

function atPointer(doc: Schema, pointer: string): unknown {
  return pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map(unescape)
    .reduce<unknown>(
      (node, key) => (isObject(node) || Array.isArray(node) ? (node as any)[key] : undefined),
      doc,
    );
}

/** A node with its `$ref`s followed; the referring node's own keys win. Never throws: the pull
 * refuses a copy with a dangling ref, and a baseline pulled before that rule reads as `{}`. */
function resolve(doc: Schema, node: unknown): Schema {
  let current: unknown = node;
  let siblings: Schema = {};
  for (let hops = 0; isObject(current) && typeof current.$ref === "string" && hops < 32; hops++) {
    const { $ref, ...rest } = current;
    siblings = { ...rest, ...siblings };
    current = atPointer(doc, $ref);
  }
  return isObject(current) ? { ...current, ...siblings } : siblings;
}

/** How deep the comparison follows schemas (fields, items, members): well past what Composio's documents use. */
const MAX_DEPTH = 40;

// ── A schema as a shape ─────────────────────────────────────────────────────────────────────────

interface Member {
  /** The member's own object, its `allOf` merged and the union's properties beside it added. */
  node: Schema;
  /** The component the member refers to, if it is a `$ref`: `#/components/schemas/OAuth2`. */
  ref?: string;
}

/** How a union's members are told apart, as the union writes it: `discriminator`. */
interface Written {
  propertyName?: string;
  /** value → the member's `$ref`. */
  mapping: Map<string, string>;
}

interface Shape {
  /** No type and no values: any value at all. */
  any: boolean;
  /** The non-null types, in the order written (`integer`, `array` …). */
  types: string[];
  nullable: boolean;
  /** The allowed non-null values (JSON), when restricted. */
  values?: unknown[];
  /** Properties (a required name with no schema is any value) and the required names. */
  properties?: Map<string, unknown>;
  required: Set<string>;
  additional?: unknown;
  /** An array's items, each array alternative's. */
  items: unknown[];
  /** A union of objects: its members, paired with the other side's by `Walk.members`. */
  members?: Member[];
  written?: Written;
  open: boolean;
  /** The values our spec's counterpart lists, where it lists fewer than this side (pinned.ts marks them). */
  ours?: unknown[];
  deprecated: boolean;
  /** Keywords that annotate or limit: format, default, lengths, patterns, ranges, `x-` extensions. */
  notes: Record<string, unknown>;
}

const LIMITS = [
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
];
const ANNOTATIONS = ["format", "default", "readOnly", "writeOnly", "contentEncoding", "contentMediaType"];
/** Our own marks and what only documents: never a change. */
const IGNORED = new Set([
  "x-sdk-open",
  "x-sdk-ours-values",
  "title",
  "description",
  "summary",
  "example",
  "examples",
]);

const typesOf = (s: Schema): string[] =>
  typeof s.type === "string"
    ? [s.type]
    : Array.isArray(s.type)
      ? s.type.filter((t) => typeof t === "string")
      : [];

const isNullOnly = (s: Schema): boolean =>
  (typesOf(s).length > 0 && typesOf(s).every((t) => t === "null")) ||
  ("const" in s && s.const === null) ||
  (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((v: unknown) => v === null)) ||
  // OpenAPI 3.0's way of saying "or null" inside an anyOf: `{ nullable: true }` and nothing else.
  (s.nullable === true && Object.keys(s).every((k) => k === "nullable" || IGNORED.has(k)));

const isObjectLike = (s: Schema): boolean =>
  typesOf(s).includes("object") || isObject(s.properties) || Array.isArray(s.required);

/** Two parts of an `allOf`, as one schema. */
function mergeParts(a: Schema, b: Schema): Schema {
  const out: Schema = { ...b, ...a };
  if (a.properties || b.properties) out.properties = { ...b.properties, ...a.properties };
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return out;
}

/** A schema with its `allOf` parts merged in; a part that is a schema being merged already (a
 * loop of `allOf`s) adds nothing. */
function flatten(doc: Schema, node: unknown, open: string[] = []): Schema {
  const s = resolve(doc, node);
  if (!Array.isArray(s.allOf)) return s;
  const { allOf, ...rest } = s;
  return (allOf as unknown[]).reduce<Schema>((acc, part) => {
    const key = nodeKey(part);
    return open.includes(key) || open.length > MAX_DEPTH
      ? acc
      : mergeParts(acc, flatten(doc, part, [...open, key]));
  }, rest);
}

const shapes = new WeakMap<object, Shape>();

function shapeOf(doc: Schema, node: unknown): Shape {
  if (isObject(node)) {
    const known = shapes.get(node);
    if (known) return known;
  }
  const shape = makeShape(doc, node);
  if (isObject(node)) shapes.set(node, shape);
  return shape;
}

function makeShape(doc: Schema, node: unknown): Shape {
  const s = flatten(doc, node);
  const shape: Shape = {
    any: false,
    types: [],
    nullable: s.nullable === true,
    required: new Set(Array.isArray(s.required) ? s.required : []),
    items: [],
    open: s["x-sdk-open"] === true,
    ...(Array.isArray(s["x-sdk-ours-values"]) && { ours: s["x-sdk-ours-values"] as unknown[] }),
    deprecated: s.deprecated === true,
    notes: {},
  };
  for (const [key, value] of Object.entries(s))
    if (LIMITS.includes(key) || ANNOTATIONS.includes(key) || (key.startsWith("x-") && !IGNORED.has(key)))
      shape.notes[key] = value;
  const key = Array.isArray(s.oneOf) ? "oneOf" : Array.isArray(s.anyOf) ? "anyOf" : undefined;
  const alternatives: Schema[] = [];
  if (key) {
    const members: Member[] = [];
    // A member that is itself a union of objects adds its members (a null one makes it nullable).
    const collect = (union: Schema, depth: number): boolean => {
      const unionKey = Array.isArray(union.oneOf) ? "oneOf" : "anyOf";
      // Properties written beside the union belong to every member.
      const beside =
        union.properties || union.required
          ? ({ properties: union.properties, required: union.required } as Schema)
          : undefined;
      let objects = true;
      for (const raw of union[unionKey] as unknown[]) {
        const member = flatten(doc, raw);
        if (isNullOnly(member)) {
          shape.nullable = true;
          continue;
        }
        const inner = Array.isArray(member.oneOf) || Array.isArray(member.anyOf);
        if (inner && depth < 8) {
          if (!collect(beside ? mergeParts(member, beside) : member, depth + 1)) objects = false;
          continue;
        }
        alternatives.push(member);
        if (!isObjectLike(member)) objects = false;
        const ref = isObject(raw) && typeof raw.$ref === "string" ? raw.$ref : undefined;
        members.push({ node: beside ? mergeParts(member, beside) : member, ...(ref && { ref }) });
      }
      return objects;
    };
    if (collect(s, 0) && members.length > 0) {
      const d = isObject(s.discriminator) ? s.discriminator : {};
      shape.written = {
        ...(typeof d.propertyName === "string" && { propertyName: d.propertyName }),
        mapping: new Map(
          Object.entries(isObject(d.mapping) ? d.mapping : {}).filter(
            (e): e is [string, string] => typeof e[1] === "string",
          ),
        ),
      };
      shape.members = members;
      shape.types = ["object"];
      return shape;
    }
  } else alternatives.push(s);

  // One schema, or a union of scalars (`number | string | null`): its types, values and items.
  let restricted = true;
  const values: unknown[] = [];
  for (const alt of alternatives) {
    const declared = typesOf(alt).filter((t) => t !== "null");
    if (typesOf(alt).includes("null")) shape.nullable = true;
    if (alt.nullable === true) shape.nullable = true;
    const own = "const" in alt ? [alt.const] : Array.isArray(alt.enum) ? alt.enum : undefined;
    if (own?.includes(null)) shape.nullable = true;
    if (own) values.push(...own.filter((v: unknown) => v !== null));
    else restricted = false;
    const types = declared.length
      ? declared
      : own
        ? [...new Set(own.filter((v: unknown) => v !== null).map(jsonType))]
        : isObjectLike(alt)
          ? ["object"]
          : alt.items
            ? ["array"]
            : [];
    for (const t of types) if (!shape.types.includes(t)) shape.types.push(t);
    if (alt.items !== undefined) shape.items.push(alt.items);
    if (isObjectLike(alt)) {
      shape.properties ??= new Map();
      for (const [name, prop] of Object.entries((alt.properties ?? {}) as Schema))
        shape.properties.set(name, prop);
      for (const name of alt.required ?? [])
        if (!shape.properties.has(name)) shape.properties.set(name, undefined);
      if (alternatives.length > 1) for (const name of alt.required ?? []) shape.required.add(name);
      if (alt.additionalProperties !== undefined) shape.additional = alt.additionalProperties;
    }
  }
  if (restricted && values.length)
    shape.values = [...new Map(values.map((v) => [JSON.stringify(v), v])).values()];
  shape.any = !shape.types.length && !shape.values && !shape.members;
  return shape;
}

// ── Pairing members ─────────────────────────────────────────────────────────────────────────────

/** A member as one side names it, and the key it is paired by (none: paired only if identical). */
interface Named {
  name: string;
  key?: string;
  node: Schema;
}

/** The single value a member gives `name` (`const`, an `enum` of one, through `$ref` and
 * `allOf`), else the value the union's `discriminator.mapping` (or the component's own name,
 * OpenAPI's implicit mapping) gives its `$ref`. */
function tagOf(doc: Schema, written: Written | undefined, member: Member, name: string): string | undefined {
  const p = flatten(doc, member.node.properties?.[name]);
  const values = "const" in p ? [p.const] : Array.isArray(p.enum) ? p.enum.filter((v) => v !== null) : [];
  if (values.length) return values.length === 1 && typeof values[0] === "string" ? values[0] : undefined;
  if (written?.propertyName !== name || !member.ref || !(name in (member.node.properties ?? {})))
    return undefined;
  const mapped = [...written.mapping].filter(([, ref]) => ref === member.ref).map(([value]) => value);
  if (mapped.length === 1) return mapped[0];
  return mapped.length === 0 && member.ref.startsWith("#/components/schemas/")
    ? member.ref.split("/").pop()
    : undefined;
}

/** How many of a side's members `name` tells apart (a value no other member gives). */
function told(doc: Schema, shape: Shape, name: string): number {
  const tags = shape.members!.map((m) => tagOf(doc, shape.written, m, name));
  return tags.filter((t) => t !== undefined && tags.indexOf(t) === tags.lastIndexOf(t)).length;
}

/**
 * The property both sides' members are told apart by (`authScheme`, `status`): of the names the
 * unions write (`discriminator.propertyName`) and their members' properties, the one that tells the
 * most members apart on both sides together; one that every member requires first, then a written one.
 */
function discriminatorOf(base: Schema, b: Shape, revision: Schema, r: Shape): string | undefined {
  const names = [
    ...new Set([
      ...[b.written?.propertyName, r.written?.propertyName].filter((n): n is string => !!n),
      ...[...b.members!, ...r.members!].flatMap((m) => Object.keys(m.node.properties ?? {})),
    ]),
  ];
  const requiredByAll = (name: string) =>
    [...b.members!, ...r.members!].every((m) => (m.node.required ?? []).includes(name));
  let best: { name: string; score: number } | undefined;
  for (const name of names) {
    const score = (told(base, b, name) + told(revision, r, name)) * 2 + (requiredByAll(name) ? 1 : 0);
    if (score > 1 && (!best || score > best.score)) best = { name, score };
  }
  return best?.name;
}

/**
 * A side's members, each with its name and the key it is paired by: its discriminator value
 * (`OAUTH2`; a second member giving the same one is `OAUTH2 #2`). A member with no value of its
 * own is named by its title or component, else by its place (`#3`), and is paired only with an
 * identical member of the other side: never by its place.
 */
function namedMembers(doc: Schema, shape: Shape, discriminator: string | undefined): Named[] {
  const seen = new Map<string, number>();
  return shape.members!.map((member, i) => {
    const tag = discriminator === undefined ? undefined : tagOf(doc, shape.written, member, discriminator);
    if (tag !== undefined) {
      const n = (seen.get(tag) ?? 0) + 1;
      seen.set(tag, n);
      const name = n === 1 ? shown(tag) : `${shown(tag)} #${n}`;
      return { name, key: name, node: member.node };
    }
    const name =
      typeof member.node.title === "string"
        ? member.node.title
        : (member.ref?.split("/").pop() ?? `#${i + 1}`);
    return { name, node: member.node };
  });
}

/**
 * A schema as plain data to compare whole: its refs followed (a ref back into one being read is
 * left as the ref), keys sorted, prose and titles left out. Bounded: past `budget` nodes it stops
 * (`budget.left` below 0), and what it made is not to be compared.
 */
function canonicalOf(doc: Schema, node: unknown, budget: { left: number }, open: string[] = []): unknown {
  if (--budget.left < 0) return undefined;
  if (Array.isArray(node)) return node.map((item) => canonicalOf(doc, item, budget, open));
  if (!isObject(node)) return node;
  if (typeof node.$ref === "string") {
    if (open.includes(node.$ref) || open.length > 32) return { $ref: node.$ref };
    return canonicalOf(doc, resolve(doc, node), budget, [...open, node.$ref]);
  }
  return Object.fromEntries(
    Object.keys(node)
      .filter((key) => !IGNORED.has(key) || key === "x-sdk-open")
      .sort()
      .map((key) => [key, canonicalOf(doc, node[key], budget, open)]),
  );
}

/** Whether two schemas say the same, titles and prose aside (too large to tell: not the same). */
function sameSchema(aDoc: Schema, a: unknown, bDoc: Schema, b: unknown): boolean {
  const budget = { left: 10_000 };
  const same = JSON.stringify(canonicalOf(aDoc, a, budget)) === JSON.stringify(canonicalOf(bDoc, b, budget));
  return same && budget.left >= 0;
}

// ── Describing ──────────────────────────────────────────────────────────────────────────────────

function typeText(doc: Schema, shape: Shape, depth = 0): string {
  if (shape.members) return `a union of ${shape.members.length} members${shape.nullable ? " | null" : ""}`;
  if (shape.any) return "any value";
  const parts = shape.types.map((t) => {
    if (t !== "array" || depth > 4) return t;
    const items = shape.items.map((i) => shapeOf(doc, i));
    if (!items.length) return "array";
    const inner = items.map((i) => typeText(doc, i, depth + 1)).join(" | ");
    return / \| /.test(inner) ? `(${inner})[]` : `${inner}[]`;
  });
  if (shape.nullable) parts.push("null");
  return parts.join(" | ");
}

const valueText = (values: unknown[]): string =>
  values.map((v) => (typeof v === "string" ? shown(v) : asciiJson(JSON.stringify(v)))).join(", ");

const noteText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

// ── Comparing ───────────────────────────────────────────────────────────────────────────────────

interface Place {
  base: Schema;
  revision: Schema;
  direction: Direction;
  /** `GET /path response 200`, `POST /path request body`, `GET /path query parameter x`. */
  head: string;
  /** An error answer (not 2xx): the client reads its body defensively, so at most minor. */
  errorAnswer: boolean;
  out: Atom[];
}

class Walk {
  constructor(readonly place: Place) {}

  add(field: string, label: string[], impact: Impact, text: string, rule: string): void {
    const { head, errorAnswer, out } = this.place;
    const capped = errorAnswer && impact === "major" ? "minor" : impact;
    out.push({ impact: capped, where: field ? `${head}: ${field}` : head, label, text, rule });
  }

  /** `request`/`response`: which impact applies on this side of the wire. */
  pick(request: Impact, response: Impact): Impact {
    return this.place.direction === "request" ? request : response;
  }

  /** The pairs of schemas being compared, from the answer or request down to here (`nodeKey`). */
  private readonly open = new Set<string>();

  schema(field: string, name: string, label: string[], baseNode: unknown, revNode: unknown, depth = 0): void {
    const { base, revision } = this.place;
    // A schema that holds itself (a tree's children): the pair is being compared already, above.
    const pair = `${nodeKey(baseNode)}\0${nodeKey(revNode)}`;
    if (this.open.has(pair)) return;
    if (depth > MAX_DEPTH) {
      // Never a silent cut: what differs below is said to be unread.
      if (!sameSchema(base, baseNode, revision, revNode))
        this.add(
          field,
          label,
          "major",
          `\`${name}\` changed ${MAX_DEPTH} levels down or deeper, where this comparison stops: read it in the documents`,
          "upstream/too-deep",
        );
      return;
    }
    this.open.add(pair);
    try {
      this.compare(field, name, label, baseNode, revNode, depth);
    } finally {
      this.open.delete(pair);
    }
  }

  private compare(
    field: string,
    name: string,
    label: string[],
    baseNode: unknown,
    revNode: unknown,
    depth: number,
  ): void {
    const { base, revision } = this.place;
    const b = shapeOf(base, baseNode);
    const r = shapeOf(revision, revNode);
    const was = typeText(base, b);
    const now = typeText(revision, r);

    // Either side any value: one change, nothing below it to compare.
    if (b.any !== r.any) {
      if (r.any)
        this.add(
          field,
          label,
          this.pick("minor", "major"),
          `\`${name}\` now any value (was ${was})`,
          "upstream/untyped",
        );
      else this.add(field, label, "minor", `\`${name}\` now ${now} (was any value)`, "upstream/typed");
      return;
    }

    // A union of one member against a plain object: that member is the object.
    const single = (shape: Shape, doc: Schema) =>
      shape.members?.length === 1 ? shapeOf(doc, shape.members[0]!.node) : shape;
    if (!b.members !== !r.members && (b.members ?? r.members)!.length === 1) {
      const bs = single(b, base);
      const rs = single(r, revision);
      if (bs.properties || rs.properties) this.properties(field, label, bs, rs, depth);
      return;
    }
    if (b.members || r.members) {
      if (b.members && r.members) this.members(field, label, b, r, depth);
      else
        this.add(
          field,
          label,
          b.members ? this.pick("major", "minor") : this.pick("minor", "major"),
          `\`${name}\` now ${now} (was ${was})`,
          "upstream/union",
        );
      if (b.nullable !== r.nullable)
        this.add(
          field,
          label,
          r.nullable ? this.pick("minor", "major") : this.pick("major", "minor"),
          `\`${name}\` ${r.nullable ? "now" : "no longer"} nullable`,
          "upstream/nullable",
        );
      return;
    }

    // Types, null included: what is no longer accepted narrows a request, what may now come widens an answer.
    const covers = (types: string[], t: string) =>
      types.includes(t) || (t === "integer" && types.includes("number"));
    const bTypes = [...b.types, ...(b.nullable ? ["null"] : [])];
    const rTypes = [...r.types, ...(r.nullable ? ["null"] : [])];
    const narrowed = bTypes.some((t) => !covers(rTypes, t));
    const widened = rTypes.some((t) => !covers(bTypes, t));
    if (narrowed || widened)
      this.add(
        field,
        label,
        this.place.direction === "request" ? (narrowed ? "major" : "minor") : widened ? "major" : "minor",
        `\`${name}\` now ${now} (was ${was})`,
        "upstream/type",
      );

    // Values.
    if (b.values || r.values) {
      if (b.values && r.values) {
        const key = (v: unknown) => JSON.stringify(v);
        const rKeys = new Set(r.values.map(key));
        const bKeys = new Set(b.values.map(key));
        const lost = b.values.filter((v) => !rKeys.has(key(v)));
        const gained = r.values.filter((v) => !bKeys.has(key(v)));
        if (lost.length)
          this.add(
            field,
            label,
            this.pick("major", "minor"),
            `\`${name}\` lost ${valueText(lost)}`,
            "upstream/enum-lost",
          );
        // In an answer our spec had narrowed on purpose before the change (revoke answers only
        // REVOKED), a value upstream adds reaches no user's code: minor, saying why.
        const narrowed = this.place.direction === "response" && !r.open && b.ours;
        if (gained.length)
          this.add(
            field,
            label,
            this.pick("minor", r.open || narrowed ? "minor" : "major"),
            `\`${name}\` gained ${valueText(gained)}${narrowed ? `: our spec answers only ${valueText(narrowed)} here (a recorded difference)` : ""}`,
            this.place.direction === "request"
              ? "upstream/enum-accepts-more"
              : r.open
                ? "upstream/open-enum-grew"
                : narrowed
                  ? "upstream/enum-gained-beyond-ours"
                  : "upstream/enum-gained",
          );
      } else if (b.values)
        this.add(
          field,
          label,
          this.pick("minor", r.open ? "minor" : "major"),
          `\`${name}\` no longer limited to ${valueText(b.values)}`,
          "upstream/enum-dropped",
        );
      else
        this.add(
          field,
          label,
          this.pick("major", "minor"),
          `\`${name}\` now limited to ${valueText(r.values!)}`,
          "upstream/enum-set",
        );
    }

    this.notes(field, name, label, b, r);

    if (b.properties || r.properties) this.properties(field, label, b, r, depth);

    if (b.items.length && r.items.length)
      this.schema(`${field}[]`, `${name}[]`, label, b.items[0], r.items[0], depth + 1);
  }

  /** Annotations (patch) and limits (in a request, tightening refuses what passed). */
  notes(field: string, name: string, label: string[], b: Shape, r: Shape): void {
    for (const key of new Set([...Object.keys(b.notes), ...Object.keys(r.notes)])) {
      const was = b.notes[key];
      const now = r.notes[key];
      if (JSON.stringify(was) === JSON.stringify(now)) continue;
      const said =
        now === undefined
          ? `\`${name}\` ${key} ${noteText(was)} removed`
          : `\`${name}\` ${key} ${noteText(now)}${was === undefined ? "" : ` (was ${noteText(was)})`}`;
      if (LIMITS.includes(key)) {
        const tighter =
          now !== undefined &&
          (was === undefined ||
            (typeof was === "number" &&
              typeof now === "number" &&
              (/^(max|exclusiveMax)/.test(key) ? now < was : now > was)) ||
            typeof was !== "number");
        this.add(
          field,
          label,
          this.place.direction === "request" ? (tighter ? "major" : "minor") : "patch",
          `${said}: a limit`,
          "upstream/limit",
        );
      } else
        this.add(
          field,
          label,
          "patch",
          `${said}: ${key.startsWith("x-") ? "an extension" : "an annotation"}; the types are the same`,
          "upstream/annotation",
        );
    }
  }

  properties(field: string, label: string[], b: Shape, r: Shape, depth: number): void {
    const bp = b.properties ?? new Map<string, unknown>();
    const rp = r.properties ?? new Map<string, unknown>();
    const path = (name: string) => (field ? `${field}.${shown(name)}` : shown(name));
    for (const [name, node] of rp) {
      if (bp.has(name)) continue;
      const required = r.required.has(name);
      const type =
        node === undefined ? "any value" : typeText(this.place.revision, shapeOf(this.place.revision, node));
      this.add(
        path(name),
        label,
        this.pick(required ? "major" : "minor", "minor"),
        `\`${shown(name)}\` added (${required ? "required" : "optional"}, ${type})`,
        "upstream/property-added",
      );
    }
    for (const [name] of bp)
      if (!rp.has(name))
        this.add(path(name), label, "major", `\`${shown(name)}\` removed`, "upstream/property-removed");
    for (const [name, baseNode] of bp) {
      if (!rp.has(name)) continue;
      const revNode = rp.get(name);
      const wasRequired = b.required.has(name);
      const isRequired = r.required.has(name);
      if (wasRequired !== isRequired)
        this.add(
          path(name),
          label,
          isRequired ? this.pick("major", "minor") : this.pick("minor", "major"),
          `\`${shown(name)}\` ${isRequired ? "now required" : "no longer required"}`,
          "upstream/required",
        );
      // A name kept in `required` whose schema went from `properties` (or came back): the field is
      // still there, no longer described (any value), not a type widened.
      if ((baseNode === undefined) !== (revNode === undefined)) {
        const described = (doc: Schema, node: unknown) => typeText(doc, shapeOf(doc, node));
        if (revNode === undefined)
          this.add(
            path(name),
            label,
            this.pick("minor", "major"),
            `\`${shown(name)}\` no longer described (still required, any value; was ${described(this.place.base, baseNode)})`,
            "upstream/undescribed",
          );
        else
          this.add(
            path(name),
            label,
            "minor",
            `\`${shown(name)}\` now described: ${described(this.place.revision, revNode)} (was required, any value)`,
            "upstream/described",
          );
        continue;
      }
      const bs = shapeOf(this.place.base, baseNode);
      const rs = shapeOf(this.place.revision, revNode);
      if (bs.deprecated !== rs.deprecated && !bs.any && !rs.any)
        this.add(
          path(name),
          label,
          "patch",
          `\`${shown(name)}\` ${rs.deprecated ? "deprecated" : "no longer deprecated"}`,
          "upstream/deprecated",
        );
      this.schema(path(name), shown(name), label, baseNode, revNode, depth + 1);
    }
    if (JSON.stringify(b.additional) !== JSON.stringify(r.additional)) {
      const shut = (a: unknown) => a === false;
      const impact: Impact =
        this.place.direction === "request"
          ? shut(r.additional)
            ? "major"
            : shut(b.additional)
              ? "minor"
              : "patch"
          : "patch";
      this.add(
        field,
        label,
        impact,
        `other properties: ${noteText(r.additional ?? "allowed")} (was ${noteText(b.additional ?? "allowed")})`,
        "upstream/additional-properties",
      );
    }
  }

  /** Two unions of objects: members paired by their discriminator's value. */
  members(field: string, label: string[], b: Shape, r: Shape, depth: number): void {
    const { base, revision } = this.place;
    const discriminator = discriminatorOf(base, b, revision, r);
    const bm = namedMembers(base, b, discriminator);
    const rm = namedMembers(revision, r, discriminator);
    // Members with no value of their own are paired only with an identical one.
    const same = (x: Named, y: Named) =>
      x.key === undefined && y.key === undefined && sameSchema(base, x.node, revision, y.node);
    const partner = new Map<Named, Named>();
    for (const x of bm) {
      const y = rm.find(
        (y) => ![...partner.values()].includes(y) && (x.key !== undefined ? y.key === x.key : same(x, y)),
      );
      if (y) partner.set(x, y);
    }
    const paired = new Set(partner.values());
    for (const x of bm)
      if (!partner.has(x))
        this.add(
          field,
          [...label, x.name],
          this.pick("major", "minor"),
          "member removed",
          "upstream/member-removed",
        );
    for (const y of rm)
      if (!paired.has(y))
        this.add(
          field,
          [...label, y.name],
          this.pick("minor", r.open ? "minor" : "major"),
          "member added",
          r.open ? "upstream/open-union-grew" : "upstream/member-added",
        );
    // Whether the discriminator tells every member apart, on each side.
    const tellsAll = (doc: Schema, shape: Shape) =>
      discriminator !== undefined && told(doc, shape, discriminator) === shape.members!.length;
    if (tellsAll(base, b) !== tellsAll(revision, r))
      this.add(
        field,
        label,
        this.pick("major", "major"),
        tellsAll(revision, r)
          ? `members now all told apart by \`${discriminator}\``
          : `members no longer all told apart by \`${discriminator}\``,
        "upstream/discriminator",
      );
    for (const [x, y] of partner) {
      if (x.key === undefined) continue; // identical
      // The member's own object, its discriminator included: compared as any object.
      const bs = shapeOf(base, x.node);
      const rs = shapeOf(revision, y.node);
      this.properties(field, [...label, x.name], bs, rs, depth + 1);
    }
  }
}

// ── Operations ──────────────────────────────────────────────────────────────────────────────────

interface Operation {
  method: string;
  path: string;
  op: Schema;
  item: Schema;
}

function operationsOf(doc: Schema): Map<string, Operation> {
  const ops = new Map<string, Operation>();
  for (const [path, raw] of Object.entries((doc.paths ?? {}) as Schema)) {
    const item = resolve(doc, raw);
    for (const method of HTTP_METHODS)
      if (isObject(item[method]))
        ops.set(`${method.toUpperCase()} ${pathKey(path)}`, { method, path, op: item[method], item });
  }
  return ops;
}

function parametersOf(doc: Schema, { op, item, path }: Operation): Map<string, Schema> {
  const params = new Map<string, Schema>();
  const template = [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
    const p = resolve(doc, raw);
    // A path parameter is known by its place in the path: its name is not part of the URL.
    params.set(p.in === "path" ? `path #${template.indexOf(p.name)}` : `${p.in} ${p.name}`, {
      ...p,
      name: shown(String(p.name)),
    });
  }
  return params;
}

const defaultStyle = (p: Schema): string =>
  p.style ?? (p.in === "query" || p.in === "cookie" ? "form" : "simple");
const explodes = (p: Schema): boolean => p.explode ?? defaultStyle(p) === "form";

/** A security scheme as what the client sends: `header x-api-key`, `cookie authToken`, `http bearer`. */
function credentialOf(scheme: Schema | undefined, name: string): string {
  if (!scheme) return `scheme ${name} (not defined)`;
  if (scheme.type === "apiKey")
    return `${scheme.in} ${scheme.in === "header" ? String(scheme.name).toLowerCase() : scheme.name}`;
  if (scheme.type === "http") return `http ${String(scheme.scheme).toLowerCase()}`;
  return String(scheme.type);
}

const schemesOf = (doc: Schema): Schema => (doc.components?.securitySchemes ?? {}) as Schema;

/** The alternatives of an operation's security, each the credentials it takes. A scheme a
 * document names without defining is read from the other document when that one defines it. */
function alternativesOf(doc: Schema, other: Schema, op: Schema): string[] {
  const requirements: unknown[] = op.security ?? doc.security ?? [];
  if (!requirements.length) return ["none"];
  const credential = (name: string): string => {
    const own = schemesOf(doc)[name];
    const theirs = schemesOf(other)[name];
    return credentialOf(
      isObject(own) ? resolve(doc, own) : isObject(theirs) ? resolve(other, theirs) : undefined,
      name,
    );
  };
  return requirements.map((req) =>
    isObject(req) && Object.keys(req).length ? Object.keys(req).map(credential).sort().join(" + ") : "none",
  );
}

export function diffUpstream(base: Schema, revision: Schema, options: ChangeOptions = {}): UpstreamChange {
  const atoms: Atom[] = [];
  const top = (where: string, impact: Impact, text: string, rule: string) =>
    atoms.push({ impact, where, label: [], text, rule });
  const usable = (alternative: string): boolean =>
    alternative === "none" ||
    alternative
      .split(" + ")
      .every((c) =>
        options.clientCredentials ? options.clientCredentials.has(c) : /^(header|query|http) /.test(c),
      );

  // The document: where it says the API is, and the schemes it defines.
  const servers = (doc: Schema) =>
    (Array.isArray(doc.servers) ? doc.servers : []).map((s: Schema) => String(s?.url)).join(", ") || "none";
  if (servers(base) !== servers(revision))
    top(
      "servers",
      "patch",
      `servers now ${servers(revision)} (was ${servers(base)}): where Composio's description points; this client's base URL is its own (the baseUrl option)`,
      "upstream/servers",
    );
  const uses = (doc: Schema, name: string) =>
    [...operationsOf(doc).values()].filter((o) =>
      ((o.op.security ?? doc.security ?? []) as unknown[]).some((req) => isObject(req) && name in req),
    ).length;
  const bSchemes = schemesOf(base);
  const rSchemes = schemesOf(revision);
  const credential = (doc: Schema, schemes: Schema, name: string) =>
    isObject(schemes[name]) ? credentialOf(resolve(doc, schemes[name]), name) : undefined;
  const usedBy = (doc: Schema, name: string) => {
    const count = uses(doc, name);
    return count ? `used by ${count} operation${count === 1 ? "" : "s"}` : "used by no operation";
  };
  // A scheme only the base defines and one only the revision defines, sending the same credential:
  // one scheme renamed, said once at its new name.
  const renamedFrom = new Map<string, string>();
  for (const name of Object.keys(rSchemes)) {
    const now = credential(revision, rSchemes, name);
    if (now === undefined || credential(base, bSchemes, name) !== undefined) continue;
    const old = Object.keys(bSchemes).find(
      (b) =>
        credential(revision, rSchemes, b) === undefined &&
        credential(base, bSchemes, b) === now &&
        ![...renamedFrom.values()].includes(b),
    );
    if (old !== undefined) renamedFrom.set(name, old);
  }
  const renamed = new Set(renamedFrom.values());
  for (const [name, old] of renamedFrom)
    top(
      `security scheme ${name}`,
      "patch",
      `renamed from ${old}: the same ${credential(revision, rSchemes, name)}, ${usedBy(revision, name)}; the client sends the key, not the scheme's name`,
      "upstream/scheme",
    );
  for (const name of new Set([...Object.keys(bSchemes), ...Object.keys(rSchemes)])) {
    if (renamedFrom.has(name) || renamed.has(name)) continue;
    const was = credential(base, bSchemes, name);
    const now = credential(revision, rSchemes, name);
    const where = `security scheme ${name}`;
    const used = (doc: Schema) => usedBy(doc, name);
    if (was === now) {
      const b = resolve(base, bSchemes[name]);
      const r = resolve(revision, rSchemes[name]);
      if (b.name !== r.name)
        top(
          where,
          "patch",
          `header ${r.name} (was ${b.name}): header names are case-insensitive`,
          "upstream/scheme",
        );
    } else if (was === undefined)
      top(
        where,
        "patch",
        uses(base, name)
          ? `now defined: ${now}; the operations named it before without a definition`
          : `added: ${now}, ${used(revision)}`,
        "upstream/scheme",
      );
    else if (now === undefined) top(where, "patch", `removed (was ${was}), ${used(base)}`, "upstream/scheme");
    else top(where, "patch", `now ${now} (was ${was}), ${used(revision)}`, "upstream/scheme");
  }

  const bOps = operationsOf(base);
  const rOps = operationsOf(revision);
  for (const [key, o] of bOps)
    if (!rOps.has(key))
      top(`${o.method.toUpperCase()} ${o.path}`, "major", "operation removed", "upstream/operation-removed");
  for (const [key, o] of rOps) {
    const name = `${o.method.toUpperCase()} ${o.path}`;
    const b = bOps.get(key);
    if (!b) {
      top(
        name,
        "minor",
        `operation added${o.op.operationId ? ` (${o.op.operationId})` : ""}`,
        "upstream/operation-added",
      );
      continue;
    }
    if (b.path !== o.path)
      top(name, "patch", `path written ${o.path} (was ${b.path}): the same URL`, "upstream/path");
    if ((b.op.deprecated === true) !== (o.op.deprecated === true))
      top(name, "patch", o.op.deprecated ? "deprecated" : "no longer deprecated", "upstream/deprecated");
    if (b.op.operationId !== o.op.operationId)
      top(
        name,
        "patch",
        `operationId ${o.op.operationId ?? "removed"}${b.op.operationId ? ` (was ${b.op.operationId})` : ""}: upstream's name; this client names its methods itself`,
        "upstream/operation-id",
      );
    const tags = (op: Schema) =>
      [...((op.tags ?? []) as string[])].sort((x, y) => x.localeCompare(y)).join("\0");
    if (tags(b.op) !== tags(o.op))
      top(name, "patch", `tags ${(o.op.tags ?? []).join(", ") || "none"}: documentation`, "upstream/docs");
    for (const extension of new Set(
      [...Object.keys(b.op), ...Object.keys(o.op)].filter((k) => k.startsWith("x-")),
    ))
      if (JSON.stringify(b.op[extension]) !== JSON.stringify(o.op[extension]))
        top(
          name,
          "patch",
          `${extension} changed: an extension (documentation, code samples); no request or answer changed`,
          "upstream/extension",
        );

    // Security: the alternatives by the credentials they take. What this client sends decides.
    const bAlts = new Set(alternativesOf(base, revision, b.op));
    const rAlts = new Set(alternativesOf(revision, base, o.op));
    for (const alt of bAlts)
      if (!rAlts.has(alt))
        top(
          `${name}: security`,
          usable(alt) ? "major" : "patch",
          usable(alt)
            ? `no longer takes ${alt}: a key users send is refused`
            : `no longer lists ${alt}, which this client never sends`,
          "upstream/security",
        );
    for (const alt of rAlts)
      if (!bAlts.has(alt))
        top(
          `${name}: security`,
          usable(alt) ? "minor" : "patch",
          usable(alt) ? `now takes ${alt}` : `now also lists ${alt}, which this client never sends`,
          "upstream/security",
        );

    // Parameters.
    const bParams = parametersOf(base, b);
    const rParams = parametersOf(revision, o);
    const label = (p: Schema) => `${name} ${p.in} parameter ${p.name}`;
    const place = (head: string): Place => ({
      base,
      revision,
      direction: "request",
      head,
      errorAnswer: false,
      out: atoms,
    });
    for (const [k, p] of bParams)
      if (!rParams.has(k))
        top(label(p), "major", `${p.in} parameter \`${p.name}\` removed`, "upstream/parameter-removed");
    for (const [k, q] of rParams) {
      const p = bParams.get(k);
      if (!p) {
        const type = typeText(revision, shapeOf(revision, q.schema ?? {}));
        top(
          label(q),
          q.required ? "major" : "minor",
          `${q.in} parameter \`${q.name}\` added (${q.required ? "required" : "optional"}, ${type})`,
          "upstream/parameter-added",
        );
        continue;
      }
      const where = label(q);
      if (p.in === "path" && p.name !== q.name)
        top(
          where,
          "patch",
          `path parameter named \`${q.name}\` (was \`${p.name}\`): the URL is the same`,
          "upstream/parameter-name",
        );
      if ((p.required === true) !== (q.required === true))
        top(
          where,
          q.required ? "major" : "minor",
          `\`${q.name}\` ${q.required ? "now required" : "no longer required"}`,
          "upstream/parameter-required",
        );
      if (defaultStyle(p) !== defaultStyle(q) || explodes(p) !== explodes(q))
        top(
          where,
          "major",
          `\`${q.name}\` now sent style ${defaultStyle(q)}, explode ${explodes(q)} (was ${defaultStyle(p)}, ${explodes(p)}): the server reads the value another way`,
          "upstream/parameter-style",
        );
      if ((p.deprecated === true) !== (q.deprecated === true))
        top(
          where,
          "patch",
          `\`${q.name}\` ${q.deprecated ? "deprecated" : "no longer deprecated"}`,
          "upstream/deprecated",
        );
      new Walk(place(where)).schema("", q.name, [], p.schema ?? {}, q.schema ?? {});
    }

    // The request body.
    const bBody = b.op.requestBody === undefined ? undefined : resolve(base, b.op.requestBody);
    const rBody = o.op.requestBody === undefined ? undefined : resolve(revision, o.op.requestBody);
    const bodyHead = `${name} request body`;
    if (!bBody && rBody)
      top(
        bodyHead,
        rBody.required ? "major" : "minor",
        `added (${rBody.required ? "required" : "optional"})`,
        "upstream/body-added",
      );
    else if (bBody && !rBody) top(bodyHead, "major", "removed", "upstream/body-removed");
    else if (bBody && rBody) {
      if ((bBody.required === true) !== (rBody.required === true))
        top(
          bodyHead,
          rBody.required ? "major" : "minor",
          rBody.required ? "now required" : "no longer required",
          "upstream/body-required",
        );
      compareContent(place(bodyHead), "body", bBody, rBody);
    }

    // Answers.
    const bResponses = (b.op.responses ?? {}) as Schema;
    const rResponses = (o.op.responses ?? {}) as Schema;
    for (const status of new Set([...Object.keys(bResponses), ...Object.keys(rResponses)])) {
      const head = `${name} response ${status}`;
      const success = /^2/.test(status);
      if (!(status in rResponses))
        top(
          head,
          success ? "major" : "patch",
          success ? "answer removed" : "answer removed: an error status",
          "upstream/response-removed",
        );
      else if (!(status in bResponses))
        top(
          head,
          success ? "minor" : "patch",
          success ? "answer added" : "answer added: an error the client raises as an APIError",
          "upstream/response-added",
        );
      else
        compareContent(
          { base, revision, direction: "response", head, errorAnswer: !success, out: atoms },
          "answer",
          resolve(base, bResponses[status]),
          resolve(revision, rResponses[status]),
        );
    }
  }

  const changes = merge(atoms);
  return { rating: maxRating(...changes.map((c) => c.impact)), changes };
}

function compareContent(place: Place, name: string, b: Schema, r: Schema): void {
  const json = (holder: Schema) => (holder.content as Schema | undefined)?.["application/json"]?.schema;
  const bs = json(b);
  const rs = json(r);
  const head = place.head;
  if (bs === undefined && rs === undefined) return;
  if (bs === undefined || rs === undefined) {
    place.out.push({
      impact: place.direction === "request" ? (rs ? "major" : "minor") : rs ? "minor" : "major",
      where: head,
      label: [],
      text: rs ? "now a JSON body" : "no longer a JSON body",
      rule: "upstream/content",
    });
    return;
  }
  new Walk(place).schema("", name, [], bs, rs);
}

// ── Merging members' shared changes ─────────────────────────────────────────────────────────────

/** Labels as people read them: `OAUTH2 · INITIALIZING, ACTIVE`, or groups joined by `; `. */
export function labelText(labels: string[][]): string {
  const depth = labels[0]?.length ?? 0;
  if (labels.every((l) => l.length === depth)) {
    const levels = Array.from({ length: depth }, (_, i) => [...new Set(labels.map((l) => l[i]!))]);
    if (levels.reduce((n, level) => n * level.length, 1) === new Set(labels.map((l) => l.join("\0"))).size)
      return levels.map((level) => level.join(", ")).join(" · ");
  }
  const groups = new Map<string, string[]>();
  for (const l of labels) {
    const prefix = l.slice(0, -1).join(" · ");
    groups.set(prefix, [...(groups.get(prefix) ?? []), l[l.length - 1]!]);
  }
  return [...groups]
    .map(([prefix, lasts]) => `${prefix ? `${prefix} · ` : ""}${lasts.join(", ")}`)
    .join("; ");
}

function merge(atoms: Atom[]): RatedChange[] {
  const groups = new Map<string, Atom[]>();
  for (const atom of atoms) {
    const key = `${atom.impact}\0${atom.where}\0${atom.rule}\0${atom.text}`;
    groups.set(key, [...(groups.get(key) ?? []), atom]);
  }
  const changes: RatedChange[] = [...groups.values()].map((group) => {
    const [first] = group as [Atom];
    const labels = group.filter((a) => a.label.length).map((a) => a.label);
    return {
      impact: first.impact,
      where: first.where,
      message: labels.length ? `${labelText(labels)}: ${first.text}` : first.text,
      rule: first.rule,
    };
  });
  return changes.sort((a, b) => rank(b.impact) - rank(a.impact) || a.where.localeCompare(b.where));
}

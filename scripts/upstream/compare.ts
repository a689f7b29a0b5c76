// Our spec against Composio's own description of the same operations (api/upstream/): every
// difference in what a request may carry or an answer may hold, each with a stable id and both sides.
//
// Operations are matched by method and path, with the version segment (`/api/v3/`, `/api/v3.1/`)
// and the names of path parameters left out, so a spec that still calls another version is still
// compared field by field, and the version itself is one difference (`path`). An id names the
// operation by upstream's path, then where, then what:
//   `POST /api/v3.1/connected_accounts · response 201 · deprecated · property`
//   `GET /api/v3.1/connected_accounts · query parameter statuses · explode`
//   `GET /api/v3.1/connected_accounts/{nanoid} · response 200 · state.val · union`
// Compared: operations, path, deprecation, security (which headers, per operation, a header's name
// in any case; a spec's root `security` applies where an operation has none), parameters (in, name,
// required, style and explode with OpenAPI's defaults applied, and the schema), the request body
// (whether required, and the schema), status codes, and the JSON schema of each answer. A schema is compared for its
// properties (recursively, `[]` for an array's items), required lists, types, enum values (a
// `const` is an enum of one), nullability (`type: [x, "null"]`, 3.0's `nullable`, an `anyOf` or
// `oneOf` member of type null, or null among the enum values: all the same), `deprecated` and
// `x-sdk-open`. Not compared: formats, lengths, patterns, defaults, `additionalProperties`,
// descriptions and examples.
//
// THE UNION RULE. Composio's v3.1 copy flattens the connection state into one object (every
// scheme's `val` fields merged, the statuses one enum), where our spec has a two-level union. So a
// schema is compared through its alternatives: a `oneOf`/`anyOf` is the list of its members (a
// member that is itself a union adds its members; `allOf` parts are merged into each; a null
// member only makes the whole nullable), a plain schema is a list of one. Of a list of
// alternatives, the comparison sees the merged view:
//   - properties: every property of any alternative; one that upstream has must exist in at least
//     one of our members (else `property`: upstream only);
//   - required: required in EVERY object alternative. A flattened object requires what all members
//     share, so it agrees with a union whose every member requires the property (`required`);
//   - type: the set of types the alternatives give the property; upstream's must equal ours
//     (`type`: `integer` is not `number`, `string` is not `string | object`);
//   - enum: the union of the alternatives' values: upstream's values must be covered by ours, and
//     values only we have are a difference too (`enum`, naming the values each side lacks). Values
//     are said as JSON, sorted (`["ACTIVE","FAILED"] (only here: ["REVOKED"])`), lists of property
//     names too: a value or name holding `, ` is one;
//   - nullable: some alternative admits null (`nullable`);
//   - properties only some of OUR members have, where upstream's is one flattened object, are one
//     difference per union, listing them (`members' own properties`): the flattened copy cannot
//     say which member's fields it dropped (its `val` lists 34 names and allows any other), so one
//     entry per field would be hundreds of entries with one reason. Where both sides are plain
//     objects, or both unions, each property stands alone (`property`).
//   - that one side is a union of objects and the other one object is itself a difference
//     (`union`), and so is an `x-sdk-open` mark (`open`): they are what the recorded list of
//     deliberate differences explains.
// Two unions are compared merged too (member by member matching is not attempted: the pinned
// copy has none left); properties then stand alone.
import { atPointer, HTTP_METHODS, isObject, jsonType } from "../release/spec-rating.js";
import type { Schema } from "../lib/spec.js";

/** One difference between our spec and upstream's. */
export interface Divergence {
  /** Stable: operation · where · field · what. The recorded list names differences by it. */
  id: string;
  /** Our side, for people. */
  ours: string;
  /** Upstream's side, for people. */
  upstream: string;
}

export const SEPARATOR = " · ";

/** A name or value as shown: a character outside printable ASCII escaped (`user_\\u0456d`, a
 * Cyrillic і), and the backslash itself, so that two names that only look alike never read the same. */
export const shown = (text: string): string =>
  text.replace(/[^\x20-\x5b\x5d-\x7e]/g, (c) =>
    c === "\\" ? "\\\\" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** JSON as shown: a character outside printable ASCII escaped as JSON escapes it (`"\\u0410CTIVE"`). */
export const asciiJson = (json: string): string =>
  json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A path without its version segment and parameter names: how operations are matched. */
export const pathKey = (path: string): string =>
  path.replace(/^\/api\/v\d+(\.\d+)?(?=\/)/, "/api/*").replace(/\{[^}]*\}/g, "{}");

/** Follows `$ref`s in `doc`; the referring node's own keys (`deprecated`, `description`) win. */
function resolve(doc: Schema, node: unknown): Schema {
  let current: unknown = node;
  let siblings: Schema = {};
  for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
    if (hops > 32) throw new Error(`$ref loop at ${current.$ref}`);
    const { $ref, ...rest } = current;
    siblings = { ...rest, ...siblings };
    current = atPointer(doc, $ref);
    if (current === undefined) throw new Error(`$ref ${$ref} points at nothing`);
  }
  return isObject(current) ? { ...current, ...siblings } : siblings;
}

/** The node a chain of `$ref`s ends at, itself (not a copy). */
function target(doc: Schema, node: unknown): Schema {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string" && hops < 32; hops++)
    current = atPointer(doc, current.$ref);
  return current as Schema;
}

/** The name a `$ref` gives, else the schema's title. */
const labelOf = (node: unknown, resolved: Schema): string | undefined =>
  typeof resolved.title === "string"
    ? resolved.title
    : isObject(node) && typeof node.$ref === "string"
      ? node.$ref.split("/").pop()
      : undefined;

// ── A schema as its alternatives ────────────────────────────────────────────────────────────────

/** One alternative: a schema that is no union, its `allOf` merged. */
interface Alt {
  schema: Schema;
  /** Member titles from the outermost union in: `OAUTH2 ACTIVE`. */
  label: string;
  /** It came out of an `x-sdk-open` union: its `const` tags are open values. */
  fromOpenUnion: boolean;
}

interface Expanded {
  alts: Alt[];
  nullable: boolean;
  /** `x-sdk-open` on the schema or on a union it is made of. */
  open: boolean;
  deprecated: boolean;
  /** The number of non-null members when the schema is a union. */
  unionMembers: number;
}

function typesOf(schema: Schema): string[] {
  return typeof schema.type === "string" ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
}

/** Expansions already made, by node: the state union is reached from six places. */
const expansions = new WeakMap<object, Map<string, Expanded>>();

/** What a schema that holds itself (`Self: oneOf [Self, string]`) adds where it comes back: nothing. */
const NOTHING: Expanded = { alts: [], nullable: false, open: false, deprecated: false, unionMembers: 0 };

/**
 * A schema as its alternatives. `open` holds the refs being expanded, from the outermost in: one
 * met again (a union that holds itself) adds nothing new there.
 */
function expand(
  doc: Schema,
  node: unknown,
  label = "",
  fromOpenUnion = false,
  open: readonly string[] = [],
): Expanded {
  const ref = isObject(node) && typeof node.$ref === "string" ? node.$ref : undefined;
  if (ref !== undefined && open.includes(ref)) return NOTHING;
  const inside = ref === undefined ? open : [...open, ref];
  // Kept only from the outermost: below, what a node expands to depends on the refs above it.
  if (!isObject(node) || open.length) return expandNode(doc, node, label, fromOpenUnion, inside);
  const key = `${fromOpenUnion}:${label}`;
  let known = expansions.get(node);
  if (!known) expansions.set(node, (known = new Map()));
  let expanded = known.get(key);
  if (!expanded) known.set(key, (expanded = expandNode(doc, node, label, fromOpenUnion, inside)));
  return expanded;
}

function expandNode(
  doc: Schema,
  node: unknown,
  label: string,
  fromOpenUnion: boolean,
  open: readonly string[],
): Expanded {
  // Past the pull's nesting limit only through refs, each a new one: said, not a stack overflow.
  if (open.length > 64)
    throw new Error(`schemas nest deeper than 64 refs, at ${open.slice(0, 8).join(" → ")} → …`);
  const s = resolve(doc, node);
  const isOpen = s["x-sdk-open"] === true;
  const deprecated = s.deprecated === true;
  let nullable =
    s.nullable === true ||
    typesOf(s).includes("null") ||
    (Array.isArray(s.enum) && s.enum.includes(null)) ||
    ("const" in s && s.const === null);
  const key = Array.isArray(s.oneOf) ? "oneOf" : Array.isArray(s.anyOf) ? "anyOf" : undefined;
  if (key) {
    // Each member is labelled by its title or the name its $ref gives: `OAUTH2 ACTIVE`.
    const parts = (s[key] as unknown[]).map((member) => {
      const name = labelOf(member, resolve(doc, member));
      const here = [label, name].filter(Boolean).join(" ");
      return expand(doc, member, here, fromOpenUnion || isOpen, open);
    });
    nullable ||= parts.some((p) => p.nullable);
    const members = parts.filter((p) => p.alts.length > 0);
    // Properties written beside the union belong to every member.
    const { oneOf: _oneOf, anyOf: _anyOf, ...beside } = s;
    const shared = beside.properties || beside.required ? beside : undefined;
    return {
      alts: members
        .flatMap((p) => p.alts)
        .map((a) => (shared ? { ...a, schema: mergeParts(a.schema, shared) } : a)),
      nullable,
      open: isOpen || parts.some((p) => p.open),
      deprecated,
      unionMembers: members.length,
    };
  }
  const base: Schema = { ...s };
  delete base.allOf;
  let alts: Alt[] = [{ schema: base, label, fromOpenUnion }];
  let partsOpen = false;
  if (Array.isArray(s.allOf)) {
    for (const part of s.allOf as unknown[]) {
      const e = expand(doc, part, label, fromOpenUnion, open);
      partsOpen ||= e.open;
      alts = alts.flatMap((a) =>
        e.alts.map((b) => ({
          schema: mergeParts(a.schema, b.schema),
          label: b.label.length > a.label.length ? b.label : a.label,
          fromOpenUnion: a.fromOpenUnion || b.fromOpenUnion,
        })),
      );
    }
  }
  const onlyNull = typesOf(s).length > 0 && typesOf(s).every((t) => t === "null");
  return { alts: onlyNull ? [] : alts, nullable, open: isOpen || partsOpen, deprecated, unionMembers: 0 };
}

/** Two parts of an `allOf`, as one schema: properties and required names of both. */
function mergeParts(a: Schema, b: Schema): Schema {
  const out: Schema = { ...b, ...a };
  if (a.properties || b.properties) out.properties = { ...b.properties, ...a.properties };
  if (a.required || b.required) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  if (!out.type && (a.type || b.type)) out.type = a.type ?? b.type;
  return out;
}

// ── The merged view of a list of schemas ────────────────────────────────────────────────────────

interface View {
  /** The non-null types the alternatives give (`any` for an unconstrained one). */
  types: Set<string>;
  nullable: boolean;
  /** Every allowed value (JSON), when every alternative restricts its values. */
  values: Set<string> | undefined;
  /** `x-sdk-open` is written on a schema of the view. */
  marked: boolean;
  /** Marked, or const tags of an open union's members: values added later pass. */
  open: boolean;
  deprecated: boolean;
  /** How many object alternatives, and their labels. */
  objects: Alt[];
  /** Whether some schema of the view is a union of two or more members. */
  union: boolean;
  arrays: Alt[];
}

function altTypes(schema: Schema): string[] {
  const declared = typesOf(schema).filter((t) => t !== "null");
  if (declared.length) return declared;
  if ("const" in schema) return [jsonType(schema.const)];
  if (Array.isArray(schema.enum))
    return [...new Set(schema.enum.filter((v: unknown) => v !== null).map(jsonType))];
  if (schema.properties) return ["object"];
  if (schema.items) return ["array"];
  return ["any"];
}

function altValues(schema: Schema): unknown[] | undefined {
  if ("const" in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  return undefined;
}

function viewOf(doc: Schema, nodes: { node: unknown; label?: string; fromOpenUnion?: boolean }[]): View {
  const view: View = {
    types: new Set(),
    nullable: false,
    values: new Set(),
    marked: false,
    open: false,
    deprecated: nodes.length > 0,
    objects: [],
    union: false,
    arrays: [],
  };
  for (const { node, label, fromOpenUnion } of nodes) {
    const e = expand(doc, node, label, fromOpenUnion);
    view.nullable ||= e.nullable;
    view.marked ||= e.open;
    view.open ||= e.open;
    view.deprecated &&= e.deprecated;
    view.union ||= e.unionMembers > 1;
    for (const alt of e.alts) {
      for (const t of altTypes(alt.schema)) view.types.add(t);
      const values = altValues(alt.schema);
      // The set stays only while every alternative restricts its values.
      if (values === undefined) view.values = undefined;
      else if (view.values) {
        for (const v of values) if (v !== null) view.values.add(JSON.stringify(v));
        // A const tag of an open union's member: the union's open, so is the value.
        if ("const" in alt.schema && alt.fromOpenUnion) view.open = true;
      }
      const types = altTypes(alt.schema);
      if (types.includes("object") || alt.schema.properties) view.objects.push(alt);
      if (types.includes("array") && alt.schema.items) view.arrays.push(alt);
    }
  }
  if (view.values && view.values.size === 0) view.values = undefined;
  return view;
}

// ── Comparing two views, recursively ────────────────────────────────────────────────────────────

const list = (items: Iterable<string>): string => [...items].sort().join(", ");
const describeTypes = (view: View): string =>
  `${list(view.types) || "none"}${view.nullable ? " | null" : ""}`;
/** Sorted, as JSON: a reorder of upstream's enum is no change of what differs, and a value holding
 * `, ` is one value (`["A","B, C"]`). */
const values = (set: Set<string> | undefined): string =>
  set ? asciiJson(`[${[...set].sort().join(",")}]`) : "any";
/** Names (of properties), sorted, as JSON. */
const names = (items: Iterable<string>): string => asciiJson(JSON.stringify([...items].sort()));

class Collector {
  readonly found: Divergence[] = [];
  constructor(readonly options: CompareOptions = {}) {}
  private readonly seen = new Set<string>();
  /** The schemas being compared, from the operation down (`compareSchemas`). */
  readonly open = new Set<string>();
  /** A yes-or-no property that differs: `required` against `optional`, and so on. */
  flag(parts: (string | undefined)[], ours: boolean, upstream: boolean, yes: string, no: string): void {
    if (ours !== upstream) this.add(parts, ours ? yes : no, upstream ? yes : no);
  }
  /** A schema of upstream's components reached again finds the same differences: kept once. */
  add(parts: (string | undefined)[], ours: string, upstream: string): void {
    const divergence = { id: parts.filter(Boolean).join(SEPARATOR), ours, upstream };
    const key = JSON.stringify(divergence);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.found.push(divergence);
  }
}

/** The name of the component schema every node refers to, if they all refer to the same one. */
function sharedComponent(nodes: Side["nodes"]): string | undefined {
  const refs = new Set(nodes.map(({ node }) => (isObject(node) ? node.$ref : undefined)));
  const [ref] = refs;
  return refs.size === 1 && typeof ref === "string" && ref.startsWith("#/components/schemas/")
    ? ref.slice("#/components/schemas/".length)
    : undefined;
}

interface Side {
  doc: Schema;
  nodes: { node: unknown; label?: string; fromOpenUnion?: boolean }[];
}

function compareSchemas(
  out: Collector,
  where: string[],
  field: string,
  ours: Side,
  up: Side,
  depth = 0,
): void {
  // A schema that holds itself (a tree's children): these schemas are being compared already, above.
  const pair = JSON.stringify([ours.nodes.map((n) => nodeKey(n.node)), up.nodes.map((n) => nodeKey(n.node))]);
  if (out.open.has(pair)) return;
  if (depth > 64)
    throw new Error(
      `${[...where, field].filter(Boolean).join(SEPARATOR)}: schemas nest deeper than 64 levels; not compared below`,
    );
  out.open.add(pair);
  try {
    compareViews(out, where, field, ours, up, depth);
  } finally {
    out.open.delete(pair);
  }
}

const ids = new WeakMap<object, number>();
let lastId = 0;
/** A schema node as the same schema, wherever it is: its `$ref`, else the object itself. */
export function nodeKey(node: unknown): string {
  if (!isObject(node)) return JSON.stringify(node) ?? "undefined";
  if (typeof node.$ref === "string") return `ref ${node.$ref}`;
  let id = ids.get(node);
  if (id === undefined) ids.set(node, (id = ++lastId));
  return `node ${id}`;
}

function compareViews(
  out: Collector,
  where: string[],
  field: string,
  ours: Side,
  up: Side,
  depth: number,
): void {
  // Inside one of upstream's named schemas (its error envelope, used by every operation), a
  // difference is named by that schema: one item, however many operations answer with it.
  const component = sharedComponent(up.nodes);
  if (component) {
    where = [`schema ${component}`];
    field = "";
  }
  const o = viewOf(ours.doc, ours.nodes);
  const u = viewOf(up.doc, up.nodes);
  if (o.open && out.options.onOpen) for (const { node } of up.nodes) out.options.onOpen(target(up.doc, node));
  const at = (aspect: string) => [...where, field || undefined, aspect];
  if (list(o.types) !== list(u.types)) out.add(at("type"), list(o.types), list(u.types));
  out.flag(at("nullable"), o.nullable, u.nullable, "nullable", "not nullable");
  if (o.values || u.values) {
    const onlyOurs = o.values && u.values ? [...o.values].filter((v) => !u.values!.has(v)) : [];
    const onlyUp = o.values && u.values ? [...u.values].filter((v) => !o.values!.has(v)) : [];
    if (!o.values || !u.values || onlyOurs.length || onlyUp.length) {
      const describe = (mine: Set<string> | undefined, extra: string[]) =>
        mine
          ? `${values(mine)}${extra.length ? ` (only here: ${values(new Set(extra))})` : ""}`
          : "any value";
      out.add(at("enum"), describe(o.values, onlyOurs), describe(u.values, onlyUp));
      if (onlyUp.length && out.options.onFewerValues)
        for (const { node } of up.nodes)
          out.options.onFewerValues(
            target(up.doc, node),
            [...o.values!].map((v) => JSON.parse(v) as unknown),
          );
      if (onlyOurs.length && out.options.onValuesOnlyOurs)
        out.options.onValuesOnlyOurs(
          at("enum").filter(Boolean).join(SEPARATOR),
          up.nodes.map(({ node }) => target(up.doc, node)),
          onlyOurs.map((v) => JSON.parse(v) as unknown),
        );
    }
  }
  if (o.marked !== u.marked)
    out.add(
      at("open"),
      o.marked ? "x-sdk-open: values added later pass, typed UnknownValue" : "closed",
      u.marked ? "x-sdk-open" : "closed: no mark that values may be added",
    );
  const oUnion = o.union && o.objects.length > 1;
  const uUnion = u.union && u.objects.length > 1;
  if (oUnion !== uUnion) {
    const describe = (view: View, isUnion: boolean) =>
      isUnion
        ? `a union of ${view.objects.length} objects${summarize(view.objects.map((a) => a.label))}`
        : view.objects.length
          ? "one object"
          : "no object";
    out.add(at("union"), describe(o, oUnion), describe(u, uUnion));
  }

  if (o.objects.length || u.objects.length)
    compareProperties(out, where, field, ours, up, o, u, oUnion && !uUnion, depth);
  if (o.arrays.length && u.arrays.length) {
    const items = (side: Side, view: View): Side => ({
      doc: side.doc,
      nodes: view.arrays.map((a) => ({
        node: a.schema.items,
        label: a.label,
        fromOpenUnion: a.fromOpenUnion,
      })),
    });
    compareSchemas(out, where, `${field}[]`, items(ours, o), items(up, u), depth + 1);
  }
}

function summarize(labels: string[]): string {
  const distinct = [...new Set(labels.filter(Boolean))];
  if (!distinct.length) return "";
  return ` (${distinct.length > 6 ? `${distinct.slice(0, 6).join(", ")}, …` : distinct.join(", ")})`;
}

interface PropertyOf {
  nodes: { node: unknown; label: string; fromOpenUnion: boolean }[];
  /** In how many object alternatives it is required. */
  required: number;
}

function propertiesOf(alts: Alt[]): Map<string, PropertyOf> {
  const props = new Map<string, PropertyOf>();
  for (const alt of alts) {
    const required = new Set<string>(Array.isArray(alt.schema.required) ? alt.schema.required : []);
    for (const [name, node] of Object.entries((alt.schema.properties ?? {}) as Schema)) {
      const entry = props.get(name) ?? { nodes: [], required: 0 };
      entry.nodes.push({ node, label: alt.label, fromOpenUnion: alt.fromOpenUnion });
      if (required.has(name)) entry.required++;
      props.set(name, entry);
    }
  }
  return props;
}

function compareProperties(
  out: Collector,
  where: string[],
  field: string,
  ours: Side,
  up: Side,
  o: View,
  u: View,
  flattenedUpstream: boolean,
  depth: number,
): void {
  const op = propertiesOf(o.objects);
  const upp = propertiesOf(u.objects);
  const path = (name: string) => (field ? `${field}.${shown(name)}` : shown(name));
  // A free-form object (no property listed) against a listed one: one difference, not one a name.
  if (!op.size !== !upp.size) {
    const describe = (props: Map<string, PropertyOf>) =>
      props.size
        ? `${props.size} properties: ${names(props.keys())}`
        : "a free-form object: no property listed";
    out.add([...where, field || undefined, "properties"], describe(op), describe(upp));
    return;
  }
  const requiredText = (count: number, of: number) =>
    count === of ? "required" : count === 0 ? "optional" : `required in ${count} of ${of} members`;
  const membersOwn: string[] = [];
  for (const [name, mine] of op) {
    const theirs = upp.get(name);
    if (!theirs) {
      if (flattenedUpstream && mine.nodes.length < o.objects.length) membersOwn.push(name);
      else
        out.add(
          [...where, path(name), "property"],
          describeProperty(ours.doc, mine, o.objects.length),
          "absent",
        );
      continue;
    }
    const oRequired = mine.required === o.objects.length;
    const uRequired = theirs.required === u.objects.length;
    if (oRequired !== uRequired)
      out.add(
        [...where, path(name), "required"],
        requiredText(mine.required, o.objects.length),
        requiredText(theirs.required, u.objects.length),
      );
    const oDeprecated = viewOf(ours.doc, mine.nodes).deprecated;
    const uDeprecated = viewOf(up.doc, theirs.nodes).deprecated;
    out.flag([...where, path(name), "deprecated"], oDeprecated, uDeprecated, "deprecated", "not deprecated");
    compareSchemas(
      out,
      where,
      path(name),
      { doc: ours.doc, nodes: mine.nodes },
      { doc: up.doc, nodes: theirs.nodes },
      depth + 1,
    );
  }
  for (const [name, theirs] of upp) {
    if (op.has(name)) continue;
    out.add([...where, path(name), "property"], "absent", describeProperty(up.doc, theirs, u.objects.length));
  }
  if (membersOwn.length)
    out.add(
      [...where, field || undefined, "members' own properties"],
      `${membersOwn.length} properties of some members: ${names(membersOwn)}`,
      "absent from the flattened object",
    );
}

function describeProperty(doc: Schema, prop: PropertyOf, of: number): string {
  const view = viewOf(doc, prop.nodes);
  const required = prop.required === of ? "required" : "optional";
  return `${required} ${describeTypes(view)}`;
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
    for (const method of HTTP_METHODS) {
      if (!isObject(item[method])) continue;
      ops.set(`${method.toUpperCase()} ${pathKey(path)}`, { method, path, op: item[method], item });
    }
  }
  return ops;
}

/** Which headers (or other credentials) each alternative of an operation's security sends. */
function securityOf(doc: Schema, op: Schema): string {
  const requirements: Schema[] = op.security ?? doc.security ?? [];
  if (!requirements.length) return "none";
  const schemes = (doc.components?.securitySchemes ?? {}) as Schema;
  return requirements
    .map(
      (req) =>
        Object.keys(req)
          .map((name) => {
            const scheme = resolve(doc, schemes[name]);
            // Header names are case-insensitive (RFC 9110): `X-API-KEY` is `x-api-key`.
            const key = scheme.in === "header" ? String(scheme.name).toLowerCase() : scheme.name;
            return scheme.type === "apiKey" ? `${key} (${scheme.in})` : `${name} (${scheme.type})`;
          })
          .sort()
          .join(" + ") || "none",
    )
    .sort()
    .join(" | ");
}

function parametersOf(doc: Schema, { op, item, path }: Operation): Map<string, Schema> {
  const params = new Map<string, Schema>();
  const template = [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
    const p = resolve(doc, raw);
    // Path parameters are matched by their place in the path, as paths are matched without names.
    params.set(
      p.in === "path" ? `path parameter #${template.indexOf(p.name)}` : `${p.in} parameter ${shown(p.name)}`,
      p,
    );
  }
  return params;
}

const defaultStyle = (p: Schema): string =>
  p.style ?? (p.in === "query" || p.in === "cookie" ? "form" : "simple");
const explodes = (p: Schema): boolean => p.explode ?? defaultStyle(p) === "form";

const jsonSchema = (doc: Schema, holder: unknown): unknown => {
  const content = resolve(doc, holder).content as Schema | undefined;
  return content?.["application/json"]?.schema;
};

export interface CompareOptions {
  /** Called with each of upstream's schemas whose counterpart in our spec is `x-sdk-open`. */
  onOpen?: (upstreamNode: Schema) => void;
  /** Called with each of upstream's schemas whose counterpart in our spec lists fewer values (of
   * upstream's, ours lacks some: revoke answers only REVOKED), with our values. */
  onFewerValues?: (upstreamNode: Schema, ours: unknown[]) => void;
  /** Called with the id of an `enum` difference, upstream's schemas there, and the values only ours has. */
  onValuesOnlyOurs?: (id: string, upstreamNodes: Schema[], values: unknown[]) => void;
}

/** Every difference between our spec and upstream's, sorted by id. */
export function compareSpecs(ours: Schema, upstream: Schema, options: CompareOptions = {}): Divergence[] {
  const out = new Collector(options);
  const mine = operationsOf(ours);
  const theirs = operationsOf(upstream);
  for (const [key, u] of theirs) {
    const name = `${u.method.toUpperCase()} ${u.path}`;
    const o = mine.get(key);
    if (!o) {
      out.add([name, "operation"], "absent", `${u.op.operationId ?? "operation"}`);
      continue;
    }
    if (o.path !== u.path) out.add([name, "path"], o.path, u.path);
    out.flag(
      [name, "deprecated"],
      o.op.deprecated === true,
      u.op.deprecated === true,
      "deprecated",
      "not deprecated",
    );
    const oSecurity = securityOf(ours, o.op);
    const uSecurity = securityOf(upstream, u.op);
    if (oSecurity !== uSecurity) out.add([name, "security"], oSecurity, uSecurity);
    compareParameters(out, name, ours, upstream, o, u);
    compareBodies(out, name, ours, upstream, o, u);
    compareResponses(out, name, ours, upstream, o, u);
  }
  for (const [key, o] of mine) {
    if (theirs.has(key)) continue;
    out.add(
      [`${o.method.toUpperCase()} ${o.path}`, "operation"],
      `${o.op.operationId ?? "operation"}`,
      "absent",
    );
  }
  return out.found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function compareParameters(
  out: Collector,
  name: string,
  ours: Schema,
  upstream: Schema,
  o: Operation,
  u: Operation,
): void {
  const op = parametersOf(ours, o);
  const up = parametersOf(upstream, u);
  const label = (key: string, p: Schema) => (p.in === "path" ? `path parameter {${shown(p.name)}}` : key);
  for (const [key, p] of op) {
    const q = up.get(key);
    if (!q) {
      out.add([name, label(key, p)], `${p.required ? "required" : "optional"}`, "absent");
      continue;
    }
    const where = [name, label(key, q)];
    if (p.in === "path" && p.name !== q.name) out.add([...where, "name"], p.name, q.name);
    out.flag([...where, "required"], p.required === true, q.required === true, "required", "optional");
    if (defaultStyle(p) !== defaultStyle(q)) out.add([...where, "style"], defaultStyle(p), defaultStyle(q));
    if (explodes(p) !== explodes(q)) out.add([...where, "explode"], String(explodes(p)), String(explodes(q)));
    out.flag(
      [...where, "deprecated"],
      p.deprecated === true,
      q.deprecated === true,
      "deprecated",
      "not deprecated",
    );
    compareSchemas(
      out,
      where,
      "",
      { doc: ours, nodes: [{ node: p.schema ?? {} }] },
      { doc: upstream, nodes: [{ node: q.schema ?? {} }] },
    );
  }
  for (const [key, q] of up)
    if (!op.has(key)) out.add([name, label(key, q)], "absent", q.required ? "required" : "optional");
}

function compareBodies(
  out: Collector,
  name: string,
  ours: Schema,
  upstream: Schema,
  o: Operation,
  u: Operation,
): void {
  const ob = o.op.requestBody;
  const ub = u.op.requestBody;
  if (!ob && !ub) return;
  const where = [name, "request body"];
  if (!ob || !ub) {
    out.add(where, ob ? "a body" : "absent", ub ? "a body" : "absent");
    return;
  }
  const required = (doc: Schema, body: unknown) => resolve(doc, body).required === true;
  out.flag([...where, "required"], required(ours, ob), required(upstream, ub), "required", "optional");
  compareContent(out, where, ours, upstream, ob, ub);
}

function compareContent(
  out: Collector,
  where: string[],
  ours: Schema,
  upstream: Schema,
  o: unknown,
  u: unknown,
): void {
  const os = jsonSchema(ours, o);
  const us = jsonSchema(upstream, u);
  if (os === undefined && us === undefined) return;
  if (os === undefined || us === undefined) {
    out.add(
      [...where, "content"],
      os ? "application/json" : "no JSON body",
      us ? "application/json" : "no JSON body",
    );
    return;
  }
  compareSchemas(
    out,
    where,
    "",
    { doc: ours, nodes: [{ node: os }] },
    { doc: upstream, nodes: [{ node: us }] },
  );
}

function compareResponses(
  out: Collector,
  name: string,
  ours: Schema,
  upstream: Schema,
  o: Operation,
  u: Operation,
): void {
  const or = (o.op.responses ?? {}) as Schema;
  const ur = (u.op.responses ?? {}) as Schema;
  for (const status of new Set([...Object.keys(or), ...Object.keys(ur)])) {
    const where = [name, `response ${status}`];
    if (!(status in or) || !(status in ur)) {
      out.add(where, status in or ? "declared" : "absent", status in ur ? "declared" : "absent");
      continue;
    }
    compareContent(out, where, ours, upstream, or[status], ur[status]);
  }
}

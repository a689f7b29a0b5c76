// Loads the spec and answers questions about it, with every failure pointing at a file and line.
// The spec may be split over files (Redocly's multi-file layout): the root's `components` register
// files by name (`Name: { $ref: components/schemas/Name.yaml }`), and any other node may be a `$ref`
// to a file. loadSpec reads the root and every file it reaches and makes ONE document of them: a ref
// to a registered file becomes the local ref `#/components/<type>/<Name>` (the generator names types
// from those), any other file ref is replaced by the node it points at. Each object of that document
// remembers the file and YAML node it was written in, so `at` still answers `file:line:col`.
import { readFileSync } from "node:fs";
import { dirname, posix, relative, resolve } from "node:path";
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";

/** A problem in the spec (or in what the generator can make of it), with where it is. */
export class SpecError extends Error {
  override name = "SpecError";
}

export type Schema = Record<string, any>;
export type Pointer = (string | number)[];

/** One file of the spec, as read. */
export interface SpecFile {
  /** The path as written in messages: relative to the working folder. */
  file: string;
  /** The path relative to the root file's folder: stable wherever the spec is checked out. */
  name: string;
  /** The absolute path. */
  path: string;
  text: string;
}

export interface LoadedSpec {
  /** The root file's path as written in messages and headers: relative to the working folder. */
  file: string;
  /** The root file's text. */
  text: string;
  /** Every file the root reaches (the root included), sorted by `name`. */
  files: SpecFile[];
  /** The whole spec as one document: refs between files made local (see the top of this file). */
  doc: Schema;
  /** `file:line:col` of the node at `pointer` (in the file it is written in), or of its nearest
   * ancestor that exists. */
  at(pointer: Pointer): string;
  /** The root's `components.<type>.<name>: { $ref: <file> }` entries, with where each ref is written. */
  registrations: Registration[];
}

export interface Registration {
  type: string;
  name: string;
  ref: string;
  at: string;
}

interface Source extends SpecFile {
  yaml: Document;
  lines: LineCounter;
}

interface Origin {
  source: Source;
  node: YAMLMap | YAMLSeq;
}

const displayPath = (path: string): string => relative(process.cwd(), path).split("\\").join("/");
const unescapePointer = (part: string): string =>
  decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
const escapePointer = (part: string): string => part.replace(/~/g, "~0").replace(/\//g, "~1");

export function loadSpec(specPath: string): LoadedSpec {
  const rootPath = resolve(specPath);
  const rootDir = dirname(rootPath);
  const sources = new Map<string, Source>();
  const origins = new WeakMap<object, Origin>();
  const where = (source: Source, node: Node | null | undefined): string => {
    const { line, col } = source.lines.linePos(node?.range?.[0] ?? 0);
    return `${source.file}:${line}:${col}`;
  };

  const read = (path: string, referrer?: string): Source => {
    const known = sources.get(path);
    if (known) return known;
    const file = displayPath(path);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new SpecError(
        referrer
          ? `${referrer} unresolved-ref cannot read ${file} (${(error as Error).message})`
          : `${file}: cannot read the spec (${(error as Error).message})`,
      );
    }
    const lines = new LineCounter();
    const yaml = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (yaml.errors.length > 0) {
      const problems = yaml.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return `${file}:${line}:${col} yaml-syntax ${e.message.split("\n")[0]}`;
      });
      throw new SpecError(`the spec is not valid YAML:\n${problems.join("\n")}`);
    }
    const name = relative(rootDir, path).split("\\").join("/");
    const source: Source = { file, name, path, text, yaml, lines };
    sources.set(path, source);
    return source;
  };

  const root = read(rootPath);

  // The files the root registers as components: `<path>#<pointer>` → `#/components/<type>/<Name>`.
  const registered = new Map<string, string>();
  const registrations: Registration[] = [];
  const components = root.yaml.get("components", true);
  if (isMap(components)) {
    for (const typePair of components.items) {
      if (!isMap(typePair.value)) continue;
      for (const pair of typePair.value.items) {
        const refNode = isMap(pair.value) ? pair.value.get("$ref", true) : undefined;
        const ref = isScalar(refNode) ? refNode.value : undefined;
        if (typeof ref !== "string" || ref.startsWith("#")) continue;
        const target = locate(ref, root, refNode);
        const [type, name] = [String(keyOf(typePair.key)), String(keyOf(pair.key))];
        registrations.push({ type, name, ref, at: where(root, refNode) });
        const local = `#/components/${escapePointer(type)}/${escapePointer(name)}`;
        if (!registered.has(target.key)) registered.set(target.key, local);
      }
    }
  }

  /** Where a ref points: the file and the pointer into it. */
  function locate(ref: string, from: Source, node?: Node): { path: string; pointer: string[]; key: string } {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      throw new SpecError(`${where(from, node)} unsupported-ref the spec's refs must be local files: ${ref}`);
    }
    const hash = ref.indexOf("#");
    const filePart = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? "" : ref.slice(hash + 1);
    if (fragment && !fragment.startsWith("/")) {
      throw new SpecError(
        `${where(from, node)} unsupported-ref only JSON pointer fragments are followed: ${ref}`,
      );
    }
    const path = filePart ? resolve(dirname(from.path), decodeURI(filePart)) : from.path;
    let pointer: string[];
    try {
      pointer = fragment ? fragment.slice(1).split("/").map(unescapePointer) : [];
    } catch {
      throw new SpecError(`${where(from, node)} unsupported-ref the fragment is not a valid pointer: ${ref}`);
    }
    return { path, pointer, key: `${path}#${pointer.map(escapePointer).join("/")}` };
  }

  /** The local ref for a target inside a registered file (or the root), if there is one. */
  const localRef = (path: string, pointer: string[]): string | undefined => {
    if (path === rootPath) return `#/${pointer.map(escapePointer).join("/")}`;
    for (let n = pointer.length; n >= 0; n--) {
      const base = registered.get(`${path}#${pointer.slice(0, n).map(escapePointer).join("/")}`);
      if (base) return [base, ...pointer.slice(n).map(escapePointer)].join("/");
    }
    return undefined;
  };

  const inlined = new Map<string, unknown>();
  const inProgress = new Set<string>();
  const aliases = new WeakMap<Node, unknown>();

  /** A YAML node as plain data; `slot` is the pointer in the root, for the root's own nodes. */
  function convert(node: unknown, source: Source, slot?: Pointer): unknown {
    if (isAlias(node)) {
      const target = node.resolve(source.yaml);
      if (!target) throw new SpecError(`${where(source, node)} yaml-syntax unresolved alias *${node.source}`);
      if (!aliases.has(target)) aliases.set(target, convert(target, source));
      return aliases.get(target);
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      const out = node.items.map((item, i) => convert(item, source, slot && [...slot, i]));
      origins.set(out, { source, node });
      return out;
    }
    if (isMap(node)) {
      const ref = node.get("$ref", true);
      if (isScalar(ref) && typeof ref.value === "string") {
        const resolved = followRef(ref.value, node, source, slot);
        if (resolved !== undefined) return resolved;
      }
      const out: Schema = {};
      origins.set(out, { source, node });
      for (const pair of node.items) {
        const key = String(keyOf(pair.key));
        out[key] = convert(pair.value, source, slot && [...slot, key]);
      }
      return out;
    }
    return node ?? null;
  }

  /** A ref to another file: a local ref where one names the target, else the target itself.
   * Undefined for a ref that stays as written (a local ref in the root). */
  function followRef(ref: string, node: YAMLMap, source: Source, slot?: Pointer): unknown {
    const refNode = node.get("$ref", true) as Node;
    if (ref.startsWith("#") && source === root) return undefined;
    const target = locate(ref, source, refNode);
    const siblings: Schema = {};
    for (const pair of node.items) {
      const key = String(keyOf(pair.key));
      if (key !== "$ref") siblings[key] = convert(pair.value, source);
    }
    // The root's `components.<type>.<Name>` entry is where a registered file's content goes.
    const isSlot = source === root && slot?.length === 3 && slot[0] === "components";
    const local = isSlot ? undefined : localRef(target.path, target.pointer);
    if (local) {
      const out = { $ref: local, ...siblings };
      origins.set(out, { source, node });
      return out;
    }
    if (!inlined.has(target.key)) {
      if (inProgress.has(target.key)) {
        throw new SpecError(
          `${where(source, refNode)} unsupported-ref ${ref} leads back to itself: register one of its files under the root's components`,
        );
      }
      const file = read(target.path, where(source, refNode));
      const content = target.pointer.length ? file.yaml.getIn(target.pointer, true) : file.yaml.contents;
      if (content === undefined || content === null) {
        throw new SpecError(`${where(source, refNode)} unresolved-ref ${ref} points at nothing`);
      }
      inProgress.add(target.key);
      inlined.set(target.key, convert(content, file));
      inProgress.delete(target.key);
    }
    const value = inlined.get(target.key);
    if (!Object.keys(siblings).length || !value || typeof value !== "object" || Array.isArray(value))
      return value;
    // OpenAPI 3.1 lets a ref carry a summary or description that overrides the target's.
    const out = { ...(value as Schema), ...siblings };
    origins.set(out, origins.get(value) ?? { source, node });
    return out;
  }

  const doc = convert(root.yaml.contents, root, []) as Schema;
  if (!doc || typeof doc !== "object" || typeof doc.openapi !== "string") {
    throw new SpecError(`${root.file}:1:1 spec-root the document has no "openapi" version field`);
  }

  const at = (pointer: Pointer): string => {
    let node: unknown = doc;
    let found: { origin: Origin; leaf?: Node } = { origin: origins.get(doc)! };
    for (const key of pointer) {
      if (!node || typeof node !== "object" || !(key in node)) break;
      const parent = node as Schema;
      node = parent[key as string];
      const own = node && typeof node === "object" ? origins.get(node) : undefined;
      if (own) {
        found = { origin: own };
        continue;
      }
      // A scalar (or a node the loader made): where its parent writes it, if the parent has it.
      const parentOrigin = origins.get(parent);
      const leaf = parentOrigin
        ? isSeq(parentOrigin.node)
          ? (parentOrigin.node.items[Number(key)] as Node | undefined)
          : (parentOrigin.node.get(key, true) as Node | undefined)
        : undefined;
      if (parentOrigin && isNode(leaf)) found = { origin: parentOrigin, leaf };
      if (!node || typeof node !== "object") break;
    }
    const { source, node: yamlNode } = found.origin;
    return where(source, found.leaf ?? yamlNode);
  };

  const files = [...sources.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ file, name, path, text }) => ({ file, name, path, text }));
  return { file: root.file, text: root.text, files, doc, at, registrations };
}

const keyOf = (key: unknown): unknown => (isScalar(key) ? key.value : key);

/** Follows a local `$ref` (`#/components/...`) to its target; other schemas come back as they are. */
export function deref(spec: LoadedSpec, schema: Schema, where: Pointer): { schema: Schema; where: Pointer } {
  let current = schema;
  let pointer = where;
  for (let hops = 0; typeof current?.$ref === "string"; hops++) {
    const ref: string = current.$ref;
    if (!ref.startsWith("#/") || hops > 32) {
      throw new SpecError(
        `${spec.at(pointer)} unsupported-ref the generator follows only local refs: ${ref}`,
      );
    }
    pointer = ref
      .slice(2)
      .split("/")
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    current = pointer.reduce<any>((node, key) => node?.[key], spec.doc);
    if (current === undefined)
      throw new SpecError(`${spec.at(where)} unresolved-ref ${ref} points at nothing`);
  }
  return { schema: current, where: pointer };
}

/** The name of a `#/components/schemas/X` ref, or undefined for an inline schema. */
export function schemaRefName(schema: Schema | undefined): string | undefined {
  const ref = schema?.$ref;
  return typeof ref === "string" && ref.startsWith("#/components/schemas/")
    ? ref.slice("#/components/schemas/".length)
    : undefined;
}

/** An object schema with its `allOf` parts merged: every property and every required name. */
export function flattenObject(
  spec: LoadedSpec,
  schema: Schema,
  where: Pointer,
): { properties: Record<string, Schema>; required: Set<string> } {
  const { schema: s, where: w } = deref(spec, schema, where);
  const properties: Record<string, Schema> = {};
  const required = new Set<string>();
  (s.allOf ?? []).forEach((part: Schema, i: number) => {
    const merged = flattenObject(spec, part, [...w, "allOf", i]);
    Object.assign(properties, merged.properties);
    merged.required.forEach((name) => required.add(name));
  });
  Object.assign(properties, s.properties ?? {});
  (s.required ?? []).forEach((name: string) => required.add(name));
  return { properties, required };
}

/** The members of a `oneOf`/`anyOf`, each with the pointer it was found at. */
export function unionMembers(
  spec: LoadedSpec,
  schema: Schema,
  where: Pointer,
): { schema: Schema; where: Pointer }[] {
  const { schema: s, where: w } = deref(spec, schema, where);
  const key = s.oneOf ? "oneOf" : s.anyOf ? "anyOf" : undefined;
  if (!key) return [];
  return (s[key] as Schema[]).map((member, i) => ({ schema: member, where: [...w, key, i] }));
}

/**
 * The spec's layout rule: a file under `components/<type>/` holds one component, registered in the
 * root's `components.<type>` under the file's name. The generated type takes the registered name,
 * and the loader inlines a file nobody registered (its type would vanish), so a registration whose
 * name is not its file's, or a component file that is not registered, is refused here, naming the
 * line to write. Files no ref reaches are `npm run check`'s (it lists them as unused).
 */
export function checkLayout(spec: LoadedSpec): void {
  const problems: string[] = [];
  const registered = new Set<string>();
  for (const { type, name, ref, at } of spec.registrations) {
    const file = posix.normalize(ref);
    const expected = `components/${type}/${name}.yaml`;
    registered.add(file);
    if (file !== expected) {
      problems.push(
        `${at} component-file components.${type}.${name} is ${ref}: name the file ${expected}, or the component after its file (the generated type takes the component's name)`,
      );
    }
  }
  for (const file of spec.files) {
    if (!file.name.startsWith("components/") || registered.has(file.name)) continue;
    const match = /^components\/([^/]+)\/([^/]+)\.yaml$/.exec(file.name);
    problems.push(
      match
        ? `${file.file}:1:1 component-file not registered: add \`${match[2]}: { $ref: ${file.name} }\` under components.${match[1]} in ${spec.file}`
        : `${file.file}:1:1 component-file a component's file is components/<type>/<Name>.yaml, registered in ${spec.file} under components.<type>.<Name>`,
    );
  }
  if (problems.length) throw new SpecError(`the spec's components break its layout:\n${problems.join("\n")}`);
}

// Loads the spec and answers questions about it, with every failure pointing at a file and line.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";

/** A problem in the spec (or in what the generator can make of it), with where it is. */
export class SpecError extends Error {
  override name = "SpecError";
}

export type Schema = Record<string, any>;
export type Pointer = (string | number)[];

export interface LoadedSpec {
  /** The spec path as written in messages and headers: relative to the working folder. */
  file: string;
  text: string;
  doc: Schema;
  /** `file:line:col` of the node at `pointer`, or of its nearest ancestor that exists. */
  at(pointer: Pointer): string;
}

export function loadSpec(specPath: string): LoadedSpec {
  const file = relative(process.cwd(), specPath).split("\\").join("/");
  let text: string;
  try {
    text = readFileSync(specPath, "utf8");
  } catch (error) {
    throw new SpecError(`${file}: cannot read the spec (${(error as Error).message})`);
  }
  const lineCounter = new LineCounter();
  const yamlDoc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (yamlDoc.errors.length > 0) {
    const lines = yamlDoc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return `${file}:${line}:${col} yaml-syntax ${e.message.split("\n")[0]}`;
    });
    throw new SpecError(`the spec is not valid YAML:\n${lines.join("\n")}`);
  }
  const doc = yamlDoc.toJS() as Schema;
  if (!doc || typeof doc !== "object" || typeof doc.openapi !== "string") {
    throw new SpecError(`${file}:1:1 spec-root the document has no "openapi" version field`);
  }
  const at = (pointer: Pointer): string => {
    for (let n = pointer.length; n >= 0; n--) {
      const node = yamlDoc.getIn(pointer.slice(0, n), true);
      if (isNode(node) && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return `${file}:${line}:${col}`;
      }
    }
    return `${file}:1:1`;
  };
  return { file, text, doc, at };
}

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

// The validator stage: ajv standalone code for every JSON request body, so a bad body fails before
// it is sent. The spec's schemas are turned into plain JSON Schema first: refs point into $defs,
// allOf objects are merged (ajv's discriminator needs the tag in each branch's own properties), and
// a oneOf whose branches share a required `const` property gets a `discriminator`, so errors come
// from the one branch the data chose instead of from all of them.
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";

// ajv is CommonJS: under Node ESM its default export arrives as the module object.
const standaloneCode = (
  standalone as unknown as { default: (ajv: Ajv, refs: Record<string, string>) => string }
).default;
import { RUNTIME } from "./emit.js";
import type { OperationModel } from "./model.js";
import { SpecError, type LoadedSpec, type Schema } from "./spec.js";

/**
 * ajv gathers a called validator's errors with concat, a copy of all those found so far: once per
 * item of a list of a named schema, n² copies. The generated code pushes them in place with this.
 */
const GATHER_ERRORS =
  "function gatherErrors(into, errors) { if (into === null) return errors; for (const e of errors) into.push(e); return into; }";

/** Keywords that only document: ajv needs none of them. */
const DOC_ONLY = new Set([
  "description",
  "examples",
  "example",
  "deprecated",
  "title",
  "externalDocs",
  "xml",
  "format",
]);

/** generated/validators.ts: ajv's code, then a typed table of it for src/validate.ts. */
export function emitValidators(
  spec: LoadedSpec,
  operations: OperationModel[],
): { name: string; text: string } {
  const { code, discriminators } = buildValidators(spec, operations);
  const ids = operations.filter((op) => op.body).map((op) => op.operationId);
  const text = [
    "// @ts-nocheck -- ajv's standalone code is plain JavaScript; the table below is typed.",
    `import type { CompiledValidator } from "${RUNTIME}";`,
    code.replace(/^"use strict";/, "").replace(/^export const /gm, "const "),
    "",
    "/** The operationIds with a JSON request body: the operations the validator knows. */",
    `export type ValidatedOperation = ${ids.map((id) => JSON.stringify(id)).join(" | ") || "never"};`,
    "",
    "/** One compiled validator per operationId with a JSON request body. */",
    `export const validators: Readonly<Record<ValidatedOperation, CompiledValidator>> = { ${ids.join(", ")} };`,
    "",
    "/** The discriminator properties of the request schemas, in the order they nest. */",
    `export const DISCRIMINATORS: readonly string[] = ${JSON.stringify(discriminators)};`,
    "",
  ].join("\n");
  return { name: "validators.ts", text };
}

interface ValidatorCode {
  /** ES module source exporting one validate function per operationId. */
  code: string;
  /** The discriminator property names, for messages that name the variant (`OAUTH2 ACTIVE`). */
  discriminators: string[];
}

function buildValidators(spec: LoadedSpec, operations: OperationModel[]): ValidatorCode {
  const components: Record<string, Schema> = spec.doc.components?.schemas ?? {};
  const discriminators = new Set<string>();
  const $defs: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(components))
    $defs[name] = toJsonSchema(schema, components, discriminators);
  const exports: Record<string, string> = {};
  const bodies: Record<string, Schema> = {};
  for (const op of operations) {
    if (!op.body) continue;
    const body = spec.doc.paths[op.path][op.httpMethod.toLowerCase()].requestBody;
    const resolved = body.$ref ? lookup(spec.doc, body.$ref) : body;
    bodies[op.operationId] = toJsonSchema(
      resolved.content["application/json"].schema,
      components,
      discriminators,
    );
    exports[op.operationId] = `__body_${op.operationId}`;
  }
  for (const [id, schema] of Object.entries(bodies)) $defs[`__body_${id}`] = schema;
  try {
    return { code: standaloneValidators($defs, exports), discriminators: [...discriminators] };
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw new SpecError(
      `${spec.file} validator ajv could not compile the request schemas: ${(error as Error).message}`,
    );
  }
}

/**
 * ajv's standalone code for the schemas `$defs` (refs among them are `#/$defs/<name>`), as an ES
 * module exporting the validator of each of `exports` (an export's name → its schema's name).
 */
export function standaloneValidators($defs: Record<string, Schema>, exports: Record<string, string>): string {
  const ajv = new Ajv({
    code: { source: true, esm: true, lines: true },
    discriminator: true,
    allErrors: true,
    // Messages are written from the error params by src/validate.ts.
    messages: false,
    strict: false,
    validateFormats: false,
    // One function per named schema: the 22 base strings are checked by one function, not 80 copies.
    inlineRefs: false,
  });
  ajv.addSchema({ $id: ROOT, $defs });
  // ajv counts string lengths in code points with a helper it would import at run time; the
  // package ships no ajv, so the same count is written in place.
  const refs = Object.fromEntries(
    Object.entries(exports).map(([name, schema]) => [name, `${ROOT}#/$defs/${schema}`]),
  );
  const code = `${standaloneCode(ajv, refs)
    .replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, "((text) => [...text].length)")
    .replace(
      /vErrors = vErrors === null \? (validate\d+)\.errors : vErrors\.concat\(\1\.errors\);/g,
      "vErrors = gatherErrors(vErrors, $1.errors);",
    )}\n${GATHER_ERRORS}\n`;
  if (code.includes("vErrors.concat(")) {
    throw new SpecError(
      "validator: ajv's code gathers errors with a concat the generator does not rewrite (a newer ajv?); it would copy every error found so far on each call: rewrite it in scripts/lib/validator.ts.",
    );
  }
  if (/\brequire\(|^import /m.test(code)) {
    throw new SpecError(
      `validator: ajv's code imports a runtime helper; the schema uses a keyword that needs one:\n${code.match(/require\([^)]*\)/g)?.join("\n")}`,
    );
  }
  return code;
}

const ROOT = "urn:composio:request-schemas";

function lookup(doc: Schema, ref: string): Schema {
  return ref
    .slice(2)
    .split("/")
    .reduce<any>((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
}

/** A spec schema as plain JSON Schema for ajv (see the comment at the top). */
function toJsonSchema(
  schema: Schema,
  components: Record<string, Schema>,
  discriminators: Set<string>,
): Schema {
  const convert = (node: unknown): any => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== "object") return node;
    const s = node as Schema;
    if (typeof s.$ref === "string")
      return { $ref: s.$ref.replace("#/components/schemas/", `${ROOT}#/$defs/`) };
    const out: Schema = {};
    for (const [key, value] of Object.entries(s)) {
      if (DOC_ONLY.has(key) || key.startsWith("x-")) continue;
      out[key] =
        key === "properties"
          ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, convert(v)]))
          : convert(value);
    }
    if (Array.isArray(s.allOf)) {
      // The parts stay refs, compiled once; only their const tags are hoisted, where ajv looks.
      const tags = constProperties(resolve(s));
      if (Object.keys(tags).length) {
        out.properties = { ...out.properties, ...tags };
        out.required = [...new Set([...(out.required ?? []), ...Object.keys(tags)])];
      }
    }
    const tag = Array.isArray(s.oneOf) ? sharedConstTag(s.oneOf.map(resolve)) : undefined;
    if (tag) {
      discriminators.add(tag);
      out.discriminator = { propertyName: tag };
    }
    return out;
  };
  const resolve = (part: Schema): Schema => {
    let current = part;
    for (let hops = 0; typeof current?.$ref === "string" && hops < 32; hops++) {
      current = components[current.$ref.replace("#/components/schemas/", "")]!;
    }
    if (Array.isArray(current?.allOf) && current.allOf.every((p: Schema) => isObjectSchema(resolve(p)))) {
      return mergeObjects([{ ...current, allOf: undefined }, ...current.allOf.map(resolve)]);
    }
    return current;
  };
  return convert(schema);
}

const isObjectSchema = (s: Schema | undefined): boolean =>
  !!s && !s.oneOf && !s.anyOf && (s.type === "object" || s.properties !== undefined || s.allOf !== undefined);

/** The required properties with a `const`, as `{ name: { const } }`. */
function constProperties(s: Schema): Record<string, Schema> {
  const required = new Set<string>(s.required ?? []);
  return Object.fromEntries(
    Object.entries<Schema>(s.properties ?? {})
      .filter(([name, p]) => p.const !== undefined && required.has(name))
      .map(([name, p]) => [name, { const: p.const }]),
  );
}

function mergeObjects(parts: Schema[]): Schema {
  const properties: Schema = {};
  const required = new Set<string>();
  for (const part of parts) {
    Object.assign(properties, part.properties ?? {});
    (part.required ?? []).forEach((name: string) => required.add(name));
  }
  return { type: "object", properties, ...(required.size ? { required: [...required] } : {}) };
}

/** The property every branch requires with a string `const`, if there is exactly one. */
function sharedConstTag(branches: Schema[]): string | undefined {
  const candidates = Object.keys(branches[0]?.properties ?? {}).filter((name) =>
    branches.every(
      (b) => typeof b.properties?.[name]?.const === "string" && (b.required ?? []).includes(name),
    ),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

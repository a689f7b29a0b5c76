// Checks values against the spec's component schemas with ajv (JSON Schema 2020-12, the dialect of
// OpenAPI 3.1) and ajv-formats, so that what a fake server answers is held to what the spec says,
// formats (uri, date-time, uuid) included. `x-` extensions and other annotations are ignored.
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import { deref, loadSpec, schemaRefName, type Schema } from "../../scripts/lib/spec.js";
import { bundleSpec } from "../../scripts/release/spec-rating.js";
import { readUpstream, UPSTREAM_DIR } from "../../scripts/upstream/pinned.js";
import { compareSpecs } from "../../scripts/upstream/compare.js";

const ID = "urn:composio:spec";

/** A checker: the problems of `value` against `#/components/schemas/<schema>`, none when it fits. */
export type SchemaCheck = (schema: string, value: unknown) => string[];

export function specSchemas(specPath = "spec/openapi.yaml"): SchemaCheck {
  const { doc } = loadSpec(specPath);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under Node ESM its default export arrives as the module object.
  formats.default(ajv);
  // The refs of the loaded spec are local (#/components/schemas/…): they resolve against this root.
  ajv.addSchema({ $id: ID, components: doc.components });
  return (schema, value) => {
    const validate = ajv.getSchema(`${ID}#/components/schemas/${schema}`);
    if (!validate) throw new Error(`no schema ${schema} in ${specPath}`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${schema}${e.instancePath} ${e.message ?? e.keyword}`);
  };
}

/** A checker of answers: the problems of `body` as the `status` answer of `route` (`GET /path`). */
export type AnswerCheck = (route: string, status: number, body: unknown) => string[];

const UPSTREAM_ID = "urn:composio:upstream";

/**
 * Checks answers against the response schemas of Composio's own description pinned in
 * api/upstream/ (an OpenAPI 3.0 document: its `nullable` is rewritten as JSON Schema's null type).
 * A route is matched to upstream's operation by method and path, whatever the version segment.
 * Where differences.yaml records an enum we deliberately keep richer (a revoked OAuth state's
 * REVOKED), upstream's enum takes our values too: a recorded difference is no failure, any other is.
 */
export function upstreamAnswers({ dir = UPSTREAM_DIR, specPath = "spec/openapi.yaml" } = {}): AnswerCheck {
  const upstream = readUpstream(dir);
  const recorded = new Set(upstream.differences.map((d) => d.id));
  const copy = structuredClone(upstream.copy);
  compareSpecs(bundleSpec(specPath), copy, {
    onValuesOnlyOurs: (id, nodes, values) => {
      if (!recorded.has(id)) return;
      for (const node of nodes)
        if (Array.isArray(node.enum)) node.enum.push(...values.filter((v) => !node.enum.includes(v)));
    },
  });
  const doc = withNullTypes(copy) as Schema;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  formats.default(ajv);
  // Its own id formats (authConfigId, connectedAccountId) say nothing a string does not.
  for (const format of JSON.stringify(doc).matchAll(/"format":"([^"]+)"/g))
    if (!ajv.formats[format[1]!]) ajv.addFormat(format[1]!, true);
  const answers: Schema = {};
  const findRoute = routesOf(doc.paths as Schema, { anyVersion: true });
  for (const { label, responses } of findRoute.all)
    for (const [status, response] of Object.entries(responses)) {
      const schema = response.content?.["application/json"]?.schema;
      if (schema) answers[`${label} ${status}`] = schema;
    }
  ajv.addSchema({ $id: UPSTREAM_ID, components: doc.components, answers });
  return (route, status, body) => {
    const op = findRoute(route);
    if (!op) return [`${route}: upstream describes no such operation`];
    const key = `${op.label} ${status}`;
    if (!answers[key]) return [`${route}: upstream declares no ${status} answer with a JSON body`];
    const validate = ajv.getSchema(
      `${UPSTREAM_ID}#/answers/${encodeURIComponent(key.replace(/~/g, "~0").replace(/\//g, "~1"))}`,
    );
    if (!validate) throw new Error(`no schema for ${key}`);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${key}${e.instancePath} ${e.message ?? e.keyword}`);
  };
}

/**
 * Checks answers against our spec: the status must be one the route's operation declares, and the
 * body must fit that response's schema.
 */
export function specAnswers(specPath = "spec/openapi.yaml"): AnswerCheck {
  const spec = loadSpec(specPath);
  const check = specSchemas(specPath);
  const findRoute = routesOf(spec.doc.paths as Schema);
  return (route, status, body) => {
    const op = findRoute(route);
    if (!op) return [`${route}: the spec has no such operation`];
    const declared = op.responses[String(status)];
    if (!declared) return [`${route}: the spec declares no ${status} answer`];
    const name = schemaRefName(deref(spec, declared, []).schema.content?.["application/json"]?.schema);
    if (!name) return [`${route} ${status}: the spec's answer has no named JSON schema`];
    return check(name, body);
  };
}

interface Route {
  method: string;
  path: RegExp;
  /** `METHOD /template`. */
  label: string;
  responses: Schema;
}

/**
 * The operations of a document's `paths`, found by `METHOD /path` (literal segments before
 * parameters: `/connected_accounts/link` before `/connected_accounts/{nanoid}`); with `anyVersion`,
 * whatever the version segment (`/api/v3/…`, `/api/v3.1/…`).
 */
function routesOf(
  paths: Schema,
  { anyVersion = false } = {},
): ((route: string) => Route | undefined) & { all: Route[] } {
  const all: Route[] = Object.entries(paths)
    .flatMap(([template, item]) =>
      Object.entries(item as Schema)
        .filter(([, op]) => typeof op === "object" && op !== null && "responses" in op)
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          label: `${method.toUpperCase()} ${template}`,
          path: new RegExp(
            `^${(anyVersion ? template.replace(/^\/api\/v[^/]+/, "/api/[^/]+") : template).replace(/\{[^}]*\}/g, "[^/]+")}$`,
          ),
          responses: (op as Schema).responses as Schema,
        })),
    )
    .sort((a, b) => (a.label.match(/\{/g)?.length ?? 0) - (b.label.match(/\{/g)?.length ?? 0));
  const find = (route: string) => {
    const [method, path] = route.split(" ");
    return all.find((r) => r.method === method && r.path.test(path ?? ""));
  };
  return Object.assign(find, { all });
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema 2020-12 says it: null among the types (and values). */
function withNullTypes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullTypes);
  if (typeof node !== "object" || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) if (key !== "nullable") out[key] = withNullTypes(value);
  if ((node as Schema).nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  if (typeof out.type === "string") return { ...out, type: [out.type, "null"] };
  return { anyOf: [out, { type: "null" }] };
}

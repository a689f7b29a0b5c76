// What the helper generator reads from the spec: operations (for resources) and the unions marked
// `x-sdk-builders` (for state builders). Nothing here knows a particular operation or auth scheme.
import {
  deref,
  flattenObject,
  schemaRefName,
  SpecError,
  unionMembers,
  type LoadedSpec,
  type Pointer,
  type Schema,
} from "./spec.js";

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
/** Methods that only read (RFC 9110): retried like idempotent writes. */
const SAFE_METHODS = new Set<string>(["get", "head", "options"]);
/** The delimiter of each array style with `explode: false` (OpenAPI 3.1, "Style Values"). */
const DELIMITERS: Record<string, string> = { form: ",", spaceDelimited: "%20", pipeDelimited: "|" };

export interface PathParam {
  name: string;
  /** The parameter's name as a TypeScript identifier. */
  identifier: string;
  /** Its description, and its example, from the spec. */
  description?: string;
  example?: string;
}

export interface OperationModel {
  operationId: string;
  /** PascalCase operationId: the stem of the operation's type names. */
  typeStem: string;
  httpMethod: string;
  path: string;
  resource: string;
  method: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  pathParams: PathParam[];
  query?: QueryModel;
  /**
   * Safe to repeat after a failure the server may have acted on (5xx, timeout, reset): a read
   * (GET, HEAD, OPTIONS), or a write the spec marks `x-sdk-idempotent: true`.
   */
  idempotent: boolean;
  /** `x-sdk-creates-account`: a call cut after it was sent may have made a connected account. */
  createsAccount: boolean;
  /**
   * The credential headers the operation accepts (its security requirements, each one apiKey
   * scheme in a header); empty when it needs none. Where they are fewer than every operation's
   * together (`narrowCredentials`), the client refuses to send it with another key.
   */
  credentials: string[];
  /** The security schemes those headers belong to, in the same order. */
  schemes: string[];
  /** From `x-sdk-pagination`: where the cursor goes and where a page keeps it and its items. */
  pagination?: PaginationModel;
  body?: { required: boolean; type: string; fields?: BodyFieldsModel };
  /** TypeScript type expressions, over `operations` and `components` of generated/schema.ts. */
  successType: string;
  errorType: string;
}

export interface QueryModel {
  required: boolean;
  /** Every query parameter's name, in the spec's order: the client refuses any other. */
  names: string[];
  /** Array parameters sent as one value (`explode: false`), by name → their delimiter. */
  joined: Record<string, string>;
  /** Array parameters whose name repeats, one per item (`explode: true`). */
  repeated: string[];
}

export interface PaginationModel {
  cursorParam: string;
  nextCursor: string;
  items: string;
}

export interface BuilderVariant {
  /** The method name: the variant's discriminator value in camelCase. */
  method: string;
  value: string;
  typeExpr: string;
  /** What the builder takes: the variant without its discriminator. */
  inputType: string;
  requiredFields: string[];
  title?: string;
}

export interface BuilderMember {
  /** The schema name: the exported type and the builder object share it. */
  name: string;
  discriminator: string;
  value: string;
  nestedProperty: string;
  nestedDiscriminator: string;
  description?: string;
  variants: BuilderVariant[];
}

export interface BuilderUnion {
  name: string;
  description?: string;
  members: BuilderMember[];
}

export const pascalCase = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

export const camelCase = (s: string): string => {
  const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Names the client object already uses beside its resources. */
const RESERVED_RESOURCES = new Set(["raw"]);

export function readOperations(spec: LoadedSpec): OperationModel[] {
  const operations: OperationModel[] = [];
  const seen = new Map<string, string>();
  for (const [path, pathItem] of Object.entries<Schema>(spec.doc.paths ?? {})) {
    for (const httpMethod of HTTP_METHODS) {
      const op = pathItem[httpMethod];
      if (!op) continue;
      const where: Pointer = ["paths", path, httpMethod];
      const operationId: unknown = op.operationId;
      if (typeof operationId !== "string" || !IDENTIFIER.test(operationId)) {
        throw new SpecError(
          `${spec.at(where)} operation-operationId ${httpMethod.toUpperCase()} ${path} needs an operationId that is an identifier`,
        );
      }
      const sdk = op["x-sdk"];
      if (!sdk || !IDENTIFIER.test(sdk.resource ?? "") || !IDENTIFIER.test(sdk.method ?? "")) {
        throw new SpecError(
          `${spec.at([...where, "x-sdk"])} x-sdk operation ${operationId} needs x-sdk: { resource: <identifier>, method: <identifier> }`,
        );
      }
      if (RESERVED_RESOURCES.has(sdk.resource)) {
        throw new SpecError(
          `${spec.at([...where, "x-sdk"])} x-sdk resource \`${sdk.resource}\` is taken by the client itself`,
        );
      }
      const key = `${sdk.resource}.${sdk.method}`;
      if (seen.has(key)) {
        throw new SpecError(
          `${spec.at([...where, "x-sdk"])} x-sdk ${key} is taken by operation ${seen.get(key)}`,
        );
      }
      seen.set(key, operationId);
      operations.push({
        operationId,
        typeStem: pascalCase(operationId),
        httpMethod: httpMethod.toUpperCase(),
        path,
        resource: sdk.resource,
        method: sdk.method,
        summary: op.summary,
        description: op.description,
        deprecated: op.deprecated === true,
        pathParams: readPathParams(spec, path, pathItem, op, where),
        query: readQuery(spec, pathItem, op, where),
        idempotent: SAFE_METHODS.has(httpMethod) || op["x-sdk-idempotent"] === true,
        createsAccount: op["x-sdk-creates-account"] === true,
        ...readCredentials(spec, op.security ?? spec.doc.security, where),
        pagination: readPagination(spec, pathItem, op, where),
        body: readBody(spec, op, where, operationId),
        successType: responseType(spec, op, where, operationId, (code) => /^2\d\d$/.test(code), "void"),
        errorType: responseType(
          spec,
          op,
          where,
          operationId,
          (code) => /^[45]\d\d$|^[45]XX$|^default$/.test(code),
          "unknown",
        ),
      });
    }
  }
  return operations;
}

/** Every credential header some operation takes. */
export const allCredentials = (operations: OperationModel[]): string[] => [
  ...new Set(operations.flatMap((op) => op.credentials)),
];

/** The name of the security scheme a credential header belongs to. */
export const schemeOf = (operations: OperationModel[], header: string): string => {
  const op = operations.find((o) => o.credentials.includes(header))!;
  return op.schemes[op.credentials.indexOf(header)]!;
};

/** The operation's credential headers when it takes fewer than `all`; undefined when any key will do. */
export const narrowCredentials = (op: OperationModel, all: string[]): string[] | undefined =>
  op.credentials.length && op.credentials.length < all.length ? op.credentials : undefined;

/** The header names of an operation's security requirements: alternatives of one apiKey scheme each. */
function readCredentials(
  spec: LoadedSpec,
  security: unknown,
  where: Pointer,
): { credentials: string[]; schemes: string[] } {
  if (!Array.isArray(security)) return { credentials: [], schemes: [] };
  const schemes: Record<string, Schema> = spec.doc.components?.securitySchemes ?? {};
  const found = security.map((requirement: Record<string, unknown>, i) => {
    const names = Object.keys(requirement ?? {});
    const scheme = names.length === 1 ? schemes[names[0]!] : undefined;
    if (scheme?.type !== "apiKey" || scheme.in !== "header" || typeof scheme.name !== "string") {
      throw new SpecError(
        `${spec.at([...where, "security", i])} security each security requirement must name one apiKey scheme sent in a header (got ${JSON.stringify(requirement)})`,
      );
    }
    return { header: scheme.name.toLowerCase(), scheme: names[0]! };
  });
  return { credentials: found.map((f) => f.header), schemes: found.map((f) => f.scheme) };
}

function parameters(spec: LoadedSpec, pathItem: Schema, op: Schema, where: Pointer): Schema[] {
  const fromPath = (pathItem.parameters ?? []).map(
    (p: Schema, i: number) => deref(spec, p, [...where.slice(0, 2), "parameters", i]).schema,
  );
  const fromOp = (op.parameters ?? []).map(
    (p: Schema, i: number) => deref(spec, p, [...where, "parameters", i]).schema,
  );
  // An operation's parameter overrides the path item's of the same name and place.
  const byKey = new Map<string, Schema>();
  for (const p of [...fromPath, ...fromOp]) byKey.set(`${p.in}:${p.name}`, p);
  return [...byKey.values()];
}

function readPathParams(
  spec: LoadedSpec,
  path: string,
  pathItem: Schema,
  op: Schema,
  where: Pointer,
): PathParam[] {
  const declared = new Map(
    parameters(spec, pathItem, op, where)
      .filter((p) => p.in === "path")
      .map((p) => [p.name as string, p]),
  );
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => {
    const param = declared.get(name!);
    if (!param) throw new SpecError(`${spec.at(where)} path-params {${name}} in ${path} is not declared`);
    const identifier = IDENTIFIER.test(name!) ? name! : camelCase(name!);
    const example = param.example ?? deref(spec, param.schema ?? {}, where).schema.examples?.[0];
    return {
      name: name!,
      identifier,
      description: param.description,
      example: typeof example === "string" ? example : undefined,
    };
  });
}

function readQuery(spec: LoadedSpec, pathItem: Schema, op: Schema, where: Pointer): QueryModel | undefined {
  const query = parameters(spec, pathItem, op, where).filter((p) => p.in === "query");
  if (!query.length) return undefined;
  const joined: Record<string, string> = {};
  const repeated: string[] = [];
  for (const p of query) {
    const style: string = p.style ?? "form";
    const explode: boolean = p.explode ?? style === "form";
    const at = () => spec.at([...where, "parameters"]);
    if (!(style in DELIMITERS))
      throw new SpecError(
        `${at()} query-style ${p.name}: the generator sends form, spaceDelimited and pipeDelimited query parameters, not ${style}`,
      );
    // `type: [array, "null"]`: null is left out of the query, like undefined.
    const declared: unknown = deref(spec, p.schema ?? {}, [...where, "parameters"]).schema.type;
    const types = (Array.isArray(declared) ? declared : [declared]).filter((t) => t !== "null");
    if (types.includes("object"))
      throw new SpecError(`${at()} query-style ${p.name}: the generator sends no object query parameters`);
    if (types.includes("array")) {
      if (explode) repeated.push(p.name);
      else joined[p.name] = DELIMITERS[style]!;
    }
  }
  return {
    required: query.some((p) => p.required === true),
    names: query.map((p) => String(p.name)),
    joined,
    repeated,
  };
}

function readPagination(
  spec: LoadedSpec,
  pathItem: Schema,
  op: Schema,
  where: Pointer,
): PaginationModel | undefined {
  const ext = op["x-sdk-pagination"];
  if (ext === undefined) return undefined;
  const at = spec.at([...where, "x-sdk-pagination"]);
  const { cursorParam, nextCursor, items } = (ext ?? {}) as Record<string, unknown>;
  if (typeof cursorParam !== "string" || typeof nextCursor !== "string" || typeof items !== "string")
    throw new SpecError(`${at} x-sdk-pagination needs { cursorParam, nextCursor, items }, each a name`);
  const query = parameters(spec, pathItem, op, where).filter((p) => p.in === "query");
  if (!query.some((p) => p.name === cursorParam))
    throw new SpecError(
      `${at} x-sdk-pagination cursorParam ${cursorParam} is no query parameter of the operation`,
    );
  const success = Object.keys(op.responses ?? {}).find((code) => /^2\d\d$/.test(code));
  const response = success ? deref(spec, op.responses[success], [...where, "responses", success]).schema : {};
  const schema = response.content?.["application/json"]?.schema;
  const page = schema ? flattenObject(spec, schema, [...where, "responses", success!]).properties : {};
  if (!(nextCursor in page))
    throw new SpecError(`${at} x-sdk-pagination nextCursor ${nextCursor} is no property of the page`);
  if (deref(spec, page[items] ?? {}, where).schema.type !== "array")
    throw new SpecError(`${at} x-sdk-pagination items ${items} is no array property of the page`);
  return { cursorParam, nextCursor, items };
}

function readBody(spec: LoadedSpec, op: Schema, where: Pointer, operationId: string): OperationModel["body"] {
  if (!op.requestBody) return undefined;
  const body = deref(spec, op.requestBody, [...where, "requestBody"]).schema;
  const schema = body.content?.["application/json"]?.schema;
  if (!schema)
    throw new SpecError(
      `${spec.at([...where, "requestBody"])} request-body the generator needs an application/json body`,
    );
  const name = schemaRefName(schema);
  const required = body.required === true;
  const type = name
    ? `components["schemas"][${JSON.stringify(name)}]`
    : `${required ? "" : "NonNullable<"}operations[${JSON.stringify(operationId)}]["requestBody"]${required ? "" : ">"}["content"]["application/json"]`;
  const fields = bodyFields(spec, schema, [...where, "requestBody", "content", "application/json", "schema"]);
  return { required, type, ...(fields && { fields }) };
}

/**
 * The fields of a request body's objects, as the client checks a body against them before sending
 * it: a field the API does not read is dropped without a word (link's `callbackUrl` for
 * `callback_url`), so the client refuses it. An object that lists its `properties` is closed: it
 * takes those only, as its TypeScript type does. One whose `additionalProperties` is `true` or a
 * schema is open, and so is an `x-sdk-open` union and everything in it (Composio adds schemes and
 * statuses, and toolkits fields of their own, to `state` and `val`, which its own description leaves
 * open): an open object takes other names, but not a near miss of one it lists. `allOf` parts and
 * `oneOf`/`anyOf` members are merged: their fields together, open if any one is.
 */
export interface BodyFieldsModel {
  open: boolean;
  /** Each listed name → the fields of its value, when that is an object or an array of them; null when not. */
  fields: Record<string, BodyFieldsModel | null>;
  /** The component the object is, when it is one (for the name of its constant). */
  name?: string;
}

function bodyFields(
  spec: LoadedSpec,
  schema: Schema,
  where: Pointer,
  open = false,
  visiting = new Set<Schema>(),
): BodyFieldsModel | null {
  const { schema: s, where: w } = deref(spec, schema, where);
  // A schema that contains itself is checked down to where it repeats.
  if (!s || typeof s !== "object" || visiting.has(s)) return null;
  visiting.add(s);
  try {
    const within = open || s["x-sdk-open"] === true;
    const nested = (part: Schema, at: Pointer) => bodyFields(spec, part, at, within, visiting);
    if (s.items) return nested(s.items, [...w, "items"]);
    const parts = [
      ...unionMembers(spec, s, w).map((m) => nested(m.schema, m.where)),
      ...(s.allOf ?? []).map((part: Schema, i: number) => nested(part, [...w, "allOf", i])),
    ];
    if (s.properties || s.additionalProperties === false) {
      const extra = s.additionalProperties;
      parts.unshift({
        open: within || (extra !== undefined && extra !== false),
        fields: Object.fromEntries(
          Object.entries<Schema>(s.properties ?? {}).map(([key, value]) => [
            key,
            nested(value, [...w, "properties", key]),
          ]),
        ),
      });
    }
    const merged = mergeFields(parts.filter((p): p is BodyFieldsModel => p !== null));
    const name = schemaRefName(schema);
    return merged && name ? { ...merged, name } : merged;
  } finally {
    visiting.delete(s);
  }
}

/** Objects told apart by nothing the check reads, as one: every field of each, open if one is. */
function mergeFields(parts: BodyFieldsModel[]): BodyFieldsModel | null {
  if (parts.length <= 1) return parts[0] ?? null;
  const fields: Record<string, BodyFieldsModel | null> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part.fields)) {
      const seen = fields[key];
      fields[key] = !seen ? value : !value ? seen : mergeFields([seen, value].map(({ name: _, ...f }) => f));
    }
  }
  return { open: parts.some((p) => p.open), fields };
}

/** The union of JSON bodies of the responses whose code matches, as a type expression. */
function responseType(
  spec: LoadedSpec,
  op: Schema,
  where: Pointer,
  operationId: string,
  matches: (code: string) => boolean,
  none: string,
): string {
  const types = new Set<string>();
  for (const code of Object.keys(op.responses ?? {}).sort()) {
    if (!matches(code)) continue;
    const response = deref(spec, op.responses[code], [...where, "responses", code]).schema;
    const json = response.content?.["application/json"];
    if (!json?.schema) continue;
    const name = schemaRefName(json.schema);
    const key = /^\d+$/.test(code) ? code : JSON.stringify(code);
    types.add(
      name
        ? `components["schemas"][${JSON.stringify(name)}]`
        : `operations[${JSON.stringify(operationId)}]["responses"][${key}]["content"]["application/json"]`,
    );
  }
  return types.size ? [...types].join(" | ") : none;
}

/**
 * A variant's fields without its discriminator, as a type. Where the variant is an allOf of named
 * parts, it is the intersection of the parts that do not hold the discriminator: concrete types a
 * consumer's compiler reads as they are. Otherwise `Omit<…>`, which it must instantiate.
 */
function inputType(spec: LoadedSpec, variant: Schema, name: string, discriminator: string): string {
  const parts: Schema[] = variant.allOf ?? [];
  const names = parts.map(schemaRefName);
  const ownKeys = Object.keys(variant).filter((k) => !["allOf", "title", "description"].includes(k));
  if (!parts.length || names.some((n) => !n) || ownKeys.length) {
    return `Omit<components["schemas"][${JSON.stringify(name)}], ${JSON.stringify(discriminator)}>`;
  }
  const kept = names.filter(
    (n) => !(discriminator in flattenObject(spec, { $ref: `#/components/schemas/${n}` }, []).properties),
  );
  return kept.length ? kept.map((n) => `components["schemas"][${JSON.stringify(n)}]`).join(" & ") : "{}";
}

/** Every component schema marked `x-sdk-builders: true`: a union of objects told apart by a `const`
 * property, each holding a second union told apart the same way. */
export function readBuilderUnions(spec: LoadedSpec): BuilderUnion[] {
  const unions: BuilderUnion[] = [];
  for (const [name, schema] of Object.entries<Schema>(spec.doc.components?.schemas ?? {})) {
    if (schema["x-sdk-builders"] !== true) continue;
    const where: Pointer = ["components", "schemas", name];
    const members = unionMembers(spec, schema, where);
    if (!members.length)
      throw new SpecError(`${spec.at(where)} x-sdk-builders ${name} must be a oneOf of named schemas`);
    unions.push({
      name,
      description: schema.description,
      members: members.map((m) => readMember(spec, m.schema, m.where)),
    });
  }
  return unions;
}

function constProperty(
  spec: LoadedSpec,
  schema: Schema,
  where: Pointer,
): { property: string; value: string; fields: ReturnType<typeof flattenObject> } {
  const fields = flattenObject(spec, schema, where);
  const consts = Object.entries(fields.properties).filter(
    ([prop, s]) => typeof s.const === "string" && fields.required.has(prop),
  );
  if (consts.length !== 1) {
    throw new SpecError(
      `${spec.at(where)} x-sdk-builders each union member needs exactly one required property with a string const (found ${consts.length})`,
    );
  }
  const [property, s] = consts[0]!;
  return { property, value: s.const, fields };
}

function readMember(spec: LoadedSpec, schema: Schema, where: Pointer): BuilderMember {
  const name = schemaRefName(schema);
  if (!name)
    throw new SpecError(`${spec.at(where)} x-sdk-builders union members must be $refs to named schemas`);
  const memberWhere: Pointer = ["components", "schemas", name];
  const { property, value, fields } = constProperty(spec, schema, where);
  const nested = Object.entries(fields.properties).filter(
    ([, s]) => unionMembers(spec, s, memberWhere).length > 0,
  );
  if (nested.length !== 1) {
    throw new SpecError(
      `${spec.at(memberWhere)} x-sdk-builders ${name} needs exactly one property that is a oneOf (found ${nested.length})`,
    );
  }
  const [nestedProperty, nestedSchema] = nested[0]!;
  const variants = unionMembers(spec, nestedSchema, [...memberWhere, "properties", nestedProperty]).map(
    (v) => {
      const variantName = schemaRefName(v.schema);
      if (!variantName)
        throw new SpecError(`${spec.at(v.where)} x-sdk-builders variants must be $refs to named schemas`);
      const found = constProperty(spec, v.schema, v.where);
      const target = deref(spec, v.schema, v.where).schema;
      return {
        discriminator: found.property,
        variant: {
          method: camelCase(found.value),
          value: found.value,
          typeExpr: `components["schemas"][${JSON.stringify(variantName)}]`,
          inputType: inputType(spec, target, variantName, found.property),
          requiredFields: [...found.fields.required].filter((f) => f !== found.property),
          title: target.title,
        },
        where: v.where,
      };
    },
  );
  const discriminators = new Set(variants.map((v) => v.discriminator));
  if (discriminators.size !== 1) {
    throw new SpecError(
      `${spec.at(memberWhere)} x-sdk-builders the variants of ${name}.${nestedProperty} disagree on their discriminator`,
    );
  }
  const methods = new Set<string>();
  for (const v of variants) {
    if (methods.has(v.variant.method))
      throw new SpecError(
        `${spec.at(v.where)} x-sdk-builders two variants of ${name} are named ${v.variant.method}`,
      );
    methods.add(v.variant.method);
  }
  return {
    name,
    discriminator: property,
    value,
    nestedProperty,
    nestedDiscriminator: [...discriminators][0]!,
    description: deref(spec, schema, where).schema.description,
    variants: variants.map((v) => v.variant),
  };
}

export interface SpecMeta {
  version: string;
  server: string;
  sensitiveFields: string[];
  /** `"POST /api/v3.1/connected_accounts"` → its operationId, and whether it is safe to repeat. */
  routes: Record<
    string,
    {
      operation: string;
      idempotent: boolean;
      createsAccount?: true;
      credentials?: string[];
      query?: string[];
    }
  >;
  /**
   * Every leading part of two segments or more of the operations' paths, up to the first parameter:
   * `/api/v3.1`, `/api/v3.1/connected_accounts` …; the `baseUrl` check refuses a path that ends with
   * their segments or version segments (`/api`, `/api/v3`, `/v3`, `/connected_accounts` …).
   */
  pathPrefixes: string[];
  /** The array query parameters sent as one value, of every operation: name → delimiter. */
  queryJoined: Record<string, string>;
}

/** `info.version`, the first server, the names marked `x-sensitive: true`, and the operations' routes. */
export function readMeta(spec: LoadedSpec, operations: OperationModel[]): SpecMeta {
  const server = spec.doc.servers?.[0]?.url;
  if (typeof server !== "string") {
    throw new SpecError(`${spec.at(["servers"])} servers the spec needs a first server: the default baseUrl`);
  }
  const prefixes = new Set<string>();
  for (const { path } of operations) {
    const segments = path.split("/").slice(1);
    for (let n = 2; n < segments.length && !segments[n - 1]!.includes("{"); n++)
      prefixes.add(`/${segments.slice(0, n).join("/")}`);
  }
  // The raw client serializes every request's query with one table: a name must mean one style.
  const queryJoined: Record<string, string> = {};
  const credentials = allCredentials(operations);
  const styleOf = new Map<string, { style: string; operation: string }>();
  for (const op of operations) {
    const styles = [
      ...Object.entries(op.query?.joined ?? {}),
      ...(op.query?.repeated ?? []).map((name) => [name, "repeated"] as const),
    ];
    for (const [name, style] of styles) {
      const seen = styleOf.get(name);
      if (seen && seen.style !== style)
        throw new SpecError(
          `${spec.at(["paths", op.path])} query-style array parameter ${name} is sent one way by ${seen.operation} and another by ${op.operationId}`,
        );
      styleOf.set(name, { style, operation: op.operationId });
      if (style !== "repeated") queryJoined[name] = style;
    }
  }
  return {
    queryJoined,
    version: String(spec.doc.info?.version),
    server,
    sensitiveFields: readSensitiveFields(spec),
    routes: Object.fromEntries(
      operations.map((op) => [
        `${op.httpMethod} ${op.path}`,
        {
          operation: op.operationId,
          idempotent: op.idempotent,
          ...(op.createsAccount ? { createsAccount: true as const } : {}),
          ...(narrowCredentials(op, credentials) ? { credentials: op.credentials } : {}),
          ...(op.query ? { query: op.query.names } : {}),
        },
      ]),
    ),
    pathPrefixes: [...prefixes].sort(),
  };
}

/** Every property name the spec marks `x-sensitive: true`, anywhere, sorted. */
function readSensitiveFields(spec: LoadedSpec): string[] {
  const names = new Set<string>();
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    const schema = node as Schema;
    for (const [name, property] of Object.entries<Schema>(schema.properties ?? {})) {
      if (property?.["x-sensitive"] === true) names.add(name);
    }
    Object.values(schema).forEach(visit);
  };
  visit(spec.doc);
  return [...names].sort();
}

/**
 * Every schema marked `x-sdk-open: true`, by its JSON pointer (`#/components/schemas/X`, as
 * openapi-typescript names it), with the type of the values it also admits: the API adds auth
 * schemes and statuses over time, and the client lets them through. An enum admits any
 * `UnknownValue`; a oneOf told apart by one required const property admits an object whose
 * property is an `UnknownValue`. The type is opaque, not `string`: comparing with a known literal
 * still narrows, and an exhaustive `switch` keeps a default branch, as at run time.
 */
export function readOpenSchemas(spec: LoadedSpec): Map<string, string> {
  const open = new Map<string, string>();
  // `name` is openapi-typescript's name for the node: its JSON pointer without the `properties` steps.
  const visit = (node: unknown, pointer: Pointer, name: Pointer): void => {
    if (!node || typeof node !== "object") return;
    const schema = node as Schema;
    if (schema["x-sdk-open"] === true)
      open.set(`#/${name.map(escapePointer).join("/")}`, openMember(spec, schema, pointer));
    for (const [key, child] of Object.entries(schema)) {
      if (key === "properties" && child && typeof child === "object") {
        for (const [property, value] of Object.entries(child))
          visit(value, [...pointer, key, property], [...name, property]);
      } else visit(child, [...pointer, key], [...name, key]);
    }
  };
  visit(spec.doc.components, ["components"], ["components"]);
  visit(spec.doc.paths, ["paths"], ["paths"]);
  return open;
}

const escapePointer = (segment: string | number): string =>
  String(segment).replace(/~/g, "~0").replace(/\//g, "~1");

function openMember(spec: LoadedSpec, schema: Schema, where: Pointer): string {
  if (Array.isArray(schema.enum) && schema.enum.every((v: unknown) => typeof v === "string"))
    return "UnknownValue";
  const members = unionMembers(spec, schema, where);
  const tags = members.map((m) => {
    const { properties, required } = flattenObject(spec, m.schema, m.where);
    return new Set(
      Object.keys(properties).filter((p) => typeof properties[p]!.const === "string" && required.has(p)),
    );
  });
  const shared = tags.length ? [...tags[0]!].filter((p) => tags.every((t) => t.has(p))) : [];
  if (shared.length !== 1) {
    throw new SpecError(
      `${spec.at([...where, "x-sdk-open"])} x-sdk-open needs a string enum, or a oneOf whose members share one required const property (found ${shared.length})`,
    );
  }
  return `{ ${JSON.stringify(shared[0])}: UnknownValue; [key: string]: unknown }`;
}

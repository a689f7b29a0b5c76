// The helpers stage: ts-morph writes the convenience layer from the model read off the spec.
import {
  Project,
  StructureKind,
  VariableDeclarationKind,
  type CodeBlockWriter,
  type SourceFile,
  type StatementStructures,
  type WriterFunction,
} from "ts-morph";
import type { BodyFieldsModel, BuilderUnion, OperationModel, SpecMeta } from "./model.js";
import { allCredentials, narrowCredentials, pascalCase, schemeOf } from "./model.js";

/**
 * The one file of src/ that generated code may import (test/imports.test.ts holds generated/ to it,
 * and src/ to having no import circle through it).
 */
export const RUNTIME = "../src/runtime.js";

export interface EmittedFile {
  name: string;
  text: string;
}

// One in-memory project for every emitted file, and each file's statements added in one call:
// creating a Project is not free, and ts-morph re-parses a file after every insertion.
let shared: Project | undefined;
const project = () => (shared ??= new Project({ useInMemoryFileSystem: true }));

/** JSDoc text from a summary and description, with `*\/` made harmless. */
const doc = (...parts: (string | undefined)[]): string => {
  const present = parts.filter((p): p is string => !!p && p.trim() !== "").map((p) => p.trim());
  const prose = present.filter((p) => !p.startsWith("@"));
  const tags = present.filter((p) => p.startsWith("@"));
  return [...prose, ...(tags.length ? [tags.join("\n")] : [])].join("\n\n").replace(/\*\//g, "*\\/");
};

export function emitResources(operations: OperationModel[]): EmittedFile {
  const file = project().createSourceFile("resources.ts", "", { overwrite: true });
  const statements: StatementStructures[] = [];
  const credentials = allCredentials(operations);
  // Import from schema.ts only what the types below refer to.
  const typeExprs = operations.flatMap((op) => [op.successType, op.errorType, op.body?.type ?? ""]);
  const schemaNames = ["components", "operations"].filter(
    (name) =>
      typeExprs.some((t) => t.includes(`${name}[`)) ||
      (name === "operations" && operations.some((op) => op.pathParams.length || op.query)),
  );
  if (schemaNames.length) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: "./schema.js",
      namedImports: schemaNames,
    });
  }
  statements.push({
    kind: StructureKind.ImportDeclaration,
    isTypeOnly: true,
    moduleSpecifier: RUNTIME,
    namedImports: ["RequestOptions", "Transport"],
  });
  // Only operations with query parameters need the helper, only lists the pager: the others carry no code for them.
  const runtimeValues = [
    ...(operations.some((op) => op.pagination) ? ["PagePromise"] : []),
    ...(operations.some((op) => op.pathParams.length) ? ["pathParam"] : []),
    ...(operations.some((op) => op.query) ? ["queryString"] : []),
    ...(operations.some((op) => op.body?.fields) ? ["checkBody"] : []),
    ...(operations.some((op) => op.body?.fields || op.pathParams.length || op.query)
      ? ["unlessRefused"]
      : []),
  ];
  if (runtimeValues.length) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: RUNTIME,
      namedImports: runtimeValues,
    });
  }
  const checked = operations.filter((op) => op.body?.fields);
  if (checked.length) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: "./body-fields.js",
      namedImports: checked.map(bodyFieldsName),
    });
  }

  for (const op of operations) {
    const route = `\`${op.httpMethod} ${op.path}\``;
    if (op.body) {
      statements.push({
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: `${op.typeStem}Params`,
        type: op.body.type,
        docs: [doc(`The JSON body of ${route} (\`${op.resource}.${op.method}\`).`)],
      });
    }
    if (op.query) {
      statements.push({
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: `${op.typeStem}Query`,
        type: `NonNullable<operations[${JSON.stringify(op.operationId)}]["parameters"]["query"]>`,
        docs: [doc(`The query parameters of ${route} (\`${op.resource}.${op.method}\`).`)],
      });
    }
    statements.push({
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: `${op.typeStem}Response`,
      type: op.successType,
      docs: [doc(`What ${route} answers on success.`)],
    });
    if (op.pagination) {
      statements.push({
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: `${op.typeStem}Item`,
        type: `NonNullable<${op.typeStem}Response[${JSON.stringify(op.pagination.items)}]>[number]`,
        docs: [doc(`One item of the pages of ${route}.`)],
      });
    }
    statements.push({
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: `${op.typeStem}ErrorBody`,
      type: op.errorType,
      docs: [doc(`The body of the error responses of ${route}.`)],
    });
  }

  // One standalone function per operation, named by its operationId: an app that imports only the
  // functions it calls bundles only those. The resource objects bind the same functions.
  for (const op of operations) {
    statements.push({
      kind: StructureKind.Function,
      isExported: true,
      name: op.operationId,
      // async: a bad path parameter rejects the promise like every other failure, never throws.
      isAsync: !op.pagination,
      parameters: [{ name: "transport", type: "Transport" }, ...signature(op)],
      returnType: returnType(op),
      docs: [operationDoc(op, `\`${op.resource}.${op.method}\` as a function of its own.`)],
      // A field the spec does not list is refused before anything is sent (src/runtime.ts, checkBody).
      statements: `return ${call(op, narrowCredentials(op, credentials))};`,
    });
  }

  const resources = groupBy(operations, (op) => op.resource);
  for (const [resource, ops] of resources) {
    const typeName = `${pascalCase(resource)}Resource`;
    statements.push({
      kind: StructureKind.Interface,
      isExported: true,
      name: typeName,
      docs: [doc(`The \`${resource}\` operations.`)],
      methods: ops.map((op) => ({
        name: op.method,
        parameters: signature(op),
        returnType: returnType(op),
        docs: [operationDoc(op)],
      })),
    });
    // Per credential that some operation refuses: the operations it may call, as an interface of
    // their own (a union of method names would change, breaking, with every operation added).
    for (const header of restrictedCredentials(ops, credentials)) {
      const allowed = ops.filter((op) => !op.credentials.length || op.credentials.includes(header));
      statements.push({
        kind: StructureKind.Interface,
        isExported: true,
        name: resourceFor(resource, schemeOf(operations, header)),
        docs: [
          doc(
            `The \`${resource}\` operations a \`${header}\` credential may call (${schemeOf(operations, header)}); the others refuse it.`,
          ),
        ],
        methods: allowed.map((op) => ({
          name: op.method,
          parameters: signature(op),
          returnType: returnType(op),
          docs: [operationDoc(op)],
        })),
      });
    }
    statements.push({
      kind: StructureKind.Function,
      isExported: true,
      name: `${resource}Resource`,
      parameters: [{ name: "transport", type: "Transport" }],
      returnType: typeName,
      docs: [doc(`Binds the \`${resource}\` operations to a transport.`)],
      statements: (writer) => {
        writer.write("return").block(() => {
          for (const op of ops) writer.writeLine(`${op.method}: ${op.operationId}.bind(null, transport),`);
        });
      },
    });
  }

  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: "Resources",
    docs: [doc("Every resource of the API, as the client exposes them.")],
    properties: [...resources.keys()].map((resource) => ({
      name: resource,
      type: `${pascalCase(resource)}Resource`,
      isReadonly: true,
    })),
  });
  statements.push({
    kind: StructureKind.Function,
    isExported: true,
    name: "createResources",
    parameters: [{ name: "transport", type: "Transport" }],
    returnType: "Resources",
    docs: [doc("Binds every resource to a transport.")],
    statements: `return { ${[...resources.keys()].map((r) => `${r}: ${r}Resource(transport)`).join(", ")} };`,
  });
  file.addStatements(spaced(statements));
  return { name: "resources.ts", text: file.getFullText() };
}

/** The name of the interface of a resource's operations that one security scheme may call. */
export const resourceFor = (resource: string, scheme: string): string =>
  `${pascalCase(resource)}ResourceFor${pascalCase(scheme)}`;

/** The credential headers that some of `ops` refuse. */
const restrictedCredentials = (ops: OperationModel[], credentials: string[]): string[] =>
  credentials.filter((header) => ops.some((op) => op.credentials.length && !op.credentials.includes(header)));

const returnType = (op: OperationModel): string =>
  op.pagination
    ? `PagePromise<${op.typeStem}Response, ${op.typeStem}Item>`
    : `Promise<${op.typeStem}Response>`;

/** An operation's JSDoc: its summary, description, route, parameters and deprecation. */
function operationDoc(op: OperationModel, note?: string): string {
  return doc(
    op.summary,
    op.description,
    note,
    `${op.httpMethod} ${op.path}`,
    note ? "@param transport From `createComposioTransport`." : undefined,
    ...op.pathParams.map(
      (p) =>
        `@param ${p.identifier} ${p.description ?? `The \`${p.name}\` path parameter.`}${p.example ? ` Like \`${p.example}\`.` : ""}`,
    ),
    op.body ? "@param body The JSON body." : undefined,
    op.query ? "@param query The query parameters." : undefined,
    "@param options Per-request options; they override the client's.",
    op.pagination
      ? `@returns The first page when awaited; every item of every page with \`for await\`; the pages with \`.pages()\`.`
      : undefined,
    op.deprecated ? "@deprecated" : undefined,
  );
}

/** An operation's call: the path, query and body from the spec, sent by the transport. */
function call(op: OperationModel, credentials: string[] | undefined): string {
  const input = [
    `operation: ${JSON.stringify(op.operationId)}`,
    op.body ? "body" : "",
    op.idempotent ? "idempotent: true" : "",
    op.createsAccount ? "createsAccount: true" : "",
    credentials ? `credentials: ${JSON.stringify(credentials)}` : "",
  ].filter(Boolean);
  // What the checks refuse (a path parameter, the query, the body) rejects the call, the error's
  // words loaded later (src/runtime.ts, unlessRefused); a call they pass is sent at once.
  const check = op.body?.fields
    ? `checkBody(body, ${bodyFieldsName(op)}, ${JSON.stringify(op.operationId)}); `
    : "";
  const send = (query: string, options: string) => {
    const request = `transport.request<${op.typeStem}Response>(${JSON.stringify(op.httpMethod)}, ${pathExpression(op, query)}, { ${input.join(", ")} }, ${options})`;
    if (!check && !op.pathParams.length && !op.query) return request;
    return `unlessRefused(() => ${check ? `{ ${check}return ${request}; }` : request})`;
  };
  if (!op.pagination) return send("query", "options");
  const spec = { operation: op.operationId, ...op.pagination };
  return `new PagePromise<${op.typeStem}Response, ${op.typeStem}Item>((page, pageOptions) => ${send("page", "pageOptions")}, query, options, ${JSON.stringify(spec)})`;
}

/** The request path as code: a string, or a template filling in the encoded path parameters, plus the query. */
function pathExpression(op: OperationModel, query: string): string {
  const byName = new Map(op.pathParams.map((p) => [p.name, p]));
  // pathParam's arguments: the value, its name, the operation, and the spec's example for the message.
  const fill = (name: string) => {
    const { identifier, example } = byName.get(name)!;
    return [
      identifier,
      ...[name, op.operationId, ...(example ? [example] : [])].map((a) => JSON.stringify(a)),
    ].join(", ");
  };
  const path = op.pathParams.length
    ? `\`${op.path.replace(/[`\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_, name: string) => `\${pathParam(${fill(name)})}`)}\``
    : JSON.stringify(op.path);
  if (!op.query) return path;
  return `${path} + queryString(${query}, ${JSON.stringify(op.query.joined)}, ${JSON.stringify(op.operationId)}, ${JSON.stringify(op.query.names)})`;
}

function signature(op: OperationModel): { name: string; type: string; hasQuestionToken?: boolean }[] {
  return [
    ...op.pathParams.map((p) => ({
      name: p.identifier,
      type: `operations[${JSON.stringify(op.operationId)}]["parameters"]["path"][${JSON.stringify(p.name)}]`,
    })),
    ...(op.body ? [{ name: "body", type: `${op.typeStem}Params`, hasQuestionToken: !op.body.required }] : []),
    ...(op.query
      ? [{ name: "query", type: `${op.typeStem}Query`, hasQuestionToken: !op.query.required }]
      : []),
    { name: "options", type: "RequestOptions", hasQuestionToken: true },
  ];
}

/** One file per `x-sdk-builders` union: its type, and per member a type and a builder object. */
export function emitBuilders(union: BuilderUnion): EmittedFile {
  const name = `${kebabCase(union.name)}.ts`;
  const file = project().createSourceFile(name, "", { overwrite: true });
  const statements: StatementStructures[] = [];
  statements.push({
    kind: StructureKind.ImportDeclaration,
    isTypeOnly: true,
    moduleSpecifier: "./schema.js",
    namedImports: ["components"],
  });
  statements.push({
    kind: StructureKind.TypeAlias,
    isExported: true,
    name: union.name,
    type: `components["schemas"][${JSON.stringify(union.name)}]`,
    docs: [doc(union.description)],
  });
  for (const member of union.members) {
    statements.push({
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: member.name,
      type: `components["schemas"][${JSON.stringify(member.name)}]`,
      docs: [
        doc(
          `\`${member.discriminator}: ${member.value}\`${member.description ? ` — ${member.description}` : ""}`,
        ),
      ],
    });
    const example = member.variants.find((v) => v.requiredFields.length > 0) ?? member.variants[0]!;
    statements.push({
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [
        doc(
          `Builds \`${member.name}\` values (\`${member.discriminator}: ${member.value}\`), one builder per \`${member.nestedDiscriminator}\`.`,
          `@example ${member.name}.${example.method}(${example.requiredFields.length ? `{ ${example.requiredFields.map((f) => `${propertyKey(f)}: "…"`).join(", ")} }` : ""})`,
        ),
      ],
      declarations: [
        {
          name: member.name,
          initializer: (writer) =>
            writer.block(() => {
              for (const v of member.variants) {
                const required = v.requiredFields.length
                  ? `Requires ${v.requiredFields.map((f) => `\`${f}\``).join(", ")}.`
                  : "Takes no required fields.";
                writer.writeLine(`/** \`${member.value}\` · \`${v.value}\`. ${required} */`);
                const nested = propertyKey(member.nestedProperty);
                const param = `${nested}: ${v.inputType}${v.requiredFields.length ? "" : " = {}"}`;
                const returns = `{ ${propertyKey(member.discriminator)}: ${JSON.stringify(member.value)}; ${nested}: ${v.typeExpr} }`;
                // `status` goes last so that a stray key in the input cannot change it.
                const value = `{ ${propertyKey(member.discriminator)}: ${JSON.stringify(member.value)}, ${nested}: { ...${nested}, ${propertyKey(member.nestedDiscriminator)}: ${JSON.stringify(v.value)} } }`;
                writer.writeLine(`${v.method}: (${param}): ${returns} => (${value}),`);
              }
            }),
        },
      ],
    });
  }
  file.addStatements(spaced(statements));
  return { name, text: file.getFullText() };
}

/** The name of an operation's body fields in generated/body-fields.ts, which resources.ts imports. */
export const bodyFieldsName = (op: OperationModel): string => `${op.operationId}Fields`;

/**
 * generated/body-fields.ts: the fields of each JSON request body (see BodyFieldsModel), one
 * constant per operation, so that a bundle of one standalone function carries its own only; an
 * object met more than once (an ACL in create, link and update) is written once; and BODY_FIELDS,
 * every operation's, for the raw client and the validator.
 */
export function emitBodyFields(operations: OperationModel[]): EmittedFile {
  const withFields = operations.filter((op) => op.body?.fields);
  // Each object by what it holds, written once: the key of one is its literal, children by key.
  const keys = new Map<BodyFieldsModel, string>();
  const uses = new Map<string, number>();
  const keyOf = (fields: BodyFieldsModel): string => {
    let key = keys.get(fields);
    if (key === undefined) {
      const entries = Object.entries(fields.fields).map(([k, v]) => `${k}:${v ? keyOf(v) : 0}`);
      key = `${fields.open ? "open" : "closed"}{${entries.join(",")}}`;
      keys.set(fields, key);
    }
    uses.set(key, (uses.get(key) ?? 0) + 1);
    return key;
  };
  for (const op of withFields) keyOf(op.body!.fields!);
  const names = new Map<string, string>();
  const taken = new Set(withFields.map(bodyFieldsName));
  const statements: string[] = [];
  // Children first: a constant is declared before the objects that refer to it.
  const literal = (fields: BodyFieldsModel): string => {
    const entries = Object.entries(fields.fields).map(([k, v]) => `${propertyKey(k)}: ${v ? refer(v) : 0}`);
    return `{ ${fields.open ? "open: true, " : ""}fields: { ${entries.join(", ")} } }`;
  };
  const refer = (fields: BodyFieldsModel): string => {
    const key = keys.get(fields)!;
    const named = names.get(key);
    if (named) return named;
    if (uses.get(key)! < 2) return literal(fields);
    const base = fields.name ? fields.name[0]!.toLowerCase() + fields.name.slice(1) : "shared";
    let name = `${base}Fields`;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}Fields`;
    taken.add(name);
    const text = literal(fields);
    names.set(key, name);
    statements.push(`const ${name}: BodyFields = ${text};`);
    return name;
  };
  for (const op of withFields) {
    const fields = op.body!.fields!;
    const key = keys.get(fields)!;
    const text = names.get(key) ?? literal(fields);
    names.set(key, names.get(key) ?? bodyFieldsName(op));
    statements.push(
      `/** The fields of the body of \`${op.httpMethod} ${op.path}\` (\`${op.resource}.${op.method}\`). */\nexport const ${bodyFieldsName(op)}: BodyFields = ${text};`,
    );
  }
  const text = [
    `import type { BodyFields } from "${RUNTIME}";`,
    ...statements,
    "/** The fields of each operation's JSON body, by operationId: what the raw client and the validator check a body against. */\n" +
      `export const BODY_FIELDS: Readonly<Record<string, BodyFields>> = { ${withFields.map((op) => `${op.operationId}: ${bodyFieldsName(op)}`).join(", ")} };`,
    "",
  ].join("\n\n");
  return { name: "body-fields.ts", text };
}

/** generated/meta.ts: the facts of the spec the runtime needs, as constants. */
export function emitMeta(meta: SpecMeta): EmittedFile {
  const file = project().createSourceFile("meta.ts", "", { overwrite: true });
  const constant = (
    name: string,
    type: string,
    initializer: string,
    description: string,
  ): StatementStructures => ({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [doc(description)],
    declarations: [{ name, type, initializer }],
  });
  const statements = [
    constant(
      "VERSION",
      "string",
      JSON.stringify(meta.version),
      "The package version: the spec's `info.version`, which `npm run check` keeps equal to package.json's.",
    ),
    constant(
      "DEFAULT_BASE_URL",
      "string",
      JSON.stringify(meta.server),
      "The first server of the spec: the client's default `baseUrl`.",
    ),
    constant(
      "SENSITIVE_KEY",
      "RegExp",
      sensitiveKeyPattern(meta.sensitiveFields),
      "The keys whose values are secrets: every property the spec marks `x-sensitive: true`, and names that look secret (`val` objects accept keys the spec does not list). Their values never appear in errors or logs.",
    ),
    constant(
      "ROUTES",
      "Readonly<Record<string, { operation: string; idempotent: boolean; createsAccount?: true; credentials?: readonly string[]; query?: readonly string[] }>>",
      JSON.stringify(meta.routes),
      "Each route, `METHOD /path/{param}`, with its operationId, whether it is safe to repeat, the credential headers it takes when not every one, and its query parameters' names: how the raw client finds a request's validator, retry rule, key check and query check.",
    ),
    constant(
      "QUERY_JOINED",
      "Readonly<Record<string, string>>",
      JSON.stringify(meta.queryJoined),
      "The array query parameters sent as one value (`explode: false`), of every operation, with their delimiter: how the raw client serializes a query.",
    ),
    constant(
      "PATH_PREFIXES",
      "readonly string[]",
      JSON.stringify(meta.pathPrefixes),
      "The leading parts of the operations' paths: a `baseUrl` that ends with one would double it in every request.",
    ),
  ];
  file.addStatements(spaced(statements));
  return { name: "meta.ts", text: file.getFullText() };
}

/** Parts of names that look secret, whatever the spec says. */
const LOOKS_SECRET = [
  "token",
  "secret",
  "passw",
  "api[-_]?key",
  "private",
  "credential",
  "session",
  "signature",
  "verifier",
  "cookie",
  "authorization",
];

/** One case-insensitive pattern: the fragments above, and the spec's names they do not already match. */
function sensitiveKeyPattern(names: string[]): string {
  const fragments = new RegExp(LOOKS_SECRET.join("|"), "i");
  const exact = names.filter((name) => !fragments.test(name));
  return `/${exact.length ? `^(?:${exact.join("|")})$|` : ""}${LOOKS_SECRET.join("|")}/i`;
}

/** generated/index.ts: the generated public surface, every name listed. */
export function emitIndex(
  operations: OperationModel[],
  unions: BuilderUnion[],
  files: { resources: string },
): EmittedFile {
  const file: SourceFile = project().createSourceFile("index.ts", "", { overwrite: true });
  const statements: StatementStructures[] = [];
  statements.push({
    kind: StructureKind.ExportDeclaration,
    isTypeOnly: true,
    moduleSpecifier: "./schema.js",
    namedExports: ["components", "operations", "paths"],
  });
  const opTypes = operations.flatMap((op) => [
    ...(op.body ? [`${op.typeStem}Params`] : []),
    ...(op.query ? [`${op.typeStem}Query`] : []),
    `${op.typeStem}Response`,
    ...(op.pagination ? [`${op.typeStem}Item`] : []),
    `${op.typeStem}ErrorBody`,
  ]);
  const credentials = allCredentials(operations);
  const resourceTypes = [
    ...[...groupBy(operations, (op) => op.resource)].flatMap(([resource, ops]) => [
      `${pascalCase(resource)}Resource`,
      ...restrictedCredentials(ops, credentials).map((header) =>
        resourceFor(resource, schemeOf(operations, header)),
      ),
    ]),
    "Resources",
  ];
  statements.push({
    kind: StructureKind.ExportDeclaration,
    isTypeOnly: true,
    moduleSpecifier: `./${files.resources}`,
    namedExports: [...opTypes, ...resourceTypes],
  });
  statements.push({
    kind: StructureKind.ExportDeclaration,
    moduleSpecifier: `./${files.resources}`,
    namedExports: operations.map((op) => op.operationId),
  });
  for (const union of unions) {
    statements.push({
      kind: StructureKind.ExportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: `./${kebabCase(union.name)}.js`,
      namedExports: [union.name],
    });
    statements.push({
      kind: StructureKind.ExportDeclaration,
      moduleSpecifier: `./${kebabCase(union.name)}.js`,
      namedExports: union.members.map((m) => m.name),
    });
  }
  file.addStatements(spaced(statements));
  return { name: "index.ts", text: file.getFullText() };
}

/** Blank lines where ts-morph puts them when statements are added one by one: around blocks, and
 * between statements of different kinds. */
function spaced(statements: StatementStructures[]): (StatementStructures | WriterFunction)[] {
  const block = (st: StatementStructures) =>
    st.kind === StructureKind.Interface ||
    st.kind === StructureKind.Function ||
    st.kind === StructureKind.VariableStatement;
  return statements.flatMap((st, i) => {
    const previous = statements[i - 1];
    const gap = previous && (block(st) || block(previous) || previous.kind !== st.kind);
    return gap ? [(writer: CodeBlockWriter) => void writer.blankLineIfLastNot(), st] : [st];
  });
}

/** A property name as an object key: bare where it is an identifier, quoted otherwise. */
const propertyKey = (name: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);

const kebabCase = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

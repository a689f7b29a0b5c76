// composio-connected-accounts/validate: the opt-in local validator. It is its own entry point so
// the ajv code generated from the spec is bundled only by those who import it.
import { BODY_FIELDS } from "../generated/body-fields.js";
import { DISCRIMINATORS, validators, type ValidatedOperation } from "../generated/validators.js";
import { ComposioError, ComposioValidationError, type ValidationIssue } from "./errors.js";
import { strayMessage } from "./refusals.js";
import { strayFields } from "./stray-fields.js";
import type { RequestValidator, SchemaError } from "./types.js";

export type { ValidationIssue } from "./errors.js";
export type { RequestValidator } from "./types.js";
export type { ValidatedOperation } from "../generated/validators.js";

/** Longest discriminator value quoted back in a message. */
const QUOTE_CHARS = 40;
/** The most issues listed; a body with more gets one last issue saying how many were left out. */
const MAX_ISSUES = 100;
/** The longest field path read from an error; a longer one ends with `…`. */
const MAX_PATH_CHARS = 300;

/**
 * The problems of a request body against the spec, each with its field path and rule; none when
 * the body is valid. `operation` is the operationId (`createConnectedAccount` …); an unknown one
 * throws, so a typo cannot pass for a valid body. The first 100 are listed; past them, one last
 * issue (`rule: "maxIssues"`, path `""`) says how many more there are.
 */
export function findIssues(operation: ValidatedOperation, body: unknown): ValidationIssue[] {
  return issuesOf("findIssues", operation, body);
}

/**
 * Checks a request body against the spec and throws a ComposioValidationError, with every problem
 * found, when it is not valid. Pass it to the client as `validate` to check every body before it
 * is sent.
 *
 * @example
 * ```ts
 * import { validateRequest } from "composio-connected-accounts/validate";
 * const composio = createComposioClient({ apiKey, validate: validateRequest });
 * // a bad body now throws ComposioValidationError:
 * //   connection.state.val: OAUTH2 ACTIVE requires access_token
 * ```
 */
export const validateRequest: RequestValidator = (operation, body) => {
  const issues = issuesOf("validateRequest", operation, body);
  if (issues.length) throw new ComposioValidationError(operation, issues);
};

function issuesOf(where: string, operation: string, body: unknown): ValidationIssue[] {
  if (!Object.hasOwn(validators, operation)) {
    throw new ComposioError(
      `${where}: unknown operation ${JSON.stringify(String(operation).slice(0, 60))}; the operations with a body are ${Object.keys(validators).join(", ")}.`,
    );
  }
  const validate = validators[operation as ValidatedOperation];
  // Fields the operation does not have, as the client refuses them before sending (ajv's rule knows
  // only the objects closed with `additionalProperties: false`, and no nearest name). Listed first,
  // so only the first MAX_ISSUES can be listed: the others are counted, their messages never made.
  const fields = BODY_FIELDS[operation];
  const strays = (fields ? strayFields(body, fields, Infinity) : []).map((stray, i): ValidationIssue => ({
    path: stray.path.replace(/^body\.?/, ""),
    message: i < MAX_ISSUES ? strayMessage(stray) : "",
    rule: stray.closed ? "additionalProperties" : "nearMiss",
  }));
  return validate(body) && !strays.length ? [] : issuesFrom(validate.errors ?? [], body, strays);
}

function issuesFrom(errors: SchemaError[], body: unknown, strays: ValidationIssue[]): ValidationIssue[] {
  // A failed oneOf is reported once, not once per branch it tried: its branches are the errors at
  // its place under its schema path. Each pass is linear: thousands of wrong items cost thousands
  // of steps, not their square.
  const unions = new Map<string, SchemaError[]>();
  for (const e of errors) if (e.keyword === "oneOf") append(unions, e.instancePath, e);
  const branches = new Map<SchemaError, SchemaError[]>();
  const reported: SchemaError[] = [];
  for (const e of errors) {
    const union = unions
      .get(e.instancePath)
      ?.find((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`));
    if (union) append(branches, union, e);
    else reported.push(e);
  }
  const listed = new Map<string, ValidationIssue>();
  const unlisted = new Set<string>();
  const described = reported
    .filter((error) => error.keyword !== "additionalProperties")
    .map((error) => describe(error, segmentsOf(error.instancePath), body, branches.get(error) ?? []));
  for (const issue of [...strays, ...described]) {
    const key = `${issue.path}\n${issue.message}`;
    if (listed.has(key) || unlisted.has(key)) continue;
    if (listed.size < MAX_ISSUES) listed.set(key, issue);
    else unlisted.add(key);
  }
  const issues = [...listed.values()];
  if (unlisted.size) {
    const more = unlisted.size === 1 ? "1 more issue" : `${unlisted.size} more issues`;
    issues.push({
      path: "",
      message: `${more} not listed: only the first ${MAX_ISSUES} are`,
      rule: "maxIssues",
    });
  }
  return issues;
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

/**
 * The keys of a JSON pointer, read from its first MAX_PATH_CHARS characters: ajv's paths follow
 * the schema, but a key of any length (or a schema that recurses) costs no more than that.
 */
function segmentsOf(pointer: string): string[] {
  const segments = pointer
    .slice(0, MAX_PATH_CHARS)
    .split("/")
    .slice(1)
    .map((s) => (s.includes("~") ? s.replace(/~1/g, "/").replace(/~0/g, "~") : s));
  if (pointer.length > MAX_PATH_CHARS) segments.push("…");
  return segments;
}

function describe(
  error: SchemaError,
  segments: string[],
  body: unknown,
  branches: SchemaError[],
): ValidationIssue {
  const { keyword, params } = error;
  const at = (extra: string[] = []) => dotted([...segments, ...extra]);
  switch (keyword) {
    case "required":
      return {
        path: at(),
        message: `${context(body, segments, true)}requires ${params.missingProperty}`,
        rule: keyword,
      };
    case "discriminator": {
      const tag = String(params.tag);
      if (params.tagValue === undefined) {
        return { path: at(), message: `${context(body, segments, false)}requires ${tag}`, rule: keyword };
      }
      if (typeof params.tagValue !== "string")
        return { path: at([tag]), message: "must be a string", rule: keyword };
      const value = JSON.stringify(params.tagValue.slice(0, QUOTE_CHARS));
      const owner = context(body, segments, false);
      return {
        path: at([tag]),
        message: owner ? `${owner}has no ${tag} ${value}` : `unknown ${tag} ${value}`,
        rule: keyword,
      };
    }
    case "type":
      return { path: at(), message: `must be ${list(String(params.type).split(","))}`, rule: keyword };
    case "const":
      return { path: at(), message: `must be ${JSON.stringify(params.allowedValue)}`, rule: keyword };
    case "enum":
      return {
        path: at(),
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
        rule: keyword,
      };
    case "maxLength":
    case "minLength":
      return {
        path: at(),
        message: `must be at ${keyword === "maxLength" ? "most" : "least"} ${params.limit} characters`,
        rule: keyword,
      };
    case "oneOf": {
      const types = branches.filter((b) => b.keyword === "type").map((b) => String(b.params.type));
      const message =
        types.length === branches.length && types.length
          ? `must be ${list(types)}`
          : "matches none of its allowed shapes";
      return { path: at(), message, rule: keyword };
    }
    default:
      return { path: at(), message: `fails the ${keyword} rule`, rule: keyword };
  }
}

/** `connection.state.val`, with array indexes as `[0]`. */
const dotted = (segments: string[]): string =>
  segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), "");

/** The discriminator values met on the way down (`OAUTH2 ACTIVE `), naming the variant that applies. */
function context(body: unknown, segments: string[], includeLast: boolean): string {
  const values: string[] = [];
  let node: unknown = body;
  const steps = includeLast ? segments.length : segments.length - 1;
  for (let i = 0; i <= segments.length; i++) {
    if (i <= steps && node && typeof node === "object") {
      for (const tag of DISCRIMINATORS) {
        const value = (node as Record<string, unknown>)[tag];
        if (typeof value === "string") values.push(value.slice(0, QUOTE_CHARS));
      }
    }
    if (i < segments.length)
      node = node && typeof node === "object" ? (node as Record<string, unknown>)[segments[i]!] : undefined;
  }
  return values.length ? `${values.join(" ")} ` : "";
}

const list = (items: string[]): string =>
  items.length > 1 ? `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}` : (items[0] ?? "");

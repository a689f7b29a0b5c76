// The one file of src/ that generated code imports (scripts/lib/emit.ts names it): the transport
// contract's types, the pager, and the path and query helpers of the generated operations. Keep it
// small and stable. No file it imports may import it back (test/imports.test.ts checks): the rest
// of src/ takes the types from types.ts, not from here.

import { ComposioError } from "./errors.js";
import { codeList, describe, didYouMean, isPlainObject, shapeOf } from "./options.js";

import type { BodyFields } from "./types.js";

export type { BodyFields, CompiledValidator, RequestOptions, Transport, UnknownValue } from "./types.js";
export { PagePromise, type PaginationSpec } from "./pagination.js";

/**
 * A path parameter, percent-encoded. An empty value or a dot segment ("." or "..", which URL
 * parsing removes even when encoded) would send the request to another route — `retrieve("")` to
 * the list — so they are refused before anything is sent, as is a value that is not a string or a
 * number (`undefined` would become "/undefined").
 */
export function pathParam(value: unknown, name: string, operation: string, example?: string): string {
  const text = typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  if (text === undefined || text === "" || text === "." || text === "..") {
    const like = example === undefined ? "" : ` (like ${JSON.stringify(example)})`;
    throw new ComposioError(
      `${operation}: the path parameter \`${name}\`${like} is ${text === undefined ? describe(value) : JSON.stringify(text)}, which is no id: the request would go to another route, so nothing was sent.`,
    );
  }
  return encode(text, operation, name);
}

/**
 * A value percent-encoded; one with a lone surrogate (no UTF-8 for it) is refused, naming the
 * operation and the parameter (`name`; undefined for a query parameter's own name).
 */
function encode(value: string, operation: string, name: string | undefined): string {
  try {
    return encodeURIComponent(value);
  } catch {
    const at = value.search(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    throw new ComposioError(
      `${operation}: ${name === undefined ? "a query parameter's name" : `\`${name}\``} has a lone surrogate (half of a UTF-16 pair) at index ${at}, which no URL can carry.`,
    );
  }
}

/**
 * `?a=1&b=x&b=y` from query parameters, as the spec's `style` and `explode` say: an array repeats
 * its name (form, explode: true), or, named in `joined`, is one value with its items joined by the
 * delimiter (`statuses=ACTIVE,FAILED`). undefined and null are left out. `operation` names the
 * call in the error for a value no URL can carry.
 */
export function queryString(
  query: object | undefined,
  joined: Readonly<Record<string, string>> = {},
  operation = "queryString",
  names?: readonly string[],
): string {
  if (names) checkQueryNames(query, names, operation);
  const parts: string[] = [];
  const add = (key: string, value: string) => parts.push(`${encode(key, operation, undefined)}=${value}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    const items = (Array.isArray(value) ? value : [value]).filter(
      (item) => item !== undefined && item !== null,
    );
    const delimiter = Array.isArray(value) ? joined[key] : undefined;
    const text = (item: unknown) => encode(scalar(item, operation, key), operation, key);
    if (delimiter !== undefined) {
      if (items.length) add(key, items.map(text).join(delimiter));
    } else for (const item of items) add(key, text(item));
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

/** A query value as text: a string, a number or a boolean; anything else (an object, whose text would be "[object Object]" or whatever its toString says) is refused. */
function scalar(item: unknown, operation: string, key: string): string {
  if (typeof item === "string" || typeof item === "number" || typeof item === "boolean") return String(item);
  throw new ComposioError(
    `${operation}: the query parameter \`${key}\` is ${describe(item)}; it takes a string, a number or a boolean (or an array of them). Nothing was sent.`,
  );
}

/**
 * Refuses a query parameter the operation does not have, naming it and the nearest one it has: from
 * JavaScript, a misspelt filter (`user_id` for `user_ids`) would otherwise be sent, ignored by the
 * server, and the list would answer for every user. So would a bare value for the query, an empty
 * array filter or an empty item of one.
 */
export function checkQueryNames(
  query: object | undefined,
  names: readonly string[],
  operation: string,
): void {
  // A Map, a URLSearchParams, a Promise not awaited: their keys are not their own fields, so they
  // would read as no query at all, and the list would answer for every user.
  if (query !== undefined && !isPlainObject(query))
    throw new ComposioError(
      `${operation}: the query is a plain object of parameters${names.length ? ` (${codeList(names)})` : ""}, not ${shapeOf(query)}. Nothing was sent.`,
    );
  for (const [key, value] of Object.entries(query ?? {})) {
    if (names.includes(key)) {
      // An empty filter, or an empty item of one, filters nothing: `user_ids: []` would list every
      // user's accounts, as a misspelt filter would.
      const at = Array.isArray(value)
        ? value.findIndex((item) => item === undefined || item === null || item === "")
        : -1;
      const empty =
        value === ""
          ? 'is the string "", which says nothing'
          : !Array.isArray(value)
            ? undefined
            : value.length === 0
              ? "is an empty array, which filters nothing"
              : at >= 0
                ? `has ${describe(value[at])} at [${at}], which filters nothing`
                : undefined;
      if (empty)
        throw new ComposioError(
          `${operation}: the query parameter \`${key}\` ${empty}: the answer would not be narrowed by it. Leave \`${key}\` out to mean no filter. Nothing was sent.`,
        );
      continue;
    }
    const shown = JSON.stringify(shortName(key));
    // The nearest name from the key's first 64 characters: the edit distance is the product of the
    // lengths, and a megabyte-long key is near no name anyway.
    throw new ComposioError(
      names.length
        ? `${operation}: query: unknown parameter ${shown}; ${didYouMean(key.slice(0, 64), names)} Nothing was sent.`
        : `${operation}: query: the operation takes no query parameters (got ${shown}). Nothing was sent.`,
    );
  }
}

/** A name as a message shows it: its first 40 characters. */
const shortName = (name: string): string => (name.length > 40 ? `${name.slice(0, 40)}…` : name);

/**
 * Refuses a body field the operation does not have, naming its path and the nearest field there:
 * from JavaScript, link's `callbackUrl` (@composio/core's spelling) would be sent, dropped by the
 * API, and the user never brought back. Where the spec leaves an object open, only a near miss of
 * a listed name is refused.
 */
export function checkBody(body: unknown, fields: BodyFields, operation: string): void {
  // Every operation's body is an object: `updateStatus(id, true)` for `{ enabled: true }` would be sent.
  if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body)))
    throw new ComposioError(
      `${operation}: the body is an object (${codeList(Object.keys(fields.fields))}), not ${shapeOf(body)}. Nothing was sent.`,
    );
  const [stray] = strayFields(body, fields, 1);
  if (stray) throw new ComposioError(`${operation}: ${stray.path} ${stray.message()} Nothing was sent.`);
}

/** A field of a body that its object does not take: where, whether the object is closed, and what to say. */
export interface StrayField {
  /** `body.connection.user_Id`, an array's items as `[0]`. */
  path: string;
  closed: boolean;
  /** Made when asked: the nearest name costs more than finding the field (a body may have thousands). */
  message(): string;
}

/**
 * The first `max` fields of `value` that `fields` does not take, in the body's order. The walk
 * follows the spec's objects, so it goes no deeper than they do, and reads each key once: linear
 * in the body. A value with `toJSON` is sent as what that returns, so it is not read here.
 */
export function strayFields(
  value: unknown,
  fields: BodyFields,
  max: number,
  path = "body",
  found: StrayField[] = [],
): StrayField[] {
  if (
    typeof value !== "object" ||
    value === null ||
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  )
    return found;
  if (Array.isArray(value)) {
    // One level of items: an array of arrays is no shape of the spec's, and no deeper walk is made for it.
    for (let i = 0; i < value.length && found.length < max; i++)
      if (!Array.isArray(value[i])) strayFields(value[i], fields, max, `${path}[${i}]`, found);
    return found;
  }
  let names: string[] | undefined;
  let squashedNames: string[] | undefined;
  for (const key of Object.keys(value)) {
    if (found.length >= max) break;
    const known = Object.hasOwn(fields.fields, key) ? fields.fields[key] : undefined;
    if (known) strayFields((value as Record<string, unknown>)[key], known, max, fieldPath(path, key), found);
    if (known !== undefined) continue;
    const listed = (names ??= Object.keys(fields.fields));
    if (!fields.open) {
      found.push({
        path: fieldPath(path, key),
        closed: true,
        message: () =>
          `is not a field of this request; ${listed.length ? didYouMean(key.slice(0, 64), listed) : "it takes none."}`,
      });
      continue;
    }
    const squashed = squash(key);
    const near = listed[(squashedNames ??= listed.map(squash)).findIndex((name) => nearMiss(squashed, name))];
    if (near)
      found.push({
        path: fieldPath(path, key),
        closed: false,
        message: () =>
          `is not a field the API reads; did you mean \`${near}\`? (This object takes fields of its own, but not one this near a listed one.)`,
      });
  }
  return found;
}

/** `path.key`, or `path["a key"]` for a key that is no identifier; a key cut to its first 40 characters. */
const fieldPath = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${shortName(key)}` : `${path}[${JSON.stringify(shortName(key))}]`;

/** A name without case, `_` and `-`: `callbackUrl`, `callback_url` and `Callback-URL` are one. */
const squash = (name: string): string => name.replace(/[-_]/g, "").toLowerCase();

/**
 * Whether a name `a` reads as a misspelling of the name `b` (both squashed): the same, or, six
 * letters or more, one letter added, left out or changed. Linear in the shorter one.
 */
function nearMiss(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < 6 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}

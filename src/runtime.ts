// The one file of src/ that generated code imports (scripts/lib/emit.ts names it): the transport
// contract's types, the pager, and the path and query helpers of the generated operations. Keep it
// small and stable. No file it imports may import it back (test/imports.test.ts checks): the rest
// of src/ takes the types from types.ts, not from here.

import { later } from "./later.js";
import { isPlainObject } from "./options.js";
import { Refusal } from "./refusal.js";
import { strayFields } from "./stray-fields.js";

import type { BodyFields } from "./types.js";

export type { BodyFields, CompiledValidator, RequestOptions, Transport, UnknownValue } from "./types.js";
export { PagePromise, type PaginationSpec } from "./pagination.js";

/**
 * What `call` returns; or, when a check in it refuses the call (a `Refusal`), a promise rejected
 * with the error the refusal stands for, its words loaded with later's module. Any other error is
 * thrown as it is. Each generated function sends through it: what may be sent goes on at once.
 */
export function unlessRefused<T>(call: () => T): T | Promise<never> {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return later().then((failures) => {
      throw error.make(failures.words);
    });
  }
}

/**
 * A path parameter, percent-encoded. An empty value or a dot segment ("." or "..", which URL
 * parsing removes even when encoded) would send the request to another route — `retrieve("")` to
 * the list — so they are refused before anything is sent, as is a value that is not a string or a
 * number (`undefined` would become "/undefined"). Refusals are thrown as a `Refusal`.
 */
export function pathParam(value: unknown, name: string, operation: string, example?: string): string {
  const text = typeof value === "string" || typeof value === "number" ? String(value) : undefined;
  if (text === undefined || text === "" || text === "." || text === "..")
    throw new Refusal((words) => words.pathParam(value, name, operation, example));
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
    throw new Refusal((words) => words.loneSurrogate(value, operation, name));
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
  throw new Refusal((words) => words.scalar(item, operation, key));
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
    throw new Refusal((words) => words.queryShape(query, names, operation));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (!names.includes(key)) throw new Refusal((words) => words.unknownParameter(key, names, operation));
    // An empty filter, or an empty item of one, filters nothing: `user_ids: []` would list every
    // user's accounts, as a misspelt filter would.
    const at = Array.isArray(value)
      ? value.findIndex((item) => item === undefined || item === null || item === "")
      : -1;
    if (value === "" || (Array.isArray(value) && (value.length === 0 || at >= 0)))
      throw new Refusal((words) => words.emptyFilter(key, value, at, operation));
  }
}

/**
 * Refuses a body field the operation does not have, naming its path and the nearest field there:
 * from JavaScript, link's `callbackUrl` (@composio/core's spelling) would be sent, dropped by the
 * API, and the user never brought back. Where the spec leaves an object open, only a near miss of
 * a listed name is refused. Every operation's body is an object: `updateStatus(id, true)` for
 * `{ enabled: true }` would be sent.
 */
export function checkBody(body: unknown, fields: BodyFields, operation: string): void {
  const [stray] = strayFields(body, fields, 1);
  if (stray || (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))))
    throw new Refusal((words) => words.body(body, fields, operation, stray));
}

// The one file of src/ that generated code imports (scripts/lib/emit.ts names it): the transport
// contract's types, the pager, and the path and query helpers of the generated operations. Keep it
// small and stable. No file it imports may import it back (test/imports.test.ts checks): the rest
// of src/ takes the types from types.ts, not from here.

import { ComposioError } from "./errors.js";
import { later } from "./later.js";
import { codeList, describe, didYouMean, isPlainObject, shapeOf } from "./options.js";
import { shortName, strayFields } from "./stray-fields.js";

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

/**
 * Refuses a body field the operation does not have, naming its path and the nearest field there:
 * from JavaScript, link's `callbackUrl` (@composio/core's spelling) would be sent, dropped by the
 * API, and the user never brought back. Where the spec leaves an object open, only a near miss of
 * a listed name is refused. Every operation's body is an object: `updateStatus(id, true)` for
 * `{ enabled: true }` would be sent. The refusal is a rejected promise, its words loaded with
 * later's module (refusals.ts); undefined when the body may be sent, so that the generated
 * function goes on at once (`checkBody(…) ?? transport.request(…)`).
 */
export function checkBody(body: unknown, fields: BodyFields, operation: string): Promise<never> | undefined {
  const [stray] = strayFields(body, fields, 1);
  if (stray || (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))))
    return later().then((failures) => {
      throw failures.bodyRefusal(body, fields, operation, stray);
    });
  return undefined;
}

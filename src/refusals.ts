// The words of the calls refused before anything is sent: runtime.ts's checks decide and throw a
// `Refusal` (refusal.ts); these make its error, loaded with later's module (failure.ts re-exports
// them). The raw client and the validator, entry points of their own, import them directly.
import { ComposioError } from "./errors.js";
import { codeList, describe, didYouMean, shapeOf } from "./options.js";
import { Refusal, type Words } from "./refusal.js";
import { shortName, type StrayField } from "./stray-fields.js";

/** What to say of a field its object does not take, after its path. */
export function strayMessage({ closed, key, listed, near }: StrayField): string {
  return closed
    ? `is not a field of this request; ${listed.length ? didYouMean(key.slice(0, 64), listed) : "it takes none."}`
    : `is not a field the API reads; did you mean \`${near}\`? (This object takes fields of its own, but not one this near a listed one.)`;
}

export const words: Words = {
  pathParam(value, name, operation, example) {
    const text = typeof value === "string" || typeof value === "number" ? String(value) : undefined;
    const like = example === undefined ? "" : ` (like ${JSON.stringify(example)})`;
    return new ComposioError(
      `${operation}: the path parameter \`${name}\`${like} is ${text === undefined ? describe(value) : JSON.stringify(text)}, which is no id: the request would go to another route, so nothing was sent.`,
    );
  },
  loneSurrogate(value, operation, name) {
    const at = value.search(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    return new ComposioError(
      `${operation}: ${name === undefined ? "a query parameter's name" : `\`${name}\``} has a lone surrogate (half of a UTF-16 pair) at index ${at}, which no URL can carry.`,
    );
  },
  scalar(item, operation, key) {
    return new ComposioError(
      `${operation}: the query parameter \`${key}\` is ${describe(item)}; it takes a string, a number or a boolean (or an array of them). Nothing was sent.`,
    );
  },
  queryShape(query, names, operation) {
    return new ComposioError(
      `${operation}: the query is a plain object of parameters${names.length ? ` (${codeList(names)})` : ""}, not ${shapeOf(query)}. Nothing was sent.`,
    );
  },
  emptyFilter(key, value, at, operation) {
    const empty =
      value === ""
        ? 'is the string "", which says nothing'
        : (value as unknown[]).length === 0
          ? "is an empty array, which filters nothing"
          : `has ${describe((value as unknown[])[at])} at [${at}], which filters nothing`;
    return new ComposioError(
      `${operation}: the query parameter \`${key}\` ${empty}: the answer would not be narrowed by it. Leave \`${key}\` out to mean no filter. Nothing was sent.`,
    );
  },
  unknownParameter(key, names, operation) {
    const shown = JSON.stringify(shortName(key));
    // The nearest name from the key's first 64 characters: the edit distance is the product of the
    // lengths, and a megabyte-long key is near no name anyway.
    return new ComposioError(
      names.length
        ? `${operation}: query: unknown parameter ${shown}; ${didYouMean(key.slice(0, 64), names)} Nothing was sent.`
        : `${operation}: query: the operation takes no query parameters (got ${shown}). Nothing was sent.`,
    );
  },
  body(body, fields, operation, stray) {
    return new ComposioError(
      stray
        ? `${operation}: ${stray.path} ${strayMessage(stray)} Nothing was sent.`
        : `${operation}: the body is an object (${codeList(Object.keys(fields.fields))}), not ${shapeOf(body)}. Nothing was sent.`,
    );
  },
};

/** What `call` returns, a refusal thrown at once as its error: for the raw client, whose checks run outside any promise. */
export function now<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw error instanceof Refusal ? error.make(words) : error;
  }
}

// What a refused request body says: runtime.ts's checkBody decides before anything is sent, and
// loads these words with later's module (failure.ts re-exports them); the raw client and the
// validator, entry points of their own, import them directly.
import { ComposioError } from "./errors.js";
import { codeList, didYouMean, shapeOf } from "./options.js";
import { strayFields, type StrayField } from "./stray-fields.js";
import type { BodyFields } from "./types.js";

/** What to say of a field its object does not take, after its path. */
export function strayMessage({ closed, key, listed, near }: StrayField): string {
  return closed
    ? `is not a field of this request; ${listed.length ? didYouMean(key.slice(0, 64), listed) : "it takes none."}`
    : `is not a field the API reads; did you mean \`${near}\`? (This object takes fields of its own, but not one this near a listed one.)`;
}

/** The error for a body that is no object (`stray` undefined), or for its first stray field. */
export function bodyRefusal(
  body: unknown,
  fields: BodyFields,
  operation: string,
  stray: StrayField | undefined,
): ComposioError {
  return new ComposioError(
    stray
      ? `${operation}: ${stray.path} ${strayMessage(stray)} Nothing was sent.`
      : `${operation}: the body is an object (${codeList(Object.keys(fields.fields))}), not ${shapeOf(body)}. Nothing was sent.`,
  );
}

/** runtime.ts's checkBody, throwing at once: for the raw client, whose checks run before its own promise. */
export function checkBodyNow(body: unknown, fields: BodyFields, operation: string): void {
  const [stray] = strayFields(body, fields, 1);
  if (stray || (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))))
    throw bodyRefusal(body, fields, operation, stray);
}

// The walk that finds the fields of a request body its operation does not take: runtime.ts's
// checkBody decides with it before anything is sent; what to say of a field found is refusals.ts's,
// loaded with the first refusal (later.ts), or by the validator.
import type { BodyFields } from "./types.js";

/** A name as a message shows it: its first 40 characters. */
export const shortName = (name: string): string => (name.length > 40 ? `${name.slice(0, 40)}…` : name);

/** A field of a body that its object does not take: where, whether the object is closed, and what is near. */
export interface StrayField {
  /** `body.connection.user_Id`, an array's items as `[0]`. */
  path: string;
  closed: boolean;
  /** The field's name. */
  key: string;
  /** The names its object takes. */
  listed: string[];
  /** In an open object, the listed name it is a near miss of. */
  near?: string;
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
      found.push({ path: fieldPath(path, key), closed: true, key, listed });
      continue;
    }
    const squashed = squash(key);
    const near = listed[(squashedNames ??= listed.map(squash)).findIndex((name) => nearMiss(squashed, name))];
    if (near) found.push({ path: fieldPath(path, key), closed: false, key, listed, near });
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

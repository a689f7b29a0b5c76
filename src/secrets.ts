// What counts as a secret in a value: every string under a key that names one. The redactor looks
// for these in what it scrubs, and a list walk remembers those of the pages it read, so that a later
// page's error or log line is scrubbed of them too (a walk is one call).
import { SENSITIVE_KEY } from "../generated/meta.js";

/** Shorter secrets are not scrubbed from free text: they would blank out ordinary words. */
export const MIN_SCRUBBED_LENGTH = 4;

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

/**
 * The secrets of the pages a walk has read, by the options object it sends its next page with: the
 * transport's redactor for that request knows them (see pagination.ts).
 */
export const earlierSecrets = new WeakMap<object, ReadonlySet<string>>();

/**
 * Tells `visit` every string of 4 characters or more under a sensitive key of a JSON value, however
 * deep: one pass and no copy (the value may be 30 MB of small objects), its memory the depth's
 * (what lies deeper than 512 levels waits on a list, not on the call stack). A cycle (only a value
 * of the caller's making can have one) ends after 2^26 nodes, more than 32 MiB of JSON holds.
 */
export function collect(root: unknown, visit: (secret: string) => void): void {
  const deeper: [unknown, boolean][] = [];
  const sensitive = new Map<string, boolean>();
  const isSecret = (key: string) => {
    let known = sensitive.get(key);
    if (known === undefined) {
      known = isSensitiveKey(key);
      if (sensitive.size < 1024) sensitive.set(key, known);
    }
    return known;
  };
  let budget = 1 << 26;
  const walk = (node: unknown, secret: boolean, depth: number): void => {
    if (--budget < 0) return;
    if (typeof node === "string") {
      if (secret && node.length >= MIN_SCRUBBED_LENGTH) visit(node);
    } else if (node && typeof node === "object") {
      if (depth > 512) deeper.push([node, secret]);
      else if (Array.isArray(node)) for (const item of node) walk(item, secret, depth + 1);
      else
        for (const key in node)
          walk((node as Record<string, unknown>)[key], secret || isSecret(key), depth + 1);
    }
  };
  walk(root, false, 0);
  while (deeper.length && budget > 0) walk(...deeper.pop()!, 0);
}

// Redaction: the secrets of a request (its credential header, and every value under a sensitive key
// of its body) are scrubbed from whatever an error or a log line carries. The work is done only
// when an error or a log line is made, never on the success path.
import { SENSITIVE_KEY } from "../generated/meta.js";

export const REDACTED = "[redacted]";

/** Shorter values are not scrubbed from free text: they would blank out ordinary words. */
const MIN_SCRUBBED_LENGTH = 4;

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

/**
 * A `"key": "value"` pair in text that is not parsed JSON (a truncated or malformed body quoted in
 * a message): the value of a sensitive key is scrubbed there too. Responses carry secrets the
 * request did not (retrieve's `state` holds the account's tokens). An unterminated value runs to
 * the end of the text.
 */
const JSON_PAIR = /"([^"\\]{1,100})"\s*:\s*("(?:[^"\\]|\\.)*"?)/g;
/** A `key=value` pair of a query string or a form-encoded body (`access_token=…&scope=…`). */
const FORM_PAIR = /(^|[?&;\s])([^=&;?\s]{1,100})=([^&;\s]*)/g;

export interface Redactor {
  text(text: string): string;
  /** A deep copy with sensitive keys blanked and secret strings scrubbed. */
  value<T>(value: T): T;
}

/** A redactor for the secrets of one request. */
export function redactorFor(headers: Record<string, string>, body: unknown): Redactor {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(headers)) if (isSensitiveKey(name)) secrets.add(value);
  collect(body, false, secrets, 0);
  const list = [...secrets]
    .filter((s) => s.length >= MIN_SCRUBBED_LENGTH)
    .sort((a, b) => b.length - a.length);
  const text = (input: string): string =>
    cutSecret(
      list.reduce((out, secret) => out.split(secret).join(REDACTED), input),
      list,
    )
      .replace(JSON_PAIR, (pair, key: string, value: string) =>
        isSensitiveKey(key) ? `${pair.slice(0, -value.length)}"${REDACTED}"` : pair,
      )
      .replace(FORM_PAIR, (pair, before: string, key: string) =>
        isSensitiveKey(decodeKey(key)) ? `${before}${key}=${REDACTED}` : pair,
      );
  const value = (input: unknown, depth = 0): unknown => {
    if (typeof input === "string") return text(input);
    if (!input || typeof input !== "object" || depth > 32) return input;
    if (Array.isArray(input)) return input.map((item) => value(item, depth + 1));
    return Object.fromEntries(
      Object.entries(input).map(([key, item]) => [
        key,
        isSensitiveKey(key) && item != null ? REDACTED : value(item, depth + 1),
      ]),
    );
  };
  return { text, value: <T>(input: T) => value(input) as T };
}

/** A text cut short (a body read up to a limit) may end with the start of a secret: that goes too. */
function cutSecret(text: string, secrets: string[]): string {
  for (const secret of secrets) {
    for (let n = secret.length - 1; n >= MIN_SCRUBBED_LENGTH; n--) {
      if (text.endsWith(secret.slice(0, n))) return text.slice(0, -n) + REDACTED;
    }
  }
  return text;
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

function collect(node: unknown, underSecret: boolean, into: Set<string>, depth: number): void {
  if (depth > 32) return;
  if (typeof node === "string") {
    if (underSecret) into.add(node);
  } else if (Array.isArray(node)) {
    for (const item of node) collect(item, underSecret, into, depth + 1);
  } else if (node && typeof node === "object") {
    for (const [key, item] of Object.entries(node))
      collect(item, underSecret || isSensitiveKey(key), into, depth + 1);
  }
}

// Redaction: the secrets a request carries (its credential header and other sensitive headers, and
// every value under a sensitive key of its body) and those an answer carries (under sensitive keys)
// are scrubbed from every string an error, a log line or a warning takes from the server or the
// caller. A run of 8 or more characters of a secret is a secret, in any of the forms a server may
// echo it in: as is, JSON-escaped, percent- or form-encoded, or inside base64. The work is done only
// when an error or a log line is made, never on the success path.
import { SENSITIVE_KEY } from "../generated/meta.js";

export const REDACTED = "[redacted]";

/** How many characters of a secret in a row make a secret. */
const RUN = 8;
/** Shorter secrets are not scrubbed from free text: they would blank out ordinary words. */
const MIN_SCRUBBED_LENGTH = 4;
/** How deep `value` copies; deeper objects and arrays are replaced by a marker, not kept. */
const MAX_DEPTH = 32;
const TOO_DEEP = `[redacted: nested deeper than ${MAX_DEPTH} levels]`;

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
/** A credential with its scheme (`Bearer …`, `Basic …`): the part after the scheme is the secret. */
const SCHEME = /^[A-Za-z][\w-]* +(\S+)$/;

export interface Redactor {
  text(text: string): string;
  /** A deep copy with sensitive keys blanked, secret strings scrubbed, and nothing deeper than 32 levels. */
  value<T>(value: T): T;
  /** This redactor, knowing also the secrets under the sensitive keys of `value` (an answer's own tokens). */
  with(value: unknown): Redactor;
}

/**
 * A redactor for the secrets of one request: its headers (the credential among them) and `sent`,
 * the JSON text of its body. Nothing is done until it is used.
 */
export function redactorFor(headers: Record<string, string>, sent?: string): Redactor {
  return lazyRedactor((secrets) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!isSensitiveKey(name)) continue;
      secrets.add(value);
      const credential = SCHEME.exec(value)?.[1];
      if (credential) secrets.add(credential);
    }
    if (sent !== undefined) collect(parseJson(sent), secrets);
  });
}

/** The headers each transport sends (its credential among them), for what runs on top of it. */
const transportHeaders = new WeakMap<object, Record<string, string>>();

/** Remembers what a transport sends, so that helpers built on it (waitForConnection) know its secrets. */
export function rememberHeaders(transport: object, headers: Record<string, string>): void {
  transportHeaders.set(transport, headers);
}

/** The redactor of a transport made by this package (its key), with a request's own headers. */
export function redactorOf(transport: object, headers: Record<string, string> = {}): Redactor {
  return redactorFor({ ...transportHeaders.get(transport), ...headers });
}

/** The secrets, and the index that finds them in one pass over a text. */
interface Index {
  /** Every run of RUN characters of every form of every secret. */
  runs: Set<string>;
  /** The rolling hash of each run: a text's windows are hashed in one pass, and only a hit is compared. */
  hashes: Set<number>;
  /** Forms shorter than a run, scrubbed where they occur whole. */
  short: string[];
  /** The first 4 to 7 characters of each form: a text cut short may end with them. */
  starts: Set<string>;
}

function lazyRedactor(gather: (into: Set<string>) => void): Redactor {
  let index: Index | undefined;
  const text = (input: string): string => scrub(input, (index ??= indexOf(gather)));
  const value = (input: unknown, depth: number): unknown => {
    if (typeof input === "string") return text(input);
    if (!input || typeof input !== "object") return input;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    if (Array.isArray(input)) return input.map((item) => value(item, depth + 1));
    return Object.fromEntries(
      Object.entries(input).map(([key, item]) => [
        key,
        isSensitiveKey(key) && item != null ? REDACTED : value(item, depth + 1),
      ]),
    );
  };
  return {
    text,
    value: <T>(input: T) => value(input, 0) as T,
    with: (more) =>
      lazyRedactor((into) => {
        gather(into);
        collect(more, into);
      }),
  };
}

function indexOf(gather: (into: Set<string>) => void): Index {
  const secrets = new Set<string>();
  gather(secrets);
  const index: Index = { runs: new Set(), hashes: new Set(), short: [], starts: new Set() };
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUBBED_LENGTH || secret === REDACTED) continue;
    for (const form of formsOf(secret)) {
      if (form.length < RUN) index.short.push(form);
      for (let i = 0; i + RUN <= form.length; i++) {
        const run = form.slice(i, i + RUN);
        index.runs.add(run);
        index.hashes.add(hashOf(run));
      }
      for (let n = MIN_SCRUBBED_LENGTH; n < Math.min(RUN, form.length); n++)
        index.starts.add(form.slice(0, n));
    }
  }
  return index;
}

/** The text with every run of a secret, every short secret, and a secret's start at its very end replaced. */
function scrub(input: string, { runs, hashes, short, starts }: Index): string {
  const cuts: [number, number][] = [];
  // One pass: the hash of every window of RUN characters rolls along the text; a window whose
  // hash is a run's is compared in full.
  if (runs.size && input.length >= RUN) {
    let hash = hashOf(input);
    for (let i = 0; ; i++) {
      if (hashes.has(hash) && runs.has(input.slice(i, i + RUN))) cuts.push([i, i + RUN]);
      if (i + RUN >= input.length) break;
      hash = roll(hash, input.charCodeAt(i), input.charCodeAt(i + RUN));
    }
  }
  for (const secret of short) {
    for (let at = input.indexOf(secret); at >= 0; at = input.indexOf(secret, at + 1)) {
      cuts.push([at, at + secret.length]);
    }
  }
  for (let n = Math.min(RUN - 1, input.length); n >= MIN_SCRUBBED_LENGTH; n--) {
    if (starts.has(input.slice(-n))) cuts.push([input.length - n, input.length]);
  }
  let out = "";
  let end = -1;
  // Overlapping or touching cuts (the windows of one run) become one [redacted].
  for (const [from, to] of cuts.sort((a, b) => a[0] - b[0])) {
    if (from > end) out += input.slice(Math.max(end, 0), from) + REDACTED;
    end = Math.max(end, to);
  }
  out += input.slice(Math.max(end, 0));
  return out
    .replace(JSON_PAIR, (pair, key: string, value: string) =>
      isSensitiveKey(key) ? `${pair.slice(0, -value.length)}"${REDACTED}"` : pair,
    )
    .replace(FORM_PAIR, (pair, before: string, key: string) =>
      isSensitiveKey(decodeKey(key)) ? `${before}${key}=${REDACTED}` : pair,
    );
}

/** A polynomial hash of the first RUN characters, in 32 bits. */
function hashOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < RUN; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  return hash;
}
const BASE = 31;
/** BASE to the power RUN - 1, in 32 bits: the weight of the character that leaves the window. */
const TOP = (BASE ** (RUN - 1)) | 0;
/** The hash of the window moved by one character. */
const roll = (hash: number, out: number, next: number): number =>
  (Math.imul(hash - Math.imul(out, TOP), BASE) + next) | 0;

/**
 * A secret as a server may echo it: as is, JSON-escaped, percent-encoded (either case of hex),
 * form-encoded, and inside base64 (a `Basic` header sent back): what base64 makes of the secret
 * at each of the three byte alignments it may start at, in both alphabets.
 */
function formsOf(secret: string): Set<string> {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  try {
    const encoded = encodeURIComponent(secret);
    forms.add(encoded).add(encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  } catch {
    // a lone surrogate: no URL carries this secret
  }
  if (secret.length >= RUN) {
    const bytes = new TextEncoder().encode(secret);
    for (let shift = 0; shift < 3; shift++) {
      let binary = "\0".repeat(shift);
      for (const byte of bytes) binary += String.fromCharCode(byte);
      // Only the characters that no byte before or after the secret changes.
      const run = btoa(binary).slice(Math.ceil((8 * shift) / 6), Math.floor((8 * binary.length) / 6));
      forms.add(run).add(run.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  return forms;
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** The JSON value of a text; undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Every string under a sensitive key of a JSON value, however deep (no recursion: no depth limit). */
function collect(root: unknown, into: Set<string>): void {
  const stack: [unknown, boolean][] = [[root, false]];
  const seen = new Set<object>();
  while (stack.length) {
    const [node, underSecret] = stack.pop()!;
    if (typeof node === "string") {
      if (underSecret) into.add(node);
    } else if (node && typeof node === "object" && !seen.has(node)) {
      seen.add(node);
      for (const [key, item] of Object.entries(node)) stack.push([item, underSecret || isSensitiveKey(key)]);
    }
  }
}

// Redaction: the one choke point for what the server sends and the caller gives on its way into an
// error, a log line or a warning. It knows the secrets of the client and of one call: the headers
// (the key among them), every value under a sensitive key of the request's body, and those under
// sensitive keys of the answer (an account's tokens). A run of 8 or more characters of a secret is
// a secret, in any of the forms a server may echo it in: as is, JSON-escaped, percent- or
// form-encoded, or inside base64.
//
// The work is bounded by what is shown, not by what was received. Only an excerpt is ever scrubbed
// (a message, header values, a copy of a body cut to a budget); the index is built over that
// excerpt, and each secret goes past it once: CPU is linear in the secrets' bytes, memory is the
// excerpt's, whatever the answer's size. A redactor does nothing until it is used,
// so the success path pays for none of it.
import { SENSITIVE_KEY } from "../generated/meta.js";
import { headersOf } from "./options.js";
import { cut, parseJson } from "./errors.js";

export const REDACTED = "[redacted]";

/** How many characters of a secret in a row make a secret. */
const RUN = 8;
/** Shorter secrets are not scrubbed from free text: they would blank out ordinary words. */
const MIN_SCRUBBED_LENGTH = 4;
/** How deep a copy goes; deeper objects and arrays are replaced by a marker. */
const MAX_DEPTH = 32;
/** Encoded forms are looked for in secrets up to this long (a credential, not a megabyte-long "token"). */
const MAX_ENCODED_SECRET = 64 * 1024;
/** Longest text scrubbed as given: a longer one is cut first (callers pass excerpts). */
const MAX_TEXT_CHARS = 16 * 1024;

/** How much of a value a copy keeps: what an error shows of a body or an account. */
export interface Budget {
  /** Values kept (object entries and array items), breadth first: the top levels come first. */
  nodes: number;
  /** Characters of strings and keys kept, all together. */
  chars: number;
  /** Characters kept of one string or key. */
  string: number;
}

/** What an error keeps of a body or an account: any envelope or account whole, not a 30 MB answer. */
export const EXCERPT: Budget = { nodes: 400, chars: 16 * 1024, string: 2048 };

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

/** A credential with its scheme (`Bearer …`, `Basic …`): the part after the scheme is the secret. */
const SCHEME = /^[A-Za-z][\w-]* +(\S+)$/;
/** Characters that every encoding keeps as they are: such a secret has one form besides base64. */
const UNRESERVED = /^[\w.-]*$/;

export interface Redactor {
  /** The text, scrubbed (cut first to 16 KiB). */
  text(text: string): string;
  /** A copy within `budget` (unbounded when not given): sensitive keys blanked, keys and strings scrubbed. */
  value<T>(value: T, budget?: Budget): T;
  /** A message, headers and a copy of a value within `EXCERPT`, scrubbed together in one pass. */
  seal<T>(
    message: string,
    headers: Headers | undefined,
    value: T,
  ): { message: string; headers: Headers; value: T };
  /** This redactor, knowing also the secrets under the sensitive keys of `value` (an answer's own tokens). */
  with(value: unknown): Redactor;
}

/**
 * A redactor for the secrets of one request: its headers (the credential among them), `sent`, the
 * JSON text of its body, and `earlier`, the secrets of the answers read before it in the same call
 * (a list walk's pages, a wait's polls: earlier-secrets.ts). Nothing is done until it is used.
 */
export function redactorFor(
  headers: Record<string, string>,
  sent?: string,
  earlier?: ReadonlySet<string>,
): Redactor {
  let body: unknown;
  return lazyRedactor((visit) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!isSensitiveKey(name)) continue;
      visit(value, true);
      const credential = SCHEME.exec(value)?.[1];
      if (credential) visit(credential, true);
    }
    if (sent !== undefined) collect((body ??= parseJson(sent)), (secret) => visit(secret, true));
    earlier?.forEach((secret) => visit(secret, false));
  });
}

/**
 * The redactor of a transport or client made by this package (its key), with a request's own
 * headers and what its call read before (see redactorFor).
 */
export function redactorOf(
  sender: object,
  headers: Record<string, string> = {},
  earlier?: ReadonlySet<string>,
): Redactor {
  return redactorFor({ ...headersOf(sender), ...headers }, undefined, earlier);
}

/**
 * Tells `visit` every secret: the request's own (`sent`: the key, the body's credentials, looked
 * for in every form) and the answer's (in every form but base64). No set is
 * made: an answer may hold millions of strings under sensitive keys.
 */
type Gather = (visit: (secret: string, sent: boolean) => void) => void;

function lazyRedactor(known: Gather): Redactor {
  /** `copy` with every key and string scrubbed, `texts` scrubbed in the same pass. */
  const scrubbed = (copy: unknown, texts: string[]) => {
    let i = texts.length;
    walk(copy, (text) => (texts.push(text), text));
    const safe = scrubAll(texts, known);
    return { texts: safe, value: walk(copy, () => safe[i++]!) };
  };
  return {
    text: (input) => scrubAll([cut(input, MAX_TEXT_CHARS)], known)[0]!,
    value: (input, budget) => scrubbed(bounded(input, budget), []).value as typeof input,
    seal(message, headers, input) {
      const names: string[] = [];
      const texts = [cut(message, MAX_TEXT_CHARS)];
      headers?.forEach((value, name) => {
        names.push(name);
        texts.push(isSensitiveKey(name) ? REDACTED : headerText(name, value));
      });
      // The names too: a server may send a secret as a header's name.
      const safe = scrubbed(bounded(input, EXCERPT), [
        ...texts,
        ...names.map((name) => cut(name, EXCERPT.string)),
      ]);
      const safeHeaders = new Headers();
      names.forEach((name, i) =>
        appendHeader(
          safeHeaders,
          // A name holds token characters only, and a value Latin-1 only: the cut's "…" becomes "...".
          safe.texts[texts.length + i] === name ? name : "x-redacted",
          safe.texts[i + 1]!.replace(/…/g, "..."),
        ),
      );
      return { message: safe.texts[0]!, headers: safeHeaders, value: safe.value as typeof input };
    },
    with: (more) =>
      lazyRedactor((visit) => {
        known(visit);
        collect(more, (secret) => visit(secret, false));
      }),
  };
}

/** Appends a header of an answer, unless Headers refuses it (undici lets an empty name through): then it is left out. */
export function appendHeader(headers: Headers, name: string, value: string): void {
  try {
    headers.append(name, value);
  } catch {
    // left out (see above)
  }
}

/** Headers whose values are URLs: their query strings (a token, an OAuth code …) are not kept. */
const URL_HEADERS = new Set(["location", "content-location", "link", "refresh"]);

/** A header value as shown: cut to a string's budget, a URL's query (up to the next `<>",;` or space) left out. */
function headerText(name: string, value: string): string {
  const text = cut(value, EXCERPT.string);
  return URL_HEADERS.has(name) ? text.replace(/\?[^\s<>",;]*/g, `?${REDACTED}`) : text;
}

/**
 * A copy of `input`, breadth first, within `budget` (no bound when undefined): strings and keys
 * cut, sensitive keys blanked, nothing deeper than 32 levels, and past the budget a marker that
 * says how much was left out. Objects are Maps until `walk` makes them objects again (so that a
 * `__proto__` key stays a key). The work is bounded by the budget, not by the input.
 */
function bounded(input: unknown, budget?: Budget): unknown {
  let nodes = budget?.nodes ?? Infinity;
  let chars = budget?.chars ?? Infinity;
  const text = (value: string) => {
    const kept = cut(value, Math.max(0, Math.min(budget?.string ?? Infinity, chars)));
    chars -= Math.min(value.length, kept.length);
    return kept;
  };
  const queue: [from: object, into: unknown[] | Map<string, unknown>, depth: number][] = [];
  const take = (from: unknown, depth: number): unknown => {
    if (typeof from === "string") return text(from);
    if (!from || typeof from !== "object") return from;
    if (depth >= MAX_DEPTH) return `${REDACTED.slice(0, -1)}: nested deeper than ${MAX_DEPTH} levels]`;
    const into = Array.isArray(from) ? [] : new Map<string, unknown>();
    queue.push([from, into, depth]);
    return into;
  };
  const root = take(input, 0);
  // The queue grows while it is read: every level is copied before the next one.
  for (const [from, into, depth] of queue) {
    const keys = Array.isArray(from) ? from : Object.keys(from);
    const kept = Math.min(keys.length, Math.max(0, nodes));
    nodes -= kept;
    for (let i = 0; i < kept; i++) {
      if (Array.isArray(into)) into.push(take(keys[i], depth + 1));
      else {
        const key = keys[i] as string;
        const item = (from as Record<string, unknown>)[key];
        into.set(text(key), isSensitiveKey(key) && item != null ? REDACTED : take(item, depth + 1));
      }
    }
    const left = `${keys.length - kept} more ${Array.isArray(into) ? "items" : "keys"} left out`;
    if (kept < keys.length) {
      if (Array.isArray(into)) into.push(`[${left}]`);
      else into.set("…", left);
    }
  }
  return root;
}

/** The copy with each string and key replaced by `f` of it, in one fixed order; Maps become objects. */
function walk(node: unknown, f: (text: string) => string): unknown {
  if (typeof node === "string") return f(node);
  if (Array.isArray(node)) return node.map((item) => walk(item, f));
  if (node instanceof Map) return Object.fromEntries([...node].map(([key, item]) => [f(key), walk(item, f)]));
  return node;
}

/**
 * The texts with every run of RUN characters of any form of any secret, and every whole shorter
 * secret, replaced by one `[redacted]` each; then the value of a sensitive key in a `"key":
 * "value"` or `key=value` pair (a truncated body, a query). The index is over the texts (excerpts,
 * joined by newlines); each secret goes past it once.
 */
function scrubAll(texts: string[], known: Gather): string[] {
  const joined = texts.join("\n");
  const cuts: [number, number][] = [];
  // Every window of RUN characters, by its text, and how many distinct ones each hash bucket holds:
  // a window of a secret whose bucket is empty costs one array read. Each piece of the texts is cut
  // once and then forgotten (its bucket emptied), so the work is linear in the texts and the secrets
  // however often a piece repeats in either, and it stops when nothing is left to cut.
  const windows = new Map<string, number[]>();
  let size = 1024;
  while (size < joined.length * 4 && size < 1 << 24) size *= 2;
  const buckets = new Uint32Array(size);
  forEachWindow(joined, (hash, at) => {
    const window = joined.slice(at, at + RUN);
    if (!windows.has(window)) buckets[hash & (size - 1)]!++;
    add(windows, window, at);
  });
  const cutAll = (map: Map<string, number[]>, piece: string) => {
    const found = map.get(piece);
    if (!found) return;
    for (const at of found) cuts.push([at, at + piece.length]);
    map.delete(piece);
    if (map === windows) forEachWindow(piece, (hash) => buckets[hash & (size - 1)]!--);
  };
  const scan = (form: string) =>
    forEachWindow(form, (hash, at) => {
      if (buckets[hash & (size - 1)]) cutAll(windows, form.slice(at, at + RUN));
    });
  // Where a text ends, or was cut ("…"), it may end with a secret's first 4 to 7 characters.
  const ends = new Map<string, number[]>();
  for (let at = 0, end = 0; end <= joined.length; end++) {
    if (end < joined.length && joined[end] !== "\n" && joined[end] !== "…") continue;
    for (let n = MIN_SCRUBBED_LENGTH; n < RUN && end - n >= at; n++)
      add(ends, joined.slice(end - n, end), end - n);
    if (joined[end] === "\n") at = end + 1;
  }
  // Shorter forms: by an index of every piece of 4 to 7 characters, made on the first one; in a
  // long text (the fake's whole request), the first 32 by indexOf before the index is made.
  let short: Map<string, number[]> | undefined;
  let searched = 0;
  const scanShort = (form: string) => {
    if (!short && (joined.length <= 64 * 1024 || searched > 32)) {
      short = new Map();
      for (let at = 0; at < joined.length; at++)
        for (let n = MIN_SCRUBBED_LENGTH; n < RUN && at + n <= joined.length; n++)
          add(short, joined.slice(at, at + n), at);
    }
    if (short) return cutAll(short, form);
    searched++;
    for (let at = joined.indexOf(form); at >= 0; at = joined.indexOf(form, at + 1))
      cuts.push([at, at + form.length]);
  };
  // The same long secret (an answer may repeat one) is looked for once.
  const seen = new Set<string>();
  known((secret, sent) => {
    if (secret.length < MIN_SCRUBBED_LENGTH || secret === REDACTED) return;
    if (!windows.size && !ends.size && secret.length >= RUN) return;
    if (secret.length >= 64) {
      if (seen.has(secret)) return;
      seen.add(secret);
    }
    forEachForm(secret, sent, (form) => {
      if (form.length < RUN) scanShort(form);
      else scan(form);
      for (let n = MIN_SCRUBBED_LENGTH; ends.size && n < Math.min(RUN, form.length); n++)
        cutAll(ends, form.slice(0, n));
    });
  });
  cuts.sort((a, b) => a[0] - b[0]);
  // Each text with its cuts: overlapping or touching ones (the windows of one run) are one marker.
  let next = 0;
  let start = 0;
  return texts.map((text) => {
    const end = start + text.length;
    let out = "";
    let done = start;
    let marked = -1;
    for (; next < cuts.length && cuts[next]![0] < end; next++) {
      const from = Math.max(cuts[next]![0], start);
      const to = Math.min(cuts[next]![1], end);
      if (from > marked) out += joined.slice(done, from) + REDACTED;
      done = marked = Math.max(marked, to);
      // A cut that runs on into the next text is cut there too.
      if (cuts[next]![1] > end) break;
    }
    out += joined.slice(Math.max(done, start), end);
    start = end + 1;
    return pairs(out);
  });
}

/** Adds a position to the list under `key`. */
function add<K>(map: Map<K, number[]>, key: K, at: number): void {
  const list = map.get(key);
  if (list) list.push(at);
  else map.set(key, [at]);
}

/** Calls `visit` with the rolling hash of every window of RUN characters of `text`, and its position. */
function forEachWindow(text: string, visit: (hash: number, at: number) => void): void {
  if (text.length < RUN) return;
  let hash = 0;
  for (let i = 0; i < RUN; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  for (let i = 0; ; i++) {
    visit(hash, i);
    if (i + RUN >= text.length) return;
    // 31 ** 7 in 32 bits is the weight of the character that leaves the window.
    hash = (Math.imul(hash - Math.imul(text.charCodeAt(i), 0x67e12cdf), 31) + text.charCodeAt(i + RUN)) | 0;
  }
}

/**
 * Each form of `secret` a server may echo, to `scan`: as is, and, for a secret up to 64 KiB,
 * JSON-escaped, percent-encoded (either case of hex) and form-encoded; a secret the client `sent`
 * (the key, a credential of the body) also inside base64 (a `Basic` header sent back), at each of
 * the three byte alignments it may start at, in both alphabets (only the characters that no byte
 * before or after it changes). Nothing is copied from a longer one.
 */
function forEachForm(secret: string, sent: boolean, scan: (form: string) => void): void {
  scan(secret);
  if (secret.length > MAX_ENCODED_SECRET) return;
  if (!UNRESERVED.test(secret)) {
    // Each form only where it differs from the one before.
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) {
      scan(json);
      // Shown as JSON (`JSON.stringify(error)`), a piece shorter than a run grows by its escapes:
      // each piece of 4 to 7 characters that JSON makes a run of 8 goes too.
      for (let from = 0, to = 0, width = 0; from < secret.length; width -= escaped(secret[from++]!)) {
        while (to < secret.length && width < RUN) width += escaped(secret[to++]!);
        if (width < RUN) break;
        if (to - from < RUN && to - from >= MIN_SCRUBBED_LENGTH) scan(secret.slice(from, to));
      }
    }
    try {
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) {
        scan(encoded);
        scan(encoded.replace(/%[\dA-F]{2}/g, (hex) => hex.toLowerCase()));
      }
      // What URLSearchParams makes of it: !'()~ escaped too, and a space a "+".
      const form = encoded
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, "+");
      if (form !== encoded) scan(form);
    } catch {
      // a lone surrogate: no URL carries this secret
    }
  }
  if (!sent || secret.length < RUN) return;
  // Its UTF-8 bytes, as a binary string (ASCII is already one).
  let bytes = secret;
  if (!/^[\0-\x7f]*$/.test(secret)) {
    bytes = "";
    for (const byte of new TextEncoder().encode(secret)) bytes += String.fromCharCode(byte);
  }
  for (let shift = 0; shift < 3; shift++) {
    const binary = "\0".repeat(shift) + bytes;
    const form = btoa(binary).slice(Math.ceil((8 * shift) / 6), Math.floor((8 * binary.length) / 6));
    scan(form);
    if (/[+/]/.test(form)) scan(form.replace(/\+/g, "-").replace(/\//g, "_"));
  }
}

/** How many characters JSON makes of one. */
const escaped = (char: string): number => JSON.stringify(char).length - 2;

/**
 * The text with the value of each sensitive key blanked: in `"key": "value"` pairs (a truncated
 * or malformed body quoted in a message; an unterminated value runs to the end, or to a cut's
 * "…"), and in `key=value` pairs of a query or a form body. One pass, no backtracking.
 */
function pairs(text: string): string {
  let out = "";
  let at = 0;
  for (let quote = text.indexOf('"'); quote >= 0; quote = text.indexOf('"', at)) {
    const close = endOfString(text, quote);
    const key = text.slice(quote + 1, close);
    let value = close + 1;
    while (value < text.length && " \t\n\r".includes(text[value]!)) value++;
    if (text[close] !== '"' || text[value] !== ":" || key.length > 100) {
      out += text.slice(at, close + 1);
      at = close + 1;
      continue;
    }
    for (value++; value < text.length && " \t\n\r".includes(text[value]!); value++);
    if (text[value] !== '"' || !isSensitiveKey(key)) {
      out += text.slice(at, value);
      at = value;
      continue;
    }
    const end = endOfString(text, value);
    out += `${text.slice(at, value)}"${REDACTED}"`;
    at = text[end] === '"' ? end + 1 : end;
  }
  out += text.slice(at);
  // key=value pairs, between the separators of a query, a form body or free text.
  return out
    .split(/([&;\s])/)
    .map((part) => {
      const eq = part.indexOf("=");
      const key = part.slice(part.lastIndexOf("?", eq) + 1, eq);
      return eq > 0 && key.length <= 100 && isSensitiveKey(decodeKey(key))
        ? `${part.slice(0, eq)}=${REDACTED}`
        : part;
    })
    .join("");
}

/** Where the JSON string that opens at `quote` closes (its end, or a cut's "…", when it does not). */
function endOfString(text: string, quote: number): number {
  let at = quote + 1;
  while (at < text.length && text[at] !== '"' && text[at] !== "…") at += text[at] === "\\" ? 2 : 1;
  return Math.min(at, text.length);
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

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

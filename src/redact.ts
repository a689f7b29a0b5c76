// Redaction: the one choke point for what the server sends and the caller gives on its way into an
// error, a log line or a warning. It knows the secrets of the client and of one call: the headers
// (the key among them), every value under a sensitive key of the request's body, and those under
// sensitive keys of the answer (an account's tokens). A run of 8 or more characters of a secret is
// a secret, in any of the forms a server may echo it in: as is, JSON-escaped, percent- or
// form-encoded, or inside base64.
//
// The work is bounded by what is shown, not by what was received. Only a bounded excerpt is ever
// scrubbed (a message, header values, a copy of a body cut to a budget of nodes and characters);
// the index is built over that excerpt, and each secret is streamed past it once, in pieces, so
// CPU is linear in the secrets' bytes and memory stays that of the excerpt, whatever the answer's
// size. Nothing runs on the success path: a redactor does its work only when it is used.
import { SENSITIVE_KEY } from "../generated/meta.js";

export const REDACTED = "[redacted]";

/** How many characters of a secret in a row make a secret. */
const RUN = 8;
/** Shorter secrets are not scrubbed from free text: they would blank out ordinary words. */
const MIN_SCRUBBED_LENGTH = 4;
/** How deep a copy goes; deeper objects and arrays are replaced by a marker. */
const MAX_DEPTH = 32;
const TOO_DEEP = `[redacted: nested deeper than ${MAX_DEPTH} levels]`;
/** A secret is streamed past the index in pieces of this many characters (memory stays small). */
const PIECE = 16 * 1024;
/** Longest text scrubbed as given: a longer one is cut first (callers pass excerpts). */
const MAX_TEXT_CHARS = 16 * 1024;

/** How much of a value a copy keeps: what an error shows of a body or an account. */
export interface Budget {
  /** Values kept (object entries and array items), breadth first: the top levels come first. */
  nodes: number;
  /** Characters of strings kept, all strings together. */
  chars: number;
  /** Characters kept of one string or key. */
  string: number;
}

/** What an error keeps of a body or an account: enough for any envelope or account, not a 30 MB answer. */
export const EXCERPT: Budget = { nodes: 400, chars: 16 * 1024, string: 2048 };

export const isSensitiveKey = (key: string): boolean => SENSITIVE_KEY.test(key);

/**
 * A `"key": "value"` pair in text that is not parsed JSON (a truncated or malformed body quoted in
 * a message): the value of a sensitive key is scrubbed there too. An unterminated value runs to the
 * end of the text.
 */
const JSON_PAIR = /"([^"\\]{1,100})"\s{0,20}:\s{0,20}("(?:[^"\\]|\\.)*"?)/g;
/** A `key=value` pair of a query string or a form-encoded body (`access_token=…&scope=…`). */
const FORM_PAIR = /(^|[?&;\s])([^=&;?\s]{1,100})=([^&;\s]*)/g;
/** A credential with its scheme (`Bearer …`, `Basic …`): the part after the scheme is the secret. */
const SCHEME = /^[A-Za-z][\w-]* +(\S+)$/;
/** Characters every form of a secret keeps as they are: such a secret has one form besides base64. */
const UNRESERVED = /^[\w.~-]*$/;

export interface Redactor {
  /** The text, scrubbed (cut first to 16 KiB). */
  text(text: string): string;
  /** A copy within `budget` (unbounded in size when not given), sensitive keys blanked, keys and strings scrubbed. */
  value<T>(value: T, budget?: Budget): T;
  /**
   * A message, headers and a copy of a value within `EXCERPT`, scrubbed together in one pass. The
   * message may come in parts, each scrubbed as a text of its own: a quote cut short is one part,
   * so that what is cut at its end is found there.
   */
  seal<T>(
    message: string | string[],
    headers: Headers | undefined,
    value: T,
  ): { message: string; headers: Headers; value: T };
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

/** The headers each transport or client sends (its credential among them), for what runs on top of it. */
const knownHeaders = new WeakMap<object, Record<string, string>>();

/** Remembers what a transport or a client sends, so that helpers given it (waitForConnection, confirmConnection) know its secrets. */
export function rememberHeaders(sender: object, headers: Record<string, string>): void {
  knownHeaders.set(sender, headers);
}

/** Remembers that `client` sends what `transport` sends. */
export function rememberAs(client: object, transport: object): void {
  const headers = knownHeaders.get(transport);
  if (headers) knownHeaders.set(client, headers);
}

/** The redactor of a transport or client made by this package (its key), with a request's own headers. */
export function redactorOf(sender: object, headers: Record<string, string> = {}): Redactor {
  return redactorFor({ ...knownHeaders.get(sender), ...headers });
}

function lazyRedactor(gather: (into: Set<string>) => void): Redactor {
  let secrets: Set<string> | undefined;
  const known = () => {
    if (!secrets) gather((secrets = new Set()));
    return secrets;
  };
  const value = <T>(input: T, budget?: Budget): T => {
    const plan = planCopy(input, budget);
    return plan.build(scrubAll(plan.texts, known())) as T;
  };
  return {
    text(input) {
      const [kept, rest] = clip(input, MAX_TEXT_CHARS);
      return scrubAll([kept], known())[0]! + rest;
    },
    value,
    seal(message, headers, input) {
      const plan = planCopy(input, EXCERPT);
      const names: string[] = [];
      const texts: string[] = [];
      const rests: string[] = [];
      const add = (text: string, max: number) => {
        const [kept, rest] = clip(text, max);
        texts.push(kept);
        rests.push(rest);
      };
      const parts = typeof message === "string" ? [message] : message;
      for (const part of parts) add(part, MAX_TEXT_CHARS);
      headers?.forEach((v, name) => {
        names.push(name);
        add(isSensitiveKey(name) ? "" : headerText(name, v), EXCERPT.string);
      });
      const safe = scrubAll([...texts, ...plan.texts], known()).map((text, i) => text + (rests[i] ?? ""));
      const safeHeaders = new Headers();
      names.forEach((name, i) =>
        safeHeaders.append(name, isSensitiveKey(name) ? REDACTED : safe[parts.length + i]!),
      );
      return {
        message: safe.slice(0, parts.length).join(""),
        headers: safeHeaders,
        value: plan.build(safe.slice(texts.length)) as typeof input,
      };
    },
    with: (more) =>
      lazyRedactor((into) => {
        for (const secret of known()) into.add(secret);
        collect(more, into);
      }),
  };
}

/** Headers whose values are URLs: their query strings (a token, an OAuth code …) are not kept. */
const URL_HEADERS = new Set(["location", "content-location", "link", "refresh"]);

/** A header value as shown: a URL's query left out. */
function headerText(name: string, value: string): string {
  const short = value.slice(0, 2 * EXCERPT.string);
  if (!URL_HEADERS.has(name)) return value;
  // The query runs from "?" to the first character that ends a URL in a header.
  let out = "";
  let inQuery = false;
  for (const char of short) {
    if (char === "?" && !inQuery) {
      inQuery = true;
      out += `?${REDACTED}`;
    } else if (inQuery && /[\s<>",;]/.test(char)) {
      inQuery = false;
      out += char;
    } else if (!inQuery) out += char;
  }
  return out;
}

/** The text cut to `max` characters, saying how long it was. */
export function cut(text: string, max: number): string {
  const [kept, rest] = clip(text, max);
  return kept + rest;
}

/** The first `max` characters, and what stands for the rest: scrubbed apart, so a secret cut short is still found at the end. */
export function clip(text: string, max: number): [string, string] {
  return text.length <= max ? [text, ""] : [text.slice(0, max), `… (${text.length} chars)`];
}

// ---- Copies within a budget -------------------------------------------------------------------

/** A copy planned: the texts to scrub (keys and strings) and how to build the copy from them scrubbed. */
interface Plan {
  /** Each text as kept (its cut marker is added after scrubbing). */
  texts: string[];
  build(scrubbed: string[]): unknown;
}

/** Where a planned copy keeps a text (by its index in `texts`) and an object's entries. */
class Text {
  constructor(readonly at: number) {}
}
class Entries {
  readonly list: [Text, unknown][] = [];
}

/**
 * Plans a copy of `input`, breadth first, within `budget` (no bound when undefined): sensitive
 * keys blanked, nothing deeper than 32 levels, and past the budget a marker that says how much was
 * left out. The work is bounded by the budget, not by the input.
 */
function planCopy(input: unknown, budget?: Budget): Plan {
  const texts: string[] = [];
  const rests: string[] = [];
  let nodes = budget?.nodes ?? Infinity;
  let chars = budget?.chars ?? Infinity;
  const textOf = (value: string): Text => {
    const [kept, rest] = clip(value, Math.max(0, Math.min(budget?.string ?? Infinity, chars)));
    chars -= kept.length;
    texts.push(kept);
    rests.push(rest);
    return new Text(texts.length - 1);
  };
  const queue: { from: unknown; depth: number; into: unknown[]; at: number }[] = [];
  const plan = (from: unknown, depth: number): unknown => {
    if (typeof from === "string") return textOf(from);
    if (!from || typeof from !== "object") return from;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    // Filled in later, breadth first: the top levels take the budget before the depths do.
    const into: unknown[] = Array.isArray(from) ? [] : [new Entries()];
    queue.push({ from, depth, into, at: 0 });
    return into;
  };
  const root = plan(input, 0);
  for (let i = 0; i < queue.length; i++) {
    const { from, depth, into } = queue[i]!;
    if (Array.isArray(from)) {
      const kept = Math.min(from.length, Math.max(0, nodes));
      nodes -= kept;
      for (let k = 0; k < kept; k++) into.push(plan(from[k], depth + 1));
      if (kept < from.length) into.push(textOf(`[${from.length - kept} more items left out]`));
    } else {
      const entries = (into[0] as Entries).list;
      const keys = Object.keys(from as object);
      const kept = Math.min(keys.length, Math.max(0, nodes));
      nodes -= kept;
      for (let k = 0; k < kept; k++) {
        const key = keys[k]!;
        const item = (from as Record<string, unknown>)[key];
        entries.push([textOf(key), isSensitiveKey(key) && item != null ? REDACTED : plan(item, depth + 1)]);
      }
      if (kept < keys.length) entries.push([textOf("…"), textOf(`${keys.length - kept} more keys left out`)]);
    }
  }
  return {
    texts,
    build(scrubbed) {
      const build = (node: unknown): unknown => {
        if (node instanceof Text) return scrubbed[node.at]! + rests[node.at]!;
        if (!Array.isArray(node)) return node;
        const first = node[0];
        if (first instanceof Entries)
          // fromEntries defines own properties: a "__proto__" key stays a key.
          return Object.fromEntries(first.list.map(([key, item]) => [build(key), build(item)]));
        return node.map(build);
      };
      return build(root);
    },
  };
}

// ---- Scrubbing --------------------------------------------------------------------------------

/**
 * The texts with every run of RUN characters of any form of any secret, every shorter secret, and
 * a secret's start at a text's very end replaced by one `[redacted]` each. The index is over the
 * texts (bounded: they are excerpts); each secret is streamed past it in pieces.
 */
function scrubAll(texts: string[], secrets: Set<string>): string[] {
  const index = new TextIndex(texts);
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUBBED_LENGTH || secret === REDACTED) continue;
    forEachForm(secret, index);
  }
  return texts.map((_, i) =>
    index
      .cutText(i)
      .replace(JSON_PAIR, (pair, key: string, value: string) =>
        isSensitiveKey(key) ? `${pair.slice(0, -value.length)}"${REDACTED}"` : pair,
      )
      .replace(FORM_PAIR, (pair, before: string, key: string) =>
        isSensitiveKey(decodeKey(key)) ? `${before}${key}=${REDACTED}` : pair,
      ),
  );
}

/** Every window of RUN characters of the texts, by rolling hash, and the cuts found so far. */
class TextIndex {
  readonly #texts: string[];
  /** A bit per hash bucket: most windows of a secret miss at the cost of one array read. */
  readonly #bits: Uint32Array;
  readonly #mask: number;
  /** Where each window hash occurs: text and position, as pairs. */
  readonly #windows = new Map<number, number[]>();
  /** The pieces of 4 to 7 characters of the texts, made only when a short secret asks. */
  #short: Map<string, number[]> | undefined;
  /** The last 4 to 7 characters of each text: a secret's start there is cut too. */
  readonly #tails = new Map<string, number[]>();
  /** [from, to) ranges to cut, by text. */
  readonly #cuts: [number, number][][];

  constructor(texts: string[]) {
    this.#texts = texts;
    this.#cuts = texts.map(() => []);
    let windows = 0;
    for (const text of texts) windows += Math.max(0, text.length - RUN + 1);
    let size = 1024;
    while (size < windows * 32 && size < 1 << 24) size *= 2;
    this.#bits = new Uint32Array(size / 32);
    this.#mask = size - 1;
    texts.forEach((text, i) => {
      if (text.length >= RUN)
        forEachWindow(text, (hash, at) => {
          this.#bits[(hash & this.#mask) >>> 5]! |= 1 << (hash & 31);
          push(this.#windows, hash, i, at);
        });
      for (let n = MIN_SCRUBBED_LENGTH; n < RUN && n <= text.length; n++)
        push(this.#tails, text.slice(-n), i, text.length - n);
    });
  }

  /** Cuts every window of `piece` found in the texts. */
  scan(piece: string): void {
    if (piece.length < RUN || this.#windows.size === 0) return;
    const bits = this.#bits;
    const mask = this.#mask;
    forEachWindow(piece, (hash, k) => {
      if (!(bits[(hash & mask) >>> 5]! & (1 << (hash & 31)))) return;
      const found = this.#windows.get(hash);
      if (!found) return;
      const window = piece.slice(k, k + RUN);
      for (let j = 0; j < found.length; j += 2) {
        const [i, at] = [found[j]!, found[j + 1]!];
        if (this.#texts[i]!.startsWith(window, at)) this.#cuts[i]!.push([at, at + RUN]);
      }
    });
  }

  /** Cuts every whole occurrence of a form shorter than a run. */
  scanShort(form: string): void {
    if (!this.#short) {
      const short = (this.#short = new Map());
      this.#texts.forEach((text, i) => {
        for (let at = 0; at < text.length; at++)
          for (let n = MIN_SCRUBBED_LENGTH; n < RUN && at + n <= text.length; n++)
            push(short, text.slice(at, at + n), i, at);
      });
    }
    this.#cutAll(this.#short.get(form), form.length);
  }

  /** Cuts a form's start where a text ends with it (a text cut short may end inside a secret). */
  scanStart(form: string): void {
    for (let n = MIN_SCRUBBED_LENGTH; n < Math.min(RUN, form.length); n++)
      this.#cutAll(this.#tails.get(form.slice(0, n)), n);
  }

  #cutAll(found: number[] | undefined, length: number): void {
    for (let j = 0; found && j < found.length; j += 2)
      this.#cuts[found[j]!]!.push([found[j + 1]!, found[j + 1]! + length]);
  }

  /** Text i with its cuts replaced: overlapping or touching cuts (the windows of one run) become one marker. */
  cutText(i: number): string {
    const text = this.#texts[i]!;
    const cuts = this.#cuts[i]!.sort((a, b) => a[0] - b[0]);
    let out = "";
    let end = -1;
    for (const [from, to] of cuts) {
      if (from > end) out += text.slice(Math.max(end, 0), from) + REDACTED;
      end = Math.max(end, to);
    }
    return out + text.slice(Math.max(end, 0));
  }
}

/** Adds the pair (text, position) to the list under `key`. */
function push<K>(map: Map<K, number[]>, key: K, text: number, at: number): void {
  const list = map.get(key);
  if (list) list.push(text, at);
  else map.set(key, [text, at]);
}

/** Calls `visit` with the rolling hash of every window of RUN characters of `text` and its position. */
function forEachWindow(text: string, visit: (hash: number, at: number) => void): void {
  let hash = 0;
  for (let i = 0; i < RUN; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  for (let i = 0; ; i++) {
    visit(hash, i);
    if (i + RUN >= text.length) return;
    hash = (Math.imul(hash - Math.imul(text.charCodeAt(i), TOP), BASE) + text.charCodeAt(i + RUN)) | 0;
  }
}
const BASE = 31;
/** BASE to the power RUN - 1, in 32 bits: the weight of the character that leaves the window. */
const TOP = (BASE ** (RUN - 1)) | 0;

/**
 * Streams each form of `secret` a server may echo past the index: as is, JSON-escaped,
 * percent-encoded (either case of hex), form-encoded, and inside base64 (a `Basic` header sent
 * back) at each of the three byte alignments it may start at, in both alphabets. Each form goes
 * by in pieces, each with the last RUN - 1 characters of the one before, so no window is missed.
 */
function forEachForm(secret: string, index: TextIndex): void {
  const encoders: ((piece: string) => string)[] = [(s) => s];
  if (!UNRESERVED.test(secret)) {
    encoders.push(
      (s) => JSON.stringify(s).slice(1, -1),
      encodeURIComponent,
      (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
      (s) => new URLSearchParams({ s }).toString().slice(2),
    );
  }
  for (const encode of encoders) {
    let carry = "";
    let first = true;
    try {
      for (const piece of pieces(secret)) {
        const form = encode(piece);
        if (first && form.length < RUN) index.scanShort(form);
        if (first) index.scanStart(form);
        first = false;
        index.scan(carry + form);
        carry = (carry + form).slice(-(RUN - 1));
      }
    } catch {
      // a lone surrogate: no URL carries this secret
    }
  }
  if (secret.length >= RUN) for (let shift = 0; shift < 3; shift++) base64Form(secret, shift, index);
}

/** The secret in pieces of about PIECE characters, never between the two halves of a surrogate pair. */
function* pieces(secret: string): Generator<string> {
  for (let at = 0; at < secret.length;) {
    let end = Math.min(at + PIECE, secret.length);
    const last = secret.charCodeAt(end - 1);
    if (end < secret.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield secret.slice(at, end);
    at = end;
  }
}

/**
 * What base64 makes of the secret when it starts `shift` bytes into a 3-byte group: only the
 * characters that no byte before or after it changes, in both alphabets.
 */
function base64Form(secret: string, shift: number, index: TextIndex): void {
  const encoder = new TextEncoder();
  const skip = Math.ceil((8 * shift) / 6);
  let pending = new Uint8Array(shift);
  let total = shift;
  let emitted = 0;
  let carry = "";
  const emit = (chars: string, last: boolean) => {
    let text = chars;
    if (last) text = text.slice(0, Math.max(0, Math.floor((8 * total) / 6) - emitted));
    const from = Math.max(0, skip - emitted);
    emitted += chars.length;
    const form = carry + text.slice(from);
    index.scan(form);
    if (form.includes("+") || form.includes("/")) index.scan(form.replace(/\+/g, "-").replace(/\//g, "_"));
    carry = form.slice(-(RUN - 1));
  };
  for (const piece of pieces(secret)) {
    const encoded = encoder.encode(piece);
    total += encoded.length;
    const bytes = new Uint8Array(pending.length + encoded.length);
    bytes.set(pending);
    bytes.set(encoded, pending.length);
    const whole = bytes.length - (bytes.length % 3);
    emit(btoa(binary(bytes.subarray(0, whole))), false);
    pending = bytes.slice(whole);
  }
  emit(btoa(binary(pending)), true);
}

function binary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096)
    out += String.fromCharCode(...bytes.subarray(i, Math.min(i + 4096, bytes.length)));
  return out;
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

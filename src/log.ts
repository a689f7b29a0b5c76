// Logging: deprecation warnings (once per process) and optional debug lines. Lines carry the
// method, path, status, attempt and duration: never a header or a body. What the server sends
// (the Deprecation, Sunset and Link values) and the path (ids, a cursor) pass the request's
// redactor first; every line then passes `lineOf`, which escapes what a terminal would act on and
// bounds its length.
import { ComposioError } from "./errors.js";
import type { Redactor } from "./redact.js";
import type { AttemptEvent } from "./retry.js";

/** Where log lines go: `console` fits, as does any logger with these methods. */
export interface Logger {
  /** Per-attempt lines, at `logLevel: "debug"`. */
  debug(message: string): void;
  /** Not used yet; part of the shape so `console` fits. */
  info(message: string): void;
  /** Deprecation and sunset warnings. */
  warn(message: string): void;
  /** Not used yet; part of the shape so `console` fits. */
  error(message: string): void;
}

/** The least severe level that is logged; `"off"` logs nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

export const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "off"];
const PREFIX = "composio-connected-accounts:";
/** The longest line in UTF-16 code units, prefix and ellipsis included (a header may be 16 KiB). */
export const MAX_LINE = 1000;
/**
 * What a terminal or a log viewer would act on instead of showing: C0 and C1 controls and DEL
 * (`\p{Cc}`: ESC and CSI start colour and cursor sequences), the line and paragraph separators,
 * and the bidi marks, embeddings, overrides and isolates that reorder text (U+061C, U+200E–F,
 * U+202A–E, U+2066–9).
 */
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu;
const escaped = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * The line a logger is given: the prefix and `message`, with every UNSAFE character shown as its
 * escape (`\u009b`), cut at MAX_LINE with an ellipsis. Linear in MAX_LINE, whatever the message's size.
 */
function lineOf(message: string): string {
  const line = `${PREFIX} ${message.slice(0, MAX_LINE)}`.replace(UNSAFE, escaped);
  if (line.length <= MAX_LINE) return line;
  let end = MAX_LINE - 1;
  // Not between the two halves of a surrogate pair.
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${line.slice(0, end)}…`;
}

/** The logging a client does, settled once: a function per enabled level, undefined otherwise. */
export interface Log {
  debug: ((message: string) => void) | undefined;
  warn: ((message: string) => void) | undefined;
}

/**
 * The log lines at `level` and above, going to `logger` (console when undefined, nowhere when
 * null). A logger without a method the level needs is refused here, when the client is made; a
 * logger that throws is ignored: a log line must never turn a call that succeeded (a create the
 * server made) into an error the caller would retry.
 */
export function createLog(logger: Logger | null | undefined, level: LogLevel, where: string): Log {
  const sink = logger === undefined ? console : logger;
  const floor = LEVELS.indexOf(level);
  const at = (name: "debug" | "warn") => {
    if (!sink || LEVELS.indexOf(name) < floor) return undefined;
    if (typeof sink[name] !== "function")
      throw new ComposioError(
        `${where}: \`logger\` has no ${name}() method, which logLevel "${level}" uses.`,
      );
    return (message: string) => {
      try {
        sink[name](lineOf(message));
      } catch {
        // see above: the call goes on
      }
    };
  };
  return { debug: at("debug"), warn: at("warn") };
}

/** A debug line for one attempt. */
export function describeAttempt(method: string, path: string, event: AttemptEvent): string {
  path = withoutQuery(path);
  const outcome = event.status !== undefined ? String(event.status) : (event.error?.name ?? "no answer");
  const next = event.retryInMs !== undefined ? `, retrying in ${Math.round(event.retryInMs)} ms` : "";
  return `${method} ${path} → ${outcome} (attempt ${event.attempt}, ${event.ms} ms${next})`;
}

/** A path without its query: a cursor there is the server's text (a token, perhaps), and filters say nothing a line needs. */
const withoutQuery = (path: string): string => path.split("?", 1)[0]!;

/** Operations (and, on /raw, paths no route matches) warned about in this process. */
const warned = new Set<string>();
/** How many paths without a route may warn: a server may name endless unknown routes. */
export const MAX_PATHS_WARNED = 32;
let pathsWarned = 0;

/** How much of each value a warning shows (the line is bounded anyway; this keeps the three in it). */
const MAX_VALUE = 200;
const clip = (text: string) => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text);

/**
 * Warns once per process and operation when the server marks it deprecated (RFC 9745) or
 * sunsetting (RFC 8594); the link's query is left out, and the line is scrubbed by the redactor
 * `redact` makes (only then: the success path makes none).
 */
export function warnIfDeprecated(
  log: Log,
  operation: string | undefined,
  method: string,
  path: string,
  headers: Headers,
  redact: () => Redactor,
): void {
  if (!log.warn) return;
  const deprecation = headers.get("deprecation");
  const sunset = headers.get("sunset");
  if (!deprecation && !sunset) return;
  // Once per operation, not per filled-in path: a retrieve of many accounts warns once.
  const key = operation ?? `${method} ${path}`;
  if (warned.has(key)) return;
  if (operation === undefined) {
    if (pathsWarned >= MAX_PATHS_WARNED) return;
    pathsWarned++;
  }
  warned.add(key);
  path = withoutQuery(path);
  const route = operation ? `${operation} (${method} ${path})` : `${method} ${path}`;
  const link = deprecationLink(headers.get("link") ?? "");
  const parts = [deprecation && `Deprecation: ${clip(deprecation)}`, sunset && `Sunset: ${clip(sunset)}`]
    .filter(Boolean)
    .join(", ");
  log.warn(
    redact().text(`${route} is deprecated by the server (${parts}).${link ? ` See ${clip(link)}` : ""}`),
  );
}

/** How much of a Link header is read: room for many links, not all of a hostile 16 KiB (or more). */
const MAX_LINK_HEADER = 8 * 1024;

/**
 * The target of the first link whose `rel` names `deprecation` (RFC 9745) or `sunset` (RFC 8594),
 * without its query and fragment (they may carry tokens); undefined if there is none. One pass over
 * the first MAX_LINK_HEADER characters, as RFC 8288 writes links: `<target>` then `; name=value`
 * parameters (the value a token or a quoted string), links apart by commas outside both; the first
 * `rel` counts, and it is a list of types apart by spaces.
 */
export function deprecationLink(header: string): string | undefined {
  const text = header.slice(0, MAX_LINK_HEADER);
  for (let at = 0; ;) {
    const open = text.indexOf("<", at);
    const close = open < 0 ? -1 : text.indexOf(">", open);
    if (close < 0) return undefined;
    let rel: string | undefined;
    let param = "";
    let quoted = false;
    // The parameters, up to a comma outside a quoted string (in which a backslash quotes a character).
    for (at = close + 1; at <= text.length; at++) {
      const char = text[at] ?? ",";
      if (quoted) {
        if (char === '"') quoted = false;
        else param += char === "\\" ? (text[++at] ?? "") : char;
      } else if (char === '"') quoted = true;
      else if (char === ";" || char === ",") {
        const pair = param.toLowerCase();
        const eq = pair.indexOf("=");
        if (eq > 0 && pair.slice(0, eq).trim() === "rel") rel ??= pair.slice(eq + 1).trim();
        param = "";
        if (char === ",") break;
      } else param += char;
    }
    if (rel?.split(" ").some((type) => type === "deprecation" || type === "sunset")) {
      return text
        .slice(open + 1, close)
        .split(/[?#]/)[0]!
        .trim();
    }
  }
}

// Logging: deprecation warnings (once per process) and optional debug lines (made by log-lines.ts,
// loaded only when one is written). Lines carry the
// method, path, status, attempt and duration: never a header or a body. What the server sends
// (the Deprecation, Sunset and Link values) and the path (ids, a cursor) pass the request's
// redactor first; every line then passes `lineOf`, which escapes what a terminal would act on and
// bounds its length.
import { ComposioError } from "./errors.js";

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

/** How many paths without a route may warn: a server may name endless unknown routes. */
export const MAX_PATHS_WARNED = 32;

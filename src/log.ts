// Logging: deprecation warnings (once per process) and optional debug lines. Lines carry the
// method, path, status, attempt and duration: never a header or a body. What the server sends
// (the Deprecation, Sunset and Link values) and the path (ids, a cursor) pass the request's
// redactor first.
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
        sink[name](`${PREFIX} ${message}`);
      } catch {
        // see above: the call goes on
      }
    };
  };
  return { debug: at("debug"), warn: at("warn") };
}

/** A debug line for one attempt. */
export function describeAttempt(method: string, path: string, event: AttemptEvent): string {
  const outcome = event.status !== undefined ? String(event.status) : (event.error?.name ?? "no answer");
  const next = event.retryInMs !== undefined ? `, retrying in ${Math.round(event.retryInMs)} ms` : "";
  return `${method} ${path} → ${outcome} (attempt ${event.attempt}, ${event.ms} ms${next})`;
}

const warned = new Set<string>();

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
  warned.add(key);
  const route = operation ? `${operation} (${method} ${path})` : `${method} ${path}`;
  const link = /<([^>?]+)[^>]*>\s*;[^,]*rel="?(?:deprecation|sunset)"?/i.exec(headers.get("link") ?? "")?.[1];
  const parts = [deprecation && `Deprecation: ${deprecation}`, sunset && `Sunset: ${sunset}`]
    .filter(Boolean)
    .join(", ");
  log.warn(redact().text(`${route} is deprecated by the server (${parts}).${link ? ` See ${link}` : ""}`));
}

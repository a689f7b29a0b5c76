// The lines a client logs: a debug line per attempt, and the warning of a deprecated operation. Made
// only when one is written (failure.ts, loaded by later.ts), so the success path carries none of it.
import { MAX_PATHS_WARNED, type Log } from "./log.js";
import type { Redactor } from "./redact.js";
import type { AttemptEvent } from "./types.js";

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

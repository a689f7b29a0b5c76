// Header checks made before anything is sent. Messages name the header, never its value.
import { ComposioError } from "./errors.js";

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set from `apiKey` / `userApiKey` only: the API refuses a request that carries both. */
const CREDENTIAL_HEADERS = new Set(["x-api-key", "x-user-api-key"]);

/**
 * The headers, if every name is a valid token, none is a credential header, and no value holds
 * CR, LF or NUL (header injection). Checked here, before the retry loop, so that a bad header is
 * a ComposioError that says so, not a connection failure.
 */
export function checkHeaders(headers: Record<string, string>, where: string): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) checkHeader(name, value, where);
  return headers;
}

/** One header, as `checkHeaders` checks each. */
export function checkHeader(name: string, value: unknown, where: string): void {
  if (!TOKEN.test(name))
    throw new ComposioError(`${where}: ${JSON.stringify(name)} is not a valid header name.`);
  if (CREDENTIAL_HEADERS.has(name.toLowerCase())) {
    throw new ComposioError(`${where}: may not set ${name}; pass the key as \`apiKey\` or \`userApiKey\`.`);
  }
  if (typeof value !== "string") throw new ComposioError(`${where}: header ${name} must be a string.`);
  if (/[\r\n\0]/.test(value)) {
    throw new ComposioError(
      `${where}: header ${name} has a line break (CR or LF) or NUL in its value; refused.`,
    );
  }
  if (/[^\0-\xff]/.test(value)) {
    throw new ComposioError(
      `${where}: header ${name} has a character a header cannot carry (beyond Latin-1); refused.`,
    );
  }
}

// Header checks made before anything is sent. Messages name the header, never its value.
import { ComposioError } from "./errors.js";

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The headers, if every name is a valid token and no value holds CR, LF or NUL (header injection). */
export function checkHeaders(headers: Record<string, string>, where: string): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name))
      throw new ComposioError(`${where}: ${JSON.stringify(name)} is not a valid header name.`);
    if (typeof value !== "string") throw new ComposioError(`${where}: header ${name} must be a string.`);
    if (/[\r\n\0]/.test(value)) {
      throw new ComposioError(
        `${where}: header ${name} has a line break (CR or LF) or NUL in its value; refused.`,
      );
    }
  }
  return headers;
}

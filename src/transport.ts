// The transport behind the generated resources: validates (when asked), builds the URL, sends JSON
// through the retry loop, reads the answer inside the attempt's timeout, and turns error statuses
// into typed errors with the request's secrets scrubbed.
import {
  ComposioError,
  errorFromResponse,
  isRedirect,
  parseJson,
  redirectError,
  unreadableSuccess,
  type BodyText,
} from "./errors.js";
import { checkHeaders } from "./headers.js";
import { describeAttempt, warnIfDeprecated } from "./log.js";
import { redactorFor, rememberHeaders, type Redactor } from "./redact.js";
import { checkCredential, checkLimits, type ResolvedOptions } from "./options.js";
import { withRetries, type RetrySettings } from "./retry.js";
import type { RequestInput, RequestOptions, Transport } from "./runtime.js";

/** A call without options: nothing of its own to check. */
const NO_OPTIONS: RequestOptions = {};

/** How much of an error body is read: enough for any envelope, not a 50 MB proxy page. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export function createTransport(config: ResolvedOptions): Transport {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const { fetch: fetchImpl, log, validate } = config;
  // Built once: a call copies them only when it adds headers of its own.
  const baseHeaders: Record<string, string> = { accept: "application/json", ...config.headers };
  const jsonHeaders: Record<string, string> = { ...baseHeaders, "content-type": "application/json" };
  const transport: Transport = {
    async request<T>(
      method: string,
      path: string,
      input: RequestInput,
      options: RequestOptions = NO_OPTIONS,
    ): Promise<T> {
      checkCredential(config.credential, input.operation, input.credentials);
      const url = baseUrl + path;
      const fixed = input.body === undefined ? baseHeaders : jsonHeaders;
      // A call's own headers go over the client's, but never over content-type.
      const headers = options.headers
        ? {
            ...baseHeaders,
            ...checkHeaders(options.headers, "RequestOptions.headers"),
            ...(fixed === jsonHeaders ? { "content-type": "application/json" } : {}),
          }
        : fixed;
      // Serialized once: the validator, the redactor and the wire see the same body (toJSON runs once).
      const body = input.body === undefined ? undefined : serialize(input.body, input.operation);
      if (validate && body !== undefined) validate(input.operation, JSON.parse(body));
      // Made only for an error or a log line (once per call): the success path scrubs nothing.
      let redactor: Redactor | undefined;
      const redact = () => (redactor ??= redactorFor(headers, body));
      const limits = options === NO_OPTIONS ? options : checkLimits(`${input.operation}: options`, options);
      const settings: RetrySettings = {
        maxRetries: limits.maxRetries ?? config.defaults.maxRetries,
        timeoutMs: limits.timeoutMs ?? config.defaults.timeoutMs,
        totalTimeoutMs: limits.totalTimeoutMs ?? config.defaults.totalTimeoutMs,
        retryUnsafe: options.retryUnsafe ?? input.idempotent === true,
        signal: options.signal,
        onAttempt: log.debug && ((event) => log.debug!(redact().text(describeAttempt(method, path, event)))),
      };
      // Every attempt sends the same serialized body: a string can be sent again, a stream could not.
      const answer = await withRetries(settings, async (signal) => {
        // No redirect is followed: see REDIRECTS in errors.ts.
        const response = await fetchImpl(url, { method, headers, body, signal, redirect: "manual" });
        const { status, headers: responseHeaders } = response;
        const ok = status >= 200 && status <= 299;
        return {
          status,
          headers: responseHeaders,
          followedTo: response.redirected ? response.url : undefined,
          ...(await readText(response, ok ? Infinity : MAX_ERROR_BODY_BYTES)),
        };
      });
      if (isRedirect(answer.status) || answer.followedTo !== undefined) {
        throw redirectError(answer, url, redact());
      }
      warnIfDeprecated(log, input.operation, method, path, answer.headers, redact);
      if (answer.status < 200 || answer.status > 299) {
        throw errorFromResponse(answer.status, answer.headers, answer, redact(), input.operation);
      }
      const parsed = parseJson(answer.text);
      // Every operation answers a JSON object: no body, null or HTML is an error, not a value.
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw unreadableSuccess(answer.status, answer.headers, answer.text, redact(), input.operation);
      }
      // No validation of the answer: values the client does not know yet (new auth schemes,
      // statuses, fields) reach the caller as the server sent them.
      return parsed as T;
    },
  };
  rememberHeaders(transport, baseHeaders);
  return transport;
}

/** The body as JSON; a value JSON cannot hold (a BigInt, a cycle) is the caller's error, said so. */
function serialize(body: unknown, operation: string): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new ComposioError(`${operation}: the body cannot be sent as JSON: ${(error as Error).message}`);
  }
}

/** The body as text, cut after `limit` bytes (the rest is not downloaded). */
async function readText(response: Response, limit: number): Promise<BodyText> {
  if (limit === Infinity || !response.body) return { text: await response.text(), truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), truncated: false };
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes >= limit) {
      await reader.cancel();
      return { text: text.slice(0, limit), truncated: true };
    }
  }
}

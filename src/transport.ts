// The transport behind the generated resources: validates (when asked), builds the URL, sends JSON
// through the retry loop, reads the answer inside the attempt's timeout, and turns error statuses
// into typed errors with the request's secrets scrubbed.
import { ComposioError, parseJson } from "./errors.js";
import { checkHeaders } from "./headers.js";
import { earlierOf } from "./earlier-secrets.js";
import { later } from "./later.js";
import { checkRequestOptions, rememberHeaders, type ResolvedOptions, trimSlashes } from "./options.js";
import { type AttemptController, withRetries } from "./retry.js";
import type { RequestInput, RequestOptions, RetrySettings, Transport } from "./types.js";

/** A call without options: nothing of its own to check. */
const NO_OPTIONS: RequestOptions = {};

/** How much of an error body is read: enough for any envelope, not a 50 MB proxy page. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A request as each attempt sends it. */
export interface Outgoing {
  method: string;
  headers: Record<string, string>;
  /** The JSON text: a string can be sent again, a stream could not. */
  body: string | undefined;
}

/** What one attempt brings back: the answer's status and headers, and its body as read (see readBody). */
export interface Exchanged extends BodyBytes {
  status: number;
  headers: Headers;
  /** Where a `fetch` ended that followed a redirect despite `redirect: "manual"`. */
  followedTo?: string | undefined;
  /**
   * Whether the answer has a header `name` (lower case) without reading `headers`, where a sender
   * makes them only when read (nodeSend: a Headers costs a few µs a call the success path never
   * needs); otherwise `headers.has`.
   */
  hasHeader?: ((name: string) => boolean) | undefined;
}

/**
 * One attempt over the wire: sends `request` to `url`, follows no redirect (see REDIRECTS in
 * errors.ts), and reads the answer's body within `bodyLimit(status, maxBytes)` counted decoded
 * (gzip, deflate and br, as fetch decodes them). When `signal` aborts (the attempt's timeout, the
 * caller's signal), the request, the read and the connection end at once. `controller` makes what
 * aborts each attempt and the signal it reads: an AbortController for fetch, a lighter one for
 * node:http. `fetchSend` wherever there is a `fetch`; on Node, `nodeSend` (node-send.ts), which only
 * the `node` export condition loads.
 */
export interface Send<S extends { readonly aborted: boolean } = AbortSignal> {
  (url: string, request: Outgoing, maxBytes: number, signal: S): Promise<Exchanged>;
  readonly controller: () => AttemptController<S>;
}

/** How much of a body is read, and whether what was read is kept past the limit (an error's excerpt). */
export function bodyLimit(status: number, maxBytes: number): { limit: number; excerpt: boolean } {
  const ok = status >= 200 && status <= 299;
  return { limit: ok ? maxBytes : Math.min(maxBytes, MAX_ERROR_BODY_BYTES), excerpt: !ok };
}

/** Each attempt through a `fetch`: the given one, or the platform's. */
export function fetchSend(fetchImpl: typeof fetch): Send {
  const send = async (
    url: string,
    { method, headers, body }: Outgoing,
    maxBytes: number,
    signal: AbortSignal,
  ) => {
    const response = await fetchImpl(url, { method, headers, body, signal, redirect: "manual" });
    const { status } = response;
    const { limit, excerpt } = bodyLimit(status, maxBytes);
    return {
      status,
      headers: response.headers,
      followedTo: response.redirected ? response.url : undefined,
      ...(await readBody(response, limit, excerpt, signal)),
    };
  };
  return Object.assign(send, { controller: () => new AbortController() });
}

/**
 * The transport over `config`. A `fetch` given in the options always sends; otherwise `send` (the
 * Node build passes nodeSend) or the platform's `fetch`.
 */
export function createTransport<S extends { readonly aborted: boolean }>(
  config: ResolvedOptions,
  send?: Send<S>,
): Transport {
  const baseUrl = trimSlashes(config.baseUrl);
  const { log, validate } = config;
  const exchange =
    config.fetchGiven || !send ? exchangeThrough(fetchSend(config.fetch)) : exchangeThrough(send);
  const { clock } = config.defaults;
  // Built once: a call copies them only when it adds headers of its own.
  const baseHeaders: Record<string, string> = { accept: "application/json", ...config.headers };
  const jsonHeaders: Record<string, string> = { ...baseHeaders, "content-type": "application/json" };
  const transport: Transport = {
    clock,
    async request<T>(
      method: string,
      path: string,
      input: RequestInput,
      options: RequestOptions = NO_OPTIONS,
    ): Promise<T> {
      const { operation, credentials } = input;
      // An operation the key cannot call is refused before anything is sent (the message is later's).
      if (credentials && !credentials.includes(config.credential.header))
        (await later()).checkCredential(config.credential, operation, credentials);
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
      const body = input.body === undefined ? undefined : serialize(input.body, operation);
      if (validate && body !== undefined) validate(operation, JSON.parse(body));
      const limits = options === NO_OPTIONS ? options : checkRequestOptions(`${operation}: options`, options);
      const maxBytes = limits.maxResponseBytes ?? config.defaults.maxResponseBytes;
      const idempotent = input.idempotent === true;
      // Debug lines are made by later's module: loaded before the first attempt when they are on.
      const failures = log.debug && (await later());
      const settings: RetrySettings = {
        maxRetries: limits.maxRetries ?? config.defaults.maxRetries,
        timeoutMs: limits.timeoutMs ?? config.defaults.timeoutMs,
        totalTimeoutMs: limits.totalTimeoutMs ?? config.defaults.totalTimeoutMs,
        retryUnsafe: options.retryUnsafe ?? idempotent,
        operation,
        method,
        path,
        idempotent,
        createsAccount: input.createsAccount,
        // Scrubbed from a message or a log line only: the success path scrubs nothing.
        secrets: { headers, body, earlier: earlierOf(options) },
        signal: options.signal,
        onAttempt: failures && ((event) => log.debug!(failures.attemptLine(settings, event))),
        clock,
      };
      // Every attempt sends the same serialized body: a string can be sent again, a stream could not.
      const outgoing: Outgoing = { method, headers, body };
      const answer = await exchange(settings, url, outgoing, maxBytes);
      const { status, truncated } = answer;
      const has = (name: string) => (answer.hasHeader ? answer.hasHeader(name) : answer.headers.has(name));
      const text = DECODER.decode(answer.bytes);
      const success = status >= 200 && status <= 299 && !truncated;
      const parsed = success ? parseJson(text) : undefined;
      // Every operation answers a JSON object; anything else, a redirect, an error status, a body cut
      // short, and a deprecation to warn of are later's (see failure.ts's settle).
      if (
        typeof parsed !== "object" ||
        parsed === null ||
        Array.isArray(parsed) ||
        answer.followedTo !== undefined ||
        (log.warn && (has("deprecation") || has("sunset")))
      ) {
        // What was parsed goes along: parsing 512 KiB of nesting again held the event loop as long again.
        (await later()).settle(
          { ...settings, operation, url, maxBytes, log },
          answer,
          text,
          success ? { value: parsed } : undefined,
        );
      }
      // No validation of the answer: values the client does not know yet (new auth schemes,
      // statuses, fields) reach the caller as the server sent them.
      return parsed as T;
    },
  };
  rememberHeaders(transport, baseHeaders);
  return transport;
}

/** Each attempt through `send`, in the retry loop, its signal made by `send.controller`. */
function exchangeThrough<S extends { readonly aborted: boolean }>(send: Send<S>) {
  return (settings: RetrySettings, url: string, outgoing: Outgoing, maxBytes: number) =>
    withRetries(
      settings,
      async (signal: S) => {
        const exchanged = await send(url, outgoing, maxBytes, signal);
        const ok = exchanged.status >= 200 && exchanged.status <= 299;
        // What is not a success is said by later's module: loaded while the attempt holds a virtual clock.
        if (!ok || exchanged.truncated || exchanged.followedTo !== undefined) await later();
        return exchanged;
      },
      send.controller,
    );
}

/** The body as JSON; a value JSON cannot hold (a BigInt, a cycle) is the caller's error, said so. */
function serialize(body: unknown, operation: string): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new ComposioError(`${operation}: the body cannot be sent as JSON: ${(error as Error).message}`);
  }
}

const DECODER = new TextDecoder();

/** A body as read: at most the limit's bytes; `truncated` when there were more. */
export interface BodyBytes {
  bytes: Uint8Array<ArrayBuffer>;
  truncated: boolean;
}

/**
 * Reads at most `limit` bytes of a body, counted once decoded (after gzip, so that a small
 * compressed answer cannot become gigabytes). Past the limit it stops, and cancels the body, which
 * drops the connection: the rest is never downloaded. What was read is kept then only for an
 * `excerpt` (an error body's first 64 KiB): a success body cut short is of no use. Each read races
 * the attempt's `signal`: undici's fetch can leave a read pending for ever and deaf to its abort
 * (a body that claims gzip, is not, and ends with the connection), so the timeout ends it here.
 */
export async function readBody(
  response: Response,
  limit: number,
  excerpt: boolean,
  signal: AbortSignal,
): Promise<BodyBytes> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  // Not awaited: a body that errors while cancelled has nothing left to say.
  const cancel = () => void reader?.cancel().catch(() => {});
  let stop: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    // Rejected before the cancel: the cancel ends a pending read as "done", which would read as the
    // body's end (a stalled decoder's body, handed back whole at the timeout).
    const onAbort = () => {
      reject(signal.reason);
      cancel();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    stop = () => signal.removeEventListener("abort", onAbort);
  });
  // Raced only while the body is read: an abort after that would be an unhandled rejection.
  aborted.catch(() => {});
  try {
    while (reader) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (signal.aborted) throw signal.reason;
      if (done) break;
      if (size + value.byteLength > limit) {
        cancel();
        if (!excerpt) return { bytes: new Uint8Array(0), truncated: true };
        chunks.push(value.subarray(0, limit - size));
        return { bytes: concat(chunks, limit), truncated: true };
      }
      chunks.push(value);
      size += value.byteLength;
    }
    return { bytes: concat(chunks, size), truncated: false };
  } finally {
    stop();
  }
}

/** The chunks as one array of `size` bytes (the one chunk itself when there is one). */
export function concat(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  // A body's chunks are views of ArrayBuffers (never shared memory).
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

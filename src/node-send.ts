// The Node transport: each attempt over node:http or node:https with a keep-alive Agent instead of
// fetch, which costs Node 3 to 4 times the CPU per call (docs/bench.md). Only the `node` export
// condition loads this file (through node.ts), so no browser or edge bundle carries it; the Node
// built-ins are taken with process.getBuiltinModule at the first request, so importing the package
// and making a client load none of them. It keeps each promise of fetchSend (transport.ts): no
// redirect is followed (node:http follows none), the body is bounded once decoded (gzip, x-gzip,
// deflate and br, decoded as Node's fetch decodes them, an unknown coding left as sent), the
// attempt's signal (its timeouts, the caller's abort) ends the request, the read and the
// connection, and connections are kept alive between calls.
import type { Agent, ClientRequest, IncomingMessage } from "node:http";
import type { Transform } from "node:stream";
import { bodyLimit, concat, type Exchanged, type Outgoing, type Send } from "./transport.js";

type Http = typeof import("node:http");
type Zlib = typeof import("node:zlib");
const builtin = <T>(name: string): T => process.getBuiltinModule(name) as T;

/** What fetch asks for (undici's default): br only over TLS. */
const ACCEPT_ENCODING = { "http:": "gzip, deflate", "https:": "br, gzip, deflate" } as const;
/** Statuses that have no body, whatever their headers say (fetch's null-body statuses). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);
/** More codings than this on one answer is an attack on the decoder, not an answer (fetch's limit). */
const MAX_CODINGS = 5;

/** Where a request goes: the keep-alive Agent of its protocol. */
export type Agents = (protocol: "http:" | "https:") => Agent;

let shared: Partial<Record<"http:" | "https:", Agent>> = {};
/** One Agent per protocol for every client of the process (as fetch shares one pool), made when first used. */
const sharedAgents: Agents = (protocol) =>
  (shared[protocol] ??= new (builtin<Http>(protocol === "https:" ? "node:https" : "node:http").Agent)({
    keepAlive: true,
  }));

/** Each attempt over node:http or node:https, through `agents` (tests give their own). */
export function nodeSend(agents: Agents = sharedAgents): Send<NodeAbort> {
  const send = (url: string, { method, headers, body }: Outgoing, maxBytes: number, abort: NodeAbort) =>
    new Promise<Exchanged>((resolve, reject) => {
      const target = new URL(url);
      const protocol = target.protocol === "https:" ? "https:" : "http:";
      const http = builtin<Http>(protocol === "https:" ? "node:https" : "node:http");
      let settled = false;
      let stop = () => {};
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        stop();
        request.destroy();
        reject(error);
      };
      const succeed = (answer: Exchanged) => {
        if (settled) return;
        settled = true;
        stop();
        resolve(answer);
      };
      const request: ClientRequest = http.request(
        target,
        {
          method,
          agent: agents(protocol),
          headers: headerLines(target.host, protocol, method, headers, body),
        },
        (incoming) => read((response = incoming), method, maxBytes, request, succeed, fail),
      );
      let response: IncomingMessage | undefined;
      // After an answer has arrived whole, a parse error is about what follows it on the socket (a
      // stray byte, a 204 with a body): node:http drops the connection, the answer stands, as in
      // fetch (the answer's own end or close settles the call).
      request.on("error", (error) => {
        if (!response?.complete) fail(error);
      });
      // A 101 Switching Protocols with an Upgrade: node:http hands the socket over and says nothing
      // more; fetch fails at once, and so does this.
      request.on("upgrade", (_answer, socket) => {
        socket.destroy();
        fail(connectionLost("the server switched protocols (101)"));
      });
      // Closed before any answer, with no error said (an upgrade): not a wait for the timeout.
      request.on("close", () => {
        if (!response) fail(connectionLost("the connection closed before an answer"));
      });
      if (abort.aborted) return fail(abort.reason);
      stop = abort.listen(() => fail(abort.reason));
      request.end(body);
    });
  return Object.assign(send, { controller: () => new NodeAbort() });
}

/**
 * What aborts an attempt over node:http (its timeout, the caller's signal), in place of an
 * AbortController, which costs Node some 20 µs of CPU a call to make and to listen to between
 * requests (a bare node:http GET, ~90 µs, took ~110 with one; a tight loop shows only ~5). It is
 * its own signal, and aborts as an AbortController does, with an "AbortError" DOMException.
 */
export class NodeAbort {
  aborted = false;
  reason: unknown = undefined;
  #listener: (() => void) | undefined;

  get signal(): this {
    return this;
  }

  /** Calls `listener` when this aborts (never if it already has); returns what stops it. One at a time. */
  listen(listener: () => void): () => void {
    this.#listener = listener;
    return () => (this.#listener = undefined);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = new DOMException("This operation was aborted", "AbortError");
    this.#listener?.();
  }
}

/** Methods node:http sends with no Content-Length when they have no body (the others, chunked: its useChunkedEncodingByDefault). */
const NO_LENGTH_WITHOUT_BODY = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/**
 * The request's header lines, name and value in turn, as node:http takes them: it validates each
 * as setHeader would, without setHeader's bookkeeping, which costs some 4 µs of CPU a call (of a
 * retrieve's ~100). They are what setHeader would have sent: a name given twice, in any case, once,
 * with the last value, in the first one's place; the caller's Host and Accept-Encoding over ours;
 * the body's Content-Length over the caller's; Content-Length: 0 for a POST, PUT or PATCH with no
 * body (node:http would send it chunked otherwise).
 */
function headerLines(
  host: string,
  protocol: "http:" | "https:",
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): string[] {
  const names = ["accept-encoding"];
  const lines = ["accept-encoding", ACCEPT_ENCODING[protocol]];
  const set = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const at = names.indexOf(lower);
    if (at < 0) {
      names.push(lower);
      lines.push(name, value);
    } else lines.splice(2 * at, 2, name, value);
  };
  for (const name of Object.keys(headers)) set(name, headers[name]!);
  if (body !== undefined) set("content-length", String(Buffer.byteLength(body)));
  else if (
    !NO_LENGTH_WITHOUT_BODY.has(method) &&
    !names.includes("content-length") &&
    !names.includes("transfer-encoding")
  )
    set("content-length", "0");
  if (!names.includes("host")) lines.push("host", host);
  return lines;
}

/** A connection that ended without a whole answer: a connection error, as fetch's "terminated" is. */
const connectionLost = (message: string): Error => Object.assign(new Error(message), { code: "ECONNRESET" });

/** Reads `response` within its bound into an Exchanged; past the bound, or on failure, the connection is dropped. */
function read(
  response: IncomingMessage,
  method: string,
  maxBytes: number,
  request: ClientRequest,
  succeed: (answer: Exchanged) => void,
  fail: (error: unknown) => void,
): void {
  const status = response.statusCode ?? 0;
  // A 1xx as the final answer (a 101 with no Upgrade): no answer at all, as fetch says too.
  if (status < 200) return fail(connectionLost(`the server answered ${status} and no final status`));
  const { limit, excerpt } = bodyLimit(status, maxBytes);
  const raw = response.rawHeaders;
  let decoders: Transform[];
  try {
    decoders = method === "HEAD" || NO_BODY.has(status) ? [] : decodersFor(headerOf(raw, "content-encoding"));
  } catch (error) {
    return fail(error);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  let body: NodeJS.ReadableStream = response;
  response.on("error", fail);
  // A connection cut before the body's end: fetch's read fails then too ("terminated").
  response.on("close", () => {
    if (!response.complete) fail(connectionLost("the connection closed before the answer's end"));
  });
  for (const decoder of decoders) {
    decoder.on("error", fail);
    body = body.pipe(decoder);
  }
  body.on("data", (chunk: Buffer) => {
    if (cut) return;
    if (size + chunk.byteLength > limit) {
      cut = true;
      // The rest is never downloaded: the connection goes with the request.
      request.destroy();
      for (const decoder of decoders) decoder.destroy();
      if (excerpt) chunks.push(chunk.subarray(0, limit - size));
      return succeed(new NodeAnswer(status, raw, excerpt ? concat(chunks, limit) : new Uint8Array(0), true));
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  });
  body.on("end", () => {
    // Cut: already answered, and what was kept is the excerpt, not `size` bytes. The rest may have
    // arrived whole meanwhile (the server had sent it before the connection went).
    if (cut) return;
    // A compressed stream that ends before the answer does (bytes after its end, which fetch
    // ignores too): what was decoded is the answer; the connection goes with the rest unread. A
    // connection cut mid-answer never gets here: the answer fails ("aborted") and never ends.
    if (!response.complete) request.destroy();
    succeed(new NodeAnswer(status, raw, concat(chunks, size), false));
  });
}

/**
 * An answer whose Headers are made when read: on a success, nothing reads them. A class, not an
 * object literal with a getter: V8 kept those (and what their closures held) past the young
 * generation, and the retrieves' garbage went to mark-compacts (--trace-gc: 6 in 20,000 calls,
 * against none).
 */
class NodeAnswer implements Exchanged {
  readonly status: number;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly truncated: boolean;
  readonly #raw: string[];
  #headers: Headers | undefined;

  constructor(status: number, raw: string[], bytes: Uint8Array<ArrayBuffer>, truncated: boolean) {
    this.status = status;
    this.#raw = raw;
    this.bytes = bytes;
    this.truncated = truncated;
  }

  get headers(): Headers {
    return (this.#headers ??= headersOf(this.#raw));
  }

  hasHeader(name: string): boolean {
    return headerOf(this.#raw, name) !== null;
  }
}

/**
 * The answer's headers, in order and repeated as sent (fetch's Headers joins repeats with ", ").
 * node:http's parser lets through no name or value that Headers refuses.
 */
function headersOf(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

/** Header `name` (lower case) of the raw lines, as sent, repeats joined with ", " (as Headers.get, untrimmed); null when absent. */
function headerOf(raw: string[], name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const line = raw[i]!;
    if (line.length === name.length && line.toLowerCase() === name)
      value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/**
 * The decoders of a Content-Encoding, the last coding first, as fetch chains them: gzip and
 * x-gzip, deflate (zlib-wrapped or raw, told apart by the first byte) and br; with a coding it
 * does not know, none (the body is read as sent). Lenient on a truncated stream, as fetch is.
 */
function decodersFor(encoding: string | null): Transform[] {
  if (!encoding) return [];
  const codings = encoding.toLowerCase().split(",");
  if (codings.length > MAX_CODINGS)
    throw new Error(`too many content-encodings in the answer: ${codings.length}, at most ${MAX_CODINGS}`);
  const zlib = builtin<Zlib>("node:zlib");
  const sync = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const decoders: Transform[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!.trim();
    if (coding === "gzip" || coding === "x-gzip") decoders.push(zlib.createGunzip(sync));
    else if (coding === "deflate") decoders.push(inflate(zlib, sync));
    else if (coding === "br")
      decoders.push(
        zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        }),
      );
    else return [];
  }
  return decoders;
}

/** deflate as servers send it: zlib-wrapped (RFC 9110) or raw, told apart by the first byte as fetch does. */
function inflate(zlib: Zlib, options: { flush: number; finishFlush: number }): Transform {
  const { Transform } = builtin<typeof import("node:stream")>("node:stream");
  let inner: Transform | undefined;
  // zlib ends its output at the stream's end, even with input still to come: flush must not wait
  // for an "end" that has already been.
  let ended = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!inner) {
        inner = (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
        inner.on("data", (data: Buffer) => this.push(data));
        inner.on("error", (error) => this.destroy(error));
        inner.on("end", () => (ended = true));
      }
      if (ended) return done();
      inner.write(chunk, done);
    },
    flush(done) {
      if (!inner || ended) return done();
      inner.once("end", () => done());
      inner.end();
    },
    destroy(error, done) {
      inner?.destroy();
      done(error);
    },
  });
}

// The fuzzer's hostile server: a raw TCP server on 127.0.0.1 that reads each HTTP request and writes
// back exactly the bytes its answer script says, cut wherever the script says. node:http would not
// do: it refuses to write a malformed header line, frames the body itself, and cannot stop at a
// given byte. A `fetch` for the client routes each request to the answer it is due (a header names
// the attempt) or, for a "refused" answer, to a port nothing listens on: a real ECONNREFUSED.
import { Agent, type ClientRequest } from "node:http";
import { createServer, type AddressInfo, type Socket } from "node:net";
import type { BuiltAnswer } from "./fuzz-answers.js";
import { freePort } from "./server.js";

/** A request as the hostile server read it. */
export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The index of the answer it got. */
  attempt: number;
}

export interface HostileServer {
  url: string;
  requests: HostileRequest[];
  /** The answers served whole or in part, in order (refused ones included: they reach no server). */
  served: BuiltAnswer[];
  /** The client's `fetch`: the attempt's answer decides where it goes. */
  fetch: typeof fetch;
  /** The same routing for the node:http transport: a keep-alive Agent that sends each request where its answer says. */
  agent: Agent;
  close(): Promise<void>;
}

const ATTEMPT_HEADER = "x-fuzz-attempt";

/** Serves `answers[n]` to the client's n-th request (the last one again once they run out). */
export async function startHostileServer(answers: BuiltAnswer[]): Promise<HostileServer> {
  const requests: HostileRequest[] = [];
  const served: BuiltAnswer[] = [];
  const sockets = new Set<Socket>();
  const answerFor = (n: number) => answers[Math.min(n, answers.length - 1)]!;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {}); // a client that resets mid-answer is no failure of the server
    let pending = Buffer.alloc(0);
    let busy = false;
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (!busy) {
        const read = readRequest(pending);
        if (!read) return;
        pending = pending.subarray(read.length);
        const attempt = Number(read.request.headers[ATTEMPT_HEADER] ?? requests.length);
        delete read.request.headers[ATTEMPT_HEADER];
        requests.push({ ...read.request, attempt });
        const answer = answerFor(attempt);
        if (answer.kind !== "reply") {
          busy = true; // a hang: this socket answers nothing more
          return;
        }
        socket.write(answer.bytes.subarray(0, answer.writes));
        if (answer.after === "end") socket.end();
        else if (answer.after === "rst") socket.resetAndDestroy();
        if (answer.after !== "keep") busy = true;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const deadPort = await freePort();
  let attempts = 0;
  const scripted: typeof fetch = async (input, init) => {
    const attempt = attempts++;
    const answer = answerFor(attempt);
    served.push(answer);
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (answer.kind === "refused") url.port = String(deadPort);
    const headers = new Headers(request.headers);
    headers.set(ATTEMPT_HEADER, String(attempt));
    // The body as bytes, so that it goes with a content-length as the client's own request would.
    const body = request.body ? await request.arrayBuffer() : undefined;
    return fetch(url, {
      method: request.method,
      headers,
      body,
      signal: init?.signal ?? request.signal,
      redirect: init?.redirect ?? request.redirect,
    });
  };
  // Agent#addRequest (not in Node's types) is called once per request, before its head is written.
  const agent = new Agent({ keepAlive: true });
  const addRequest = (Agent.prototype as unknown as { addRequest: AddRequest }).addRequest;
  (agent as unknown as { addRequest: AddRequest }).addRequest = function (request, options) {
    const attempt = attempts++;
    const answer = answerFor(attempt);
    served.push(answer);
    request.setHeader(ATTEMPT_HEADER, String(attempt));
    const to = answer.kind === "refused" ? { ...options, port: deadPort } : options;
    return addRequest.call(this, request, to);
  };
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    served,
    fetch: scripted,
    agent,
    close: () =>
      (closed ??= new Promise((resolve) => {
        agent.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}

type AddRequest = (this: Agent, request: ClientRequest, options: { port?: number | string }) => void;

/** One request off the front of `bytes` (head, then a content-length or chunked body), or undefined until it is all there. */
function readRequest(
  bytes: Buffer,
): { request: Omit<HostileRequest, "attempt">; length: number } | undefined {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [start = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const [method = "", url = ""] = start.split(" ");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let at = end + 4;
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = bytes.indexOf("\r\n", at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
      if (bytes.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
      if (size === 0) break;
    }
    return { request: { method, url, headers, body: Buffer.concat(chunks).toString("utf8") }, length: at };
  }
  const length = Number(headers["content-length"] ?? 0);
  if (bytes.length < at + length) return undefined;
  return {
    request: { method, url, headers, body: bytes.subarray(at, at + length).toString("utf8") },
    length: at + length,
  };
}

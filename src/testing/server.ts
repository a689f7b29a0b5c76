// `fake.listen()`: the fake on 127.0.0.1 over node:http, for browsers and clients in any language.
// node:http is imported here, when listen() is called, and by a name bundlers do not follow: an
// app or a test on an edge runtime that uses only `fake.fetch` never loads, nor bundles, a Node
// built-in.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { VirtualClock } from "./clock.js";
import { CORS_HEADERS, fakeFailure, type FakeFrontDoor } from "./http.js";

const NODE_HTTP = "node:http";
/** The largest request body read; a larger one is refused (413) without reading it all. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The fake, listening. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`: the client's `baseUrl`, and the origin of every `redirect_url`. */
  baseUrl: string;
  /** Stops listening and ends every open connection (a hung request included). */
  close(): Promise<void>;
}

export async function serve(door: FakeFrontDoor, port: number, clock: VirtualClock): Promise<FakeServer> {
  const http = (await import(
    /* webpackIgnore: true */ /* @vite-ignore */ NODE_HTTP
  )) as typeof import("node:http");
  let baseUrl = "";
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    // The fake's clock stands still until the request is answered, cut, or left hanging.
    const release = clock.hold();
    res.on("close", release);
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on("data", (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      if (res.headersSent) return;
      answer(res, 413, "PayloadTooLarge", "The body is too large");
      req.destroy();
    });
    req.on("end", () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      const text = new TextDecoder().decode(concat(chunks));
      const url = targetUrl(req.url ?? "/", baseUrl);
      if (!url) return void answer(res, 400, "BadRequest", "The request target is not a URL");
      const write = async (response: Response) => {
        const body = new Uint8Array(await response.arrayBuffer());
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(body);
      };
      void door
        .handle({ method: req.method ?? "GET", url, headers, text })
        .then(async (outcome) => {
          // Left unanswered until the client gives up: its timeout may come, in fake time too.
          if (outcome === "hang") {
            if (!res.closed) res.on("close", clock.hang());
            return release();
          }
          if (outcome === "reset") return void req.socket.destroy();
          await write(outcome);
        })
        // A failure of the fake's own is its 500, naming it.
        .catch((error: unknown) => {
          if (res.headersSent) return void req.socket.destroy();
          return write(fakeFailure(error));
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The URL of a request target: a path (`/api/…`, `//host/…` included, which is a path, not another
 * host) on this server, or an absolute URL; undefined for any other (`*`, a malformed address).
 */
function targetUrl(target: string, baseUrl: string): URL | undefined {
  try {
    return new URL(target.startsWith("/") ? `${baseUrl}${target}` : target);
  } catch {
    return undefined;
  }
}

/** An error the server answers itself, in Composio's envelope, closing the connection. */
function answer(res: ServerResponse, status: number, slug: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", connection: "close", ...CORS_HEADERS });
  res.end(JSON.stringify({ error: { message, code: 10000 + status, slug, status } }));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

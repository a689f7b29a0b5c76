// A real HTTP server on 127.0.0.1 for tests: answers with a handler and records what it saw.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterEach } from "vitest";
import { createServer as createNetServer, type AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (request: SeenRequest, response: ServerResponse, attempt: number) => void;

export interface TestServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server for the running test; every server a test starts is closed after it. */
export interface ServerPerTest {
  (handler: Handler): Promise<TestServer>;
  /** The server the running test started last (reading it before starting one is a test bug). */
  readonly last: TestServer;
}

/** `serve(handler)` for a test file: the one place a test file's servers are closed (after each test). */
export function serverPerTest(): ServerPerTest {
  let servers: TestServer[] = [];
  afterEach(async () => {
    const closing = servers;
    servers = [];
    await Promise.all(closing.map((s) => s.close()));
  });
  const serve = async (handler: Handler) => {
    const server = await startServer(handler);
    servers.push(server);
    return server;
  };
  return Object.defineProperty(serve, "last", {
    get() {
      const server = servers.at(-1);
      if (!server) throw new Error("serverPerTest: `last` read before this test started a server");
      return server;
    },
  }) as ServerPerTest;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(seen);
      handler(seen, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    // Once: a test may close its server early (to cut a walk short); the after-each close is then a no-op.
    close: () =>
      (closed ??= new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** A 201 body as the API sends it for an API-key connection. */
export function createdBody(overrides: Record<string, unknown> = {}) {
  return {
    id: "ca_test123",
    connectionData: { authScheme: "API_KEY", val: { status: "ACTIVE" } },
    status: "ACTIVE",
    redirect_url: null,
    redirect_uri: null,
    deprecated: {
      uuid: "550e8400-e29b-41d4-a716-446655440000",
      authConfigUuid: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    },
    ...overrides,
  };
}

export function errorBody(
  status: number,
  slug: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  return { error: { message, code: status === 400 ? 600 : 10000 + status, slug, status, ...extra } };
}

/** A port on 127.0.0.1 that nothing listens on (free a moment ago). */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** How many timers the process holds now: a call that settled must leave none of its own behind. */
export const activeTimers = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

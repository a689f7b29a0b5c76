// What a server writes on the wire that HTTP parsers and decoders disagree on, on both transports
// (the third hostile round, against the node:http transport): a compressed body whose stream ends
// before the answer does, a stray byte after a complete answer, a 101 Switching Protocols. Each
// ends as fetch ends it, at once: not at the attempt's timeout, and a complete answer stands. Raw
// sockets on 127.0.0.1, as no HTTP server library would write these.
import { createServer, type AddressInfo, type Socket } from "node:net";
import { brotliCompressSync, deflateRawSync, deflateSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ComposioConnectionError } from "../src/index.js";
import { createBody } from "./helpers/operations.js";
import { TRANSPORTS } from "./helpers/transports.js";

const KEY = "ak_PLANTED_wire_key_7d31c0";
const ACCOUNT = Buffer.from(JSON.stringify({ id: "ca_4f9d2b7c1e0a", status: "ACTIVE" }));
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A server that answers each request with `answer(socket)`, counting the requests it read. */
async function rawServer(answer: (socket: Socket) => void) {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    let seen = "";
    socket.on("data", (data) => {
      seen += data.toString("latin1");
      // The request's head and its body (the client always sends a content-length).
      const end = seen.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(seen.slice(0, end))?.[1] ?? 0);
      if (seen.length < end + 4 + length) return;
      seen = "";
      requests.count++;
      answer(socket);
    });
  });
  const requests = { count: 0 };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const head = (status: string, headers: string[]) =>
  Buffer.from(`HTTP/1.1 ${status}\r\n${headers.join("\r\n")}\r\n\r\n`);

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  const clientOf = (baseUrl: string) =>
    createComposioClient({ apiKey: KEY, baseUrl, logger: null, maxRetries: 0, timeoutMs: 5_000 })
      .connectedAccounts;

  it.each([
    ["deflate", deflateSync(ACCOUNT)],
    ["deflate", deflateRawSync(ACCOUNT)],
    ["br", brotliCompressSync(ACCOUNT)],
  ])(
    "a %s body with bytes after its stream's end, in one write and in two: the decoded answer",
    async (coding, compressed) => {
      for (const split of [false, true]) {
        const trailing = Buffer.from("\r\n\r\n");
        const server = await rawServer((socket) => {
          const answer = head("200 OK", [
            "content-type: application/json",
            `content-encoding: ${coding}`,
            `content-length: ${compressed.length + trailing.length}`,
          ]);
          if (!split) return socket.write(Buffer.concat([answer, compressed, trailing]));
          socket.write(Buffer.concat([answer, compressed]));
          setTimeout(() => socket.write(trailing), 30);
        });
        const start = performance.now();
        await expect(clientOf(server.url).retrieve("ca_4f9d2b7c1e0a")).resolves.toEqual(
          JSON.parse(String(ACCOUNT)),
        );
        // The node:http transport waited for an end that had been, until the timeout (5 s here).
        expect(performance.now() - start).toBeLessThan(2_500);
      }
    },
  );

  // gzip reads what follows its end as a next member: undici's decoder then stalls, and at the
  // timeout the read handed back what it had as the whole body (a 200 "has no body", or a success
  // late); node's refuses it. Neither is an answer.
  it("a gzip body with bytes after its end, the rest a moment later: an error, never a body read as whole", async () => {
    const { gzipSync } = await import("node:zlib");
    const compressed = gzipSync(ACCOUNT);
    const server = await rawServer((socket) => {
      socket.write(
        Buffer.concat([
          head("200 OK", [
            "content-type: application/json",
            "content-encoding: gzip",
            `content-length: ${compressed.length + 4}`,
          ]),
          compressed,
        ]),
      );
      setTimeout(() => socket.write("\r\n\r\n"), 30);
    });
    const error = await clientOf(server.url)
      .retrieve("ca_4f9d2b7c1e0a", { timeoutMs: 1_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioConnectionError);
  });

  it("a stray byte after a complete 201 in the same write: the answer stands, the create is sent once", async () => {
    const server = await rawServer((socket) =>
      socket.write(
        Buffer.concat([
          head("201 Created", ["content-type: application/json", `content-length: ${ACCOUNT.length}`]),
          ACCOUNT,
          Buffer.from("X"),
        ]),
      ),
    );
    await expect(clientOf(server.url).create(createBody, { retryUnsafe: true })).resolves.toMatchObject({
      id: "ca_4f9d2b7c1e0a",
    });
    expect(server.requests.count).toBe(1);
  });

  it.each([
    ["with", ["connection: upgrade", "upgrade: websocket"]],
    ["without", ["content-length: 0"]],
  ])(
    "a 101 Switching Protocols %s an Upgrade: a connection error by the timeout, naming the call",
    async (_, headers) => {
      const server = await rawServer((socket) => socket.write(head("101 Switching Protocols", headers)));
      const start = performance.now();
      const error = await clientOf(server.url)
        .retrieve("ca_4f9d2b7c1e0a", { timeoutMs: 1_000 })
        .catch((e: unknown) => e);
      // node:http ends it at once; undici waits for a final status after a 101 without an Upgrade,
      // until the attempt's timeout: a connection error on both, never an answer read from a 101.
      expect(error).toBeInstanceOf(ComposioConnectionError);
      expect((error as Error).message).toMatch(/^retrieveConnectedAccount \(GET /);
      expect(performance.now() - start).toBeLessThan(2_500);
    },
  );
});

// The two transports themselves (the suites that run on both are listed in helpers/transports.ts):
// the Node build is the package's API with another sender, package.json picks it by condition,
// a `fetch` option forces fetch on Node, and node:http keeps its connections alive.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as viaFetch from "../src/index.js";
import * as viaNode from "../src/node.js";
import { createdBody, json, serverPerTest } from "./helpers/server.js";

const serve = serverPerTest();
const body = { auth_config: { id: "ac_1" }, connection: {} };

describe("the Node build (src/node.ts)", () => {
  it("exports what index.ts exports, the same values but the two factories", () => {
    expect(Object.keys(viaNode).sort()).toEqual(Object.keys(viaFetch).sort());
    const differ = Object.keys(viaFetch).filter(
      (name) => (viaNode as Record<string, unknown>)[name] !== (viaFetch as Record<string, unknown>)[name],
    );
    expect(differ.sort()).toEqual(["createComposioClient", "createComposioTransport"]);
  });

  it("package.json picks it under `node` only, after every runtime that has fetch and matches `node` too", () => {
    const { exports } = JSON.parse(readFileSync("package.json", "utf8")) as {
      exports: Record<string, Record<string, Record<string, string>>>;
    };
    for (const [format, ext] of [
      ["import", "js"],
      ["require", "cjs"],
    ] as const) {
      const conditions = exports["."]![format]!;
      const keys = Object.keys(conditions);
      expect(conditions.node).toBe(`./dist/node.${ext}`);
      expect(conditions.default).toBe(`./dist/index.${ext}`);
      for (const runtime of ["browser", "worker", "workerd", "edge-light", "deno", "bun"]) {
        expect(conditions[runtime], runtime).toBe(`./dist/index.${ext}`);
        expect(keys.indexOf(runtime), runtime).toBeLessThan(keys.indexOf("node"));
      }
      // One API, one set of declarations: the report of index.ts is the Node build's too.
      expect(exports["./node"]![format]).toEqual({ types: conditions.types, default: `./dist/node.${ext}` });
    }
  });

  it("sends through a `fetch` given in the options (how a Node app forces fetch)", async () => {
    const server = await serve((_req, res) => json(res, 201, createdBody()));
    const urls: string[] = [];
    const client = viaNode.createComposioClient({
      apiKey: "ak_forced",
      baseUrl: server.url,
      fetch: (input, init) => (
        urls.push(input instanceof Request ? input.url : input.toString()),
        fetch(input, init)
      ),
    });
    await client.connectedAccounts.create(body);
    expect(urls).toEqual([`${server.url}/api/v3.1/connected_accounts`]);
    // Without one, node:http: a request fetch would not make (no sec-fetch-mode).
    await viaNode
      .createComposioClient({ apiKey: "ak_node", baseUrl: server.url })
      .connectedAccounts.create(body);
    expect(urls).toHaveLength(1);
    expect(server.requests.map((r) => r.headers["sec-fetch-mode"])).toEqual(["cors", undefined]);
  });

  it("keeps the connection alive between calls, and sends what fetch sends", async () => {
    const sockets = new Set<unknown>();
    const server = await serve((_req, res) => {
      sockets.add(res.socket?.remotePort);
      json(res, 201, createdBody());
    });
    const client = viaNode.createComposioClient({ apiKey: "ak_alive", baseUrl: server.url });
    for (let i = 0; i < 5; i++) await client.connectedAccounts.create(body);
    expect(sockets.size).toBe(1);
    const { headers, body: sent } = server.requests[0]!;
    expect(headers).toMatchObject({
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(JSON.stringify(body))),
      "accept-encoding": "gzip, deflate",
      accept: "application/json",
      "x-api-key": "ak_alive",
    });
    expect(sent).toBe(JSON.stringify(body));
  });

  it("sends each header once, as node:http's setHeader would: a name in two cases with the last value, the caller's Host and Accept-Encoding over its own", async () => {
    const raw: string[][] = [];
    const server = await serve((_req, res) => {
      raw.push(res.req.rawHeaders);
      json(res, 200, { id: "ca_1" });
    });
    const client = viaNode.createComposioClient({
      apiKey: "ak_headers",
      baseUrl: server.url,
      headers: { Accept: "text/plain", "X-Trace": "client" },
    });
    await client.connectedAccounts.retrieve("ca_1", {
      headers: { "x-trace": "call", "Accept-Encoding": "identity", HOST: "api.example.com" },
    });
    const pairs = (lines: string[]) =>
      lines.flatMap((_, i) => (i % 2 ? [] : [[lines[i]!.toLowerCase(), lines[i + 1]]]));
    const sent = pairs(raw[0]!);
    const once = (name: string) => sent.filter(([n]) => n === name).map(([, v]) => v);
    expect(once("accept")).toEqual(["text/plain"]);
    expect(once("x-trace")).toEqual(["call"]);
    expect(once("accept-encoding")).toEqual(["identity"]);
    expect(once("host")).toEqual(["api.example.com"]);
    expect(once("x-api-key")).toEqual(["ak_headers"]);
    expect(once("transfer-encoding")).toEqual([]);
  });

  it("sends a POST without a body with content-length: 0 (not chunked), and a GET with neither", async () => {
    const seen: { method: string; length: string | undefined; chunked: string | undefined }[] = [];
    const server = await serve((req, res) => {
      seen.push({
        method: req.method,
        length: req.headers["content-length"],
        chunked: req.headers["transfer-encoding"],
      });
      json(res, 200, { id: "ca_1", status: "REVOKED" });
    });
    const client = viaNode.createComposioClient({ apiKey: "ak_post", baseUrl: server.url });
    await client.connectedAccounts.revoke("ca_1");
    await client.connectedAccounts.retrieve("ca_1");
    expect(seen).toEqual([
      { method: "POST", length: "0", chunked: undefined },
      { method: "GET", length: undefined, chunked: undefined },
    ]);
  });
});

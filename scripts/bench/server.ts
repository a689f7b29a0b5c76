// The bench's loopback server, in a process of its own, keep-alive; prints its URL. Under /api/v3.1/
// (every contender; /api/v3/ too, for any that still calls it):
//   POST …/connected_accounts         201, the create body (an OAuth 2 INITIATED connection)
//   GET  …/connected_accounts/{id}    200, an account (OAuth 2 ACTIVE, tokens in its state)
//   GET  …/connected_accounts?cursor  200, a page of the list (fixtures.ts: PAGES × PAGE_SIZE)
// Every body is serialized once, at start.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CREATED, cursorOf, listPage, PAGES, RETRIEVED } from "./fixtures.js";

const created = JSON.stringify(CREATED);
const retrieved = JSON.stringify(RETRIEVED);
const pages = new Map<string, string>();
for (let page = 1; page <= PAGES; page++)
  pages.set(page === 1 ? "" : cursorOf(page), JSON.stringify(listPage(page)));

const PREFIX = /^\/api\/v3(?:\.1)?\/connected_accounts(?:\/([^/?]+))?(?:\?(.*))?$/;

function answer(method: string, url: string): [number, string] {
  const match = PREFIX.exec(url);
  if (!match) return [404, JSON.stringify({ error: { message: `no route ${method} ${url}` } })];
  const [, id, query] = match;
  if (method === "POST" && id === undefined) return [201, created];
  if (method === "GET" && id !== undefined) return [200, retrieved];
  if (method === "GET") {
    const cursor = new URLSearchParams(query).get("cursor") ?? "";
    const page = pages.get(cursor);
    if (page !== undefined) return [200, page];
    return [400, JSON.stringify({ error: { message: `unknown cursor ${cursor}` } })];
  }
  return [405, JSON.stringify({ error: { message: `no route ${method} ${url}` } })];
}

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const [status, body] = answer(req.method ?? "GET", req.url ?? "/");
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () =>
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
);

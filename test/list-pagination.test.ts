// Pagination on the real connectedAccounts.list, against node:http: every page through `for await`
// and `pages()`, the first call's filters (arrays comma-joined) and options on every page request,
// the opaque cursor sent back in `cursor`, the end at `next_cursor: null` (or absent, or ""), and
// a clear error instead of a loop when the server repeats a cursor.
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ComposioAbortError,
  ComposioError,
  createComposioClient,
  type ListConnectedAccountsItem,
  type ListConnectedAccountsQuery,
  type ListConnectedAccountsResponse,
} from "../src/index.js";
import { account } from "./helpers/operations.js";
import { json, serverPerTest, type SeenRequest } from "./helpers/server.js";

const serve = serverPerTest();

/** An opaque cursor as the API makes them: base64 of the page and limit, with +, / and = in it. */
const cursorFor = (page: number) => Buffer.from(`{"page":${page},"limit":2}~~?`).toString("base64");
const pageOf = (cursor: string) =>
  JSON.parse(Buffer.from(cursor, "base64").toString().slice(0, -3)).page as number;

/** The list against a server whose answer to each request is `answer(cursor, request)`. */
async function listWith(answer: (cursor: string | null, req: SeenRequest) => unknown) {
  const server = await serve((req, res) => {
    json(res, 200, answer(new URL(req.url, "http://x").searchParams.get("cursor"), req));
  });
  return createComposioClient({ apiKey: "ak_test_pagination", baseUrl: server.url, logger: null })
    .connectedAccounts;
}

/** `total` pages of two accounts each; page n's next_cursor is cursorFor(n + 1), the last page's null. */
const numbered = (total: number) => (cursor: string | null) => {
  const n = cursor ? pageOf(cursor) : 1;
  return {
    items: [0, 1].map((i) =>
      account(`ca_${2 * (n - 1) + i}`, { access: `at_${n}_${i}`, refresh: `rt_${n}_${i}` }),
    ),
    next_cursor: n < total ? cursorFor(n + 1) : null,
    total_pages: total,
    current_page: n,
    total_items: 2 * total,
  };
};

const FILTERS: ListConnectedAccountsQuery = {
  statuses: ["ACTIVE", "FAILED"],
  toolkit_slugs: ["github", "gmail"],
  limit: 2,
};
const FIRST_URL = "/api/v3.1/connected_accounts?statuses=ACTIVE,FAILED&toolkit_slugs=github,gmail&limit=2";

describe("connectedAccounts.list: every page", () => {
  it("for await walks 30 pages, the filters on every request, the cursor sent back encoded", async () => {
    const accounts = await listWith(numbered(30));
    const ids: string[] = [];
    for await (const item of accounts.list(FILTERS)) {
      expectTypeOf(item).toEqualTypeOf<ListConnectedAccountsItem>();
      ids.push(item.id);
    }
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => `ca_${i}`));
    const urls = serve.last.requests.map((r) => r.url);
    expect(urls).toHaveLength(30);
    expect(urls[0]).toBe(FIRST_URL);
    for (let n = 2; n <= 30; n++) {
      expect(urls[n - 1]).toBe(`${FIRST_URL}&cursor=${encodeURIComponent(cursorFor(n))}`);
    }
    // The cursor has characters a query must encode: it arrived as the server sent it.
    expect(cursorFor(2)).toMatch(/[+/=]/);
    expect(
      serve.last.requests.every((r) => r.method === "GET" && r.headers["x-api-key"] === "ak_test_pagination"),
    ).toBe(true);
  });

  it("pages() gives each page in order, typed; the first page, once awaited, is not fetched again", async () => {
    const accounts = await listWith(numbered(4));
    const list = accounts.list({ statuses: ["ACTIVE"] });
    const first = await list;
    expectTypeOf(first).toEqualTypeOf<ListConnectedAccountsResponse>();
    expect(first.current_page).toBe(1);
    const pages: ListConnectedAccountsResponse[] = [];
    for await (const p of list.pages()) pages.push(p);
    expect(pages.map((p) => [p.current_page, p.next_cursor === null])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(pages[0]).toBe(first);
    expect(serve.last.requests).toHaveLength(4);
    expect(serve.last.requests[3]!.url).toBe(
      `/api/v3.1/connected_accounts?statuses=ACTIVE&cursor=${encodeURIComponent(cursorFor(4))}`,
    );
  });

  it("a cursor given to the first call is replaced by each next one, not repeated", async () => {
    const accounts = await listWith(numbered(5));
    const ids: string[] = [];
    for await (const item of accounts.list({ cursor: cursorFor(4), limit: 2 })) ids.push(item.id);
    expect(ids).toEqual(["ca_6", "ca_7", "ca_8", "ca_9"]);
    expect(serve.last.requests.map((r) => r.url)).toEqual([
      `/api/v3.1/connected_accounts?cursor=${encodeURIComponent(cursorFor(4))}&limit=2`,
      `/api/v3.1/connected_accounts?cursor=${encodeURIComponent(cursorFor(5))}&limit=2`,
    ]);
  });

  it("ends at next_cursor null even when total_items says there are more; at an absent or empty one too", async () => {
    for (const last of [{ next_cursor: null }, {}, { next_cursor: "" }]) {
      const accounts = await listWith((cursor) => ({
        items: [{ id: cursor ? "b" : "a" }],
        ...(cursor ? last : { next_cursor: "c2" }),
        total_pages: 9,
        current_page: cursor ? 2 : 1,
        total_items: 9,
      }));
      const ids: string[] = [];
      for await (const item of accounts.list()) ids.push(item.id);
      expect(ids).toEqual(["a", "b"]);
      expect(serve.last.requests).toHaveLength(2);
    }
  });

  it("the call's options go with every page request: its headers, and its signal", async () => {
    const accounts = await listWith(numbered(50));
    const controller = new AbortController();
    const ids: string[] = [];
    const error = await (async () => {
      for await (const item of accounts.list(
        { limit: 2 },
        { headers: { "x-trace": "walk-1" }, signal: controller.signal },
      )) {
        ids.push(item.id);
        if (ids.length === 6) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioAbortError);
    expect(ids).toHaveLength(6);
    expect(serve.last.requests).toHaveLength(3); // page 4 was never asked for
    expect(serve.last.requests.map((r) => r.headers["x-trace"])).toEqual(["walk-1", "walk-1", "walk-1"]);
  });

  it("breaking out of for await sends no more requests", async () => {
    const accounts = await listWith(numbered(50));
    for await (const item of accounts.list()) if (item.id === "ca_4") break;
    expect(serve.last.requests).toHaveLength(3);
  });
});

describe("connectedAccounts.list: a server that repeats a cursor", () => {
  const walkAll = async (list: AsyncIterable<ListConnectedAccountsItem>) => {
    const ids: string[] = [];
    const error = await (async () => {
      for await (const item of list) ids.push(item.id);
    })().catch((e: unknown) => e);
    return { ids, error };
  };

  it("a cursor that comes back after three pages ends the walk with a clear error", async () => {
    // c1 → c2 → c3 → c1 …: the fourth request would read page 2 again.
    const next: Record<string, string> = { "": "c1", c1: "c2", c2: "c3", c3: "c1" };
    const accounts = await listWith((cursor) => ({
      items: [{ id: `after_${cursor ?? "start"}` }],
      next_cursor: next[cursor ?? ""],
      total_pages: 3,
      current_page: 1,
      total_items: 3,
    }));
    const { ids, error } = await walkAll(accounts.list({ statuses: ["ACTIVE"] }));
    expect(error).toBeInstanceOf(ComposioError);
    expect((error as Error).message).toBe(
      "listConnectedAccounts: the server sent a cursor again (2 chars) after 4 page(s); stopped instead of reading the same pages forever.",
    );
    expect(ids).toEqual(["after_start", "after_c1", "after_c2", "after_c3"]);
    expect(serve.last.requests).toHaveLength(4);
  });

  it("a page that names its own cursor as the next; the cursor measured, not quoted", async () => {
    const long = "x".repeat(500);
    const accounts = await listWith(() => ({
      items: [],
      next_cursor: long,
      total_pages: 1,
      current_page: 1,
      total_items: 0,
    }));
    const { error } = await walkAll(accounts.list({ cursor: long }));
    expect((error as Error).message).toBe(
      `listConnectedAccounts: the server sent a cursor again (500 chars) after 1 page(s); stopped instead of reading the same pages forever.`,
    );
    expect(serve.last.requests).toHaveLength(1);
  });
});

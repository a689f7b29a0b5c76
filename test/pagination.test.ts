// Cursor pagination, on the fixture's list (its cursor, page and items named only by its spec's
// `x-sdk-pagination`, so a second paginated list needs no code change) against node:http.
import { describe, expect, it } from "vitest";
import { ComposioAbortError, ComposioError } from "../src/index.js";
import { queryString } from "../src/runtime.js";
import { fixtureResources } from "./helpers/fixture.js";
import { json, serverPerTest, type SeenRequest } from "./helpers/server.js";

const serve = serverPerTest();

/** The fixture's client against a server that answers each page request with `page(cursor, request)`. */
async function pagedApi(page: (cursor: string | null, req: SeenRequest) => unknown) {
  const server = await serve((req, res) => {
    const cursor = new URL(req.url, "http://x").searchParams.get("after");
    json(res, 200, page(cursor, req));
  });
  return fixtureResources(server.url).accounts;
}

/** Pages of two accounts each, `pages` of them, cursors "c1", "c2" …; the last has next: null. */
const numbered = (pages: number) => (cursor: string | null) => {
  const n = cursor ? Number(cursor.slice(1)) : 0;
  return {
    data: [{ id: `a${2 * n}` }, { id: `a${2 * n + 1}` }],
    next: n + 1 < pages ? `c${n + 1}` : null,
  };
};

describe("list: await, for await, pages()", () => {
  it("await gives the first page alone", async () => {
    const accounts = await pagedApi(numbered(5));
    const first = await accounts.list({ tiers: ["FREE"] });
    expect(first.data.map((a) => a.id)).toEqual(["a0", "a1"]);
    expect(first.next).toBe("c1");
    expect(serve.last.requests).toHaveLength(1);
  });

  it("for await walks every item of every page, the first call's filters on every request", async () => {
    const accounts = await pagedApi(numbered(12));
    const ids: string[] = [];
    for await (const account of accounts.list({ tiers: ["FREE", "PRO"] })) ids.push(account.id);
    expect(ids).toEqual(Array.from({ length: 24 }, (_, i) => `a${i}`));
    expect(serve.last.requests.map((r) => r.url)).toEqual([
      "/v1/accounts?tiers=FREE,PRO",
      ...Array.from({ length: 11 }, (_, i) => `/v1/accounts?tiers=FREE,PRO&after=c${i + 1}`),
    ]);
  });

  it("pages() gives each page; a page read by await is not fetched again", async () => {
    const accounts = await pagedApi(numbered(3));
    const list = accounts.list();
    expect((await list).next).toBe("c1");
    const nexts: (string | null | undefined)[] = [];
    for await (const page of list.pages()) nexts.push(page.next);
    expect(nexts).toEqual(["c1", "c2", null]);
    expect(serve.last.requests).toHaveLength(3);
  });

  it("has catch and finally, as a promise of the first page", async () => {
    const accounts = await pagedApi(() => {
      throw new Error("not reached");
    });
    await serve.last.close();
    let settled = false;
    const caught = await accounts
      .list({}, { maxRetries: 0 })
      .catch((error: unknown) => error)
      .finally(() => (settled = true));
    expect(caught).toBeInstanceOf(ComposioError);
    expect(settled).toBe(true);
  });

  it("ends at an absent or empty cursor too", async () => {
    for (const last of [{}, { next: "" }]) {
      const accounts = await pagedApi((cursor) =>
        cursor ? { data: [{ id: "b" }], ...last } : { data: [{ id: "a" }], next: "c1" },
      );
      const ids: string[] = [];
      for await (const account of accounts.list()) ids.push(account.id);
      expect(ids).toEqual(["a", "b"]);
    }
  });
});

describe("list: servers that misbehave", () => {
  it("a cursor that comes back ends the walk with a clear error, never a loop", async () => {
    const accounts = await pagedApi((cursor) => ({
      data: [{ id: cursor ?? "first" }],
      next: cursor === "c2" ? "c1" : cursor ? "c2" : "c1",
    }));
    const ids: string[] = [];
    const error = await (async () => {
      for await (const account of accounts.list()) ids.push(account.id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioError);
    expect((error as Error).message).toBe(
      "listAccounts: the server sent a cursor again (2 chars) after 3 page(s); stopped instead of reading the same pages forever.",
    );
    expect(ids).toEqual(["first", "c1", "c2"]);
    expect(serve.last.requests).toHaveLength(3);
  });

  it("a page that names its own cursor as the next is caught at once", async () => {
    const accounts = await pagedApi(() => ({ data: [], next: "same" }));
    const error = await (async () => {
      for await (const _ of accounts.list({ after: "same" })) void _;
    })().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/the server sent a cursor again \(4 chars\) after 1 page/);
  });

  it("a signal stops the walk: the next page request is never sent", async () => {
    const accounts = await pagedApi(numbered(100));
    const controller = new AbortController();
    const ids: string[] = [];
    const error = await (async () => {
      for await (const account of accounts.list({}, { signal: controller.signal })) {
        ids.push(account.id);
        if (ids.length === 5) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioAbortError);
    expect(ids).toHaveLength(6); // the third page was already read when the fifth item came
    expect(serve.last.requests).toHaveLength(3);
  });

  it("breaking out of for await sends no more requests", async () => {
    const accounts = await pagedApi(numbered(100));
    for await (const account of accounts.list()) if (account.id === "a3") break;
    expect(serve.last.requests).toHaveLength(2);
  });

  it("its iterator takes calls one at a time, as a generator does: next() called again before the last settled", async () => {
    const accounts = await pagedApi(numbered(3));
    const items = accounts.list()[Symbol.asyncIterator]();
    expect(items[Symbol.asyncIterator]()).toBe(items);
    const all = await Promise.all(Array.from({ length: 8 }, () => items.next()));
    expect(all.map((r) => (r.done ? "done" : r.value.id))).toEqual([
      "a0",
      "a1",
      "a2",
      "a3",
      "a4",
      "a5",
      "done",
      "done",
    ]);
    expect(serve.last.requests).toHaveLength(3);
  });

  it("its iterator ends at return(), even with a next() in flight, and sends no more requests", async () => {
    const accounts = await pagedApi(numbered(100));
    const items = accounts.list()[Symbol.asyncIterator]();
    const [first, ended, after] = await Promise.all([items.next(), items.return(), items.next()]);
    expect(first).toEqual({ done: false, value: { id: "a0" } });
    expect(ended).toEqual({ done: true, value: undefined });
    expect(after).toEqual({ done: true, value: undefined });
    expect(serve.last.requests).toHaveLength(1);
  });

  it("its iterator ends after an error: the next call is done, and throw() rejects with what it is given", async () => {
    let calls = 0;
    const accounts = await pagedApi(() =>
      ++calls === 2 ? { data: "not a list", next: "c9" } : numbered(5)(null),
    );
    const items = accounts.list()[Symbol.asyncIterator]();
    expect((await items.next()).done).toBe(false);
    expect((await items.next()).done).toBe(false);
    await expect(items.next()).rejects.toThrow(ComposioError);
    expect(await items.next()).toEqual({ done: true, value: undefined });
    const fresh = accounts.list()[Symbol.asyncIterator]();
    const reason = new Error("stop");
    await expect(fresh.throw(reason)).rejects.toBe(reason);
    expect(await fresh.next()).toEqual({ done: true, value: undefined });
    expect(calls).toBe(2);
  });
});

describe("queryString: the spec's style and explode", () => {
  it("repeats exploded arrays, joins the others with their delimiter, encodes each item", () => {
    expect(
      queryString(
        { include: ["a b", "c&d"], tiers: ["x,y", "z"], n: 5, skip: undefined, none: null },
        { tiers: "," },
      ),
    ).toBe("?include=a%20b&include=c%26d&tiers=x%2Cy,z&n=5");
    expect(queryString({ tiers: [] }, { tiers: "," })).toBe("");
    expect(queryString({ ids: ["1", "2"] }, { ids: "|" })).toBe("?ids=1|2");
    expect(queryString(undefined)).toBe("");
  });
});

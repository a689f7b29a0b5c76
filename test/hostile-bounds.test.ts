// A hostile server gets nothing, in size or in time (issue 14, points 2, 3, 4, 6 and 8): every
// answer's decoded size is bounded on both clients, the raw client keeps its timeout and the
// caller's signal after a garbage collection, sends the key to baseUrl's origin only, walks end
// when they make no progress, and the small ones (a baseUrl ending in ? or #, Retry-After: 1e400,
// one signal shared by many calls). Real servers on 127.0.0.1; memory and GC measured in a child.
import type { ServerResponse } from "node:http";
import { createGzip } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../generated/meta.js";
import {
  ComposioAbortError,
  ComposioApiError,
  ComposioError,
  ComposioTimeoutError,
  RateLimitError,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { HANG_MS, lastJson, runScript } from "./helpers/child.js";
import { TRANSPORTS } from "./helpers/transports.js";
import {
  errorBody,
  json,
  serverPerTest,
  startServer,
  type Handler,
  type TestServer,
} from "./helpers/server.js";

const KEY = "ak_PLANTED_bounds_key_31c9a7";
const ID = "ca_4f9d2b7c1e0a";

/** Each server a test starts is closed after it. */
const serve = serverPerTest();

/** An operation's path template, whatever its prefix (/api/v3 or /api/v3.1). */
const pathOf = (operation: string): string =>
  Object.keys(ROUTES)
    .find((route) => ROUTES[route]!.operation === operation)!
    .split(" ")[1]!;
const RETRIEVE = pathOf("retrieveConnectedAccount");

const account = { id: ID, status: "ACTIVE", status_reason: null };

/** 128 MiB of JSON whitespace and then `{}`, gzipped: about 130 KB on the wire. */
const BOMB_BYTES = 128 * 1024 * 1024;
function gzipBomb(): Promise<Buffer> {
  return new Promise((resolve) => {
    const gzip = createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
    gzip.on("end", () => resolve(Buffer.concat(chunks)));
    const spaces = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < BOMB_BYTES / spaces.length; i++) gzip.write(spaces);
    gzip.end("{}");
  });
}

/** Answers `status` with a body that never ends; resolves when the client drops the connection. */
function endless(res: ServerResponse, status: number): Promise<void> {
  res.writeHead(status, { "content-type": "application/json" });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
  };
  res.on("drain", pump);
  pump();
  return new Promise((resolve) => res.on("close", () => resolve()));
}

describe.each(TRANSPORTS)(
  "2. the decoded size of every answer is bounded, over $transport",
  ({ createComposioClient, source }) => {
    let bomb: TestServer;
    let wire = 0;
    beforeAll(async () => {
      const gz = await gzipBomb();
      wire = gz.length;
      bomb = await startServer((req, res) => {
        res.writeHead(req.url.endsWith("/ca_500") ? 500 : 200, {
          "content-type": "application/json",
          "content-encoding": "gzip",
        });
        res.end(gz);
      });
    });
    afterAll(() => bomb.close());

    // Peak memory is the child's own: its maxRSS against its RSS before the first call.
    it(
      "a gzip bomb (130 KB on the wire, 128 MiB decoded) to both clients, success and error: memory stays bounded",
      async () => {
        const script = `
      import { createComposioClient } from "${source}";
      import { createRawClient } from "./src/raw.ts";
      const options = { apiKey: "ak_bomb", baseUrl: ${JSON.stringify(bomb.url)}, logger: null, maxRetries: 0 };
      const client = createComposioClient(options);
      const raw = createRawClient(options);
      const of = (promise) => promise.then(
        (value) => ({ resolved: true, error: typeof value?.error === "string" ? value.error.length : undefined }),
        (error) => ({ name: error.name, message: error.message }),
      );
      // Collected between calls, so that the peak is one call's, not the garbage of all four.
      const collected = (outcome) => (globalThis.gc(), outcome);
      globalThis.gc();
      const rssBefore = process.memoryUsage().rss;
      const outcomes = {
        main: collected(await of(client.connectedAccounts.retrieve("ca_ok"))),
        mainError: collected(await of(client.connectedAccounts.retrieve("ca_500"))),
        raw: collected(await of(raw.GET(${JSON.stringify(RETRIEVE)}, { params: { path: { nanoid: "ca_ok" } } }))),
        rawError: await of(raw.GET(${JSON.stringify(RETRIEVE)}, { params: { path: { nanoid: "ca_500" } } })),
      };
      console.log(JSON.stringify({ outcomes, growth: process.resourceUsage().maxRSS * 1024 - rssBefore }));
    `;
        const run = await runScript(script, ["--expose-gc", "--max-old-space-size=256"]);
        const { outcomes, growth } = lastJson<{ outcomes: Record<string, any>; growth: number }>(run);
        expect(wire).toBeLessThan(200 * 1024);
        const tooLarge = expect.stringMatching(
          /^200 answer to GET \/api\/v3[.\d]*\/connected_accounts\/ca_ok is larger than maxResponseBytes \(33554432 bytes, decoded\): reading stopped there and the connection was dropped\.$/,
        );
        expect(outcomes.main).toEqual({ name: "ComposioApiError", message: tooLarge });
        expect(outcomes.raw).toEqual({ name: "ComposioApiError", message: tooLarge });
        // Error bodies: an excerpt of the first 64 KiB, as before.
        expect(outcomes.mainError).toEqual({
          name: "InternalServerError",
          message: expect.stringMatching(/^500 \(empty body\)|^500 .*over 65536 chars/),
        });
        // Error bodies on /raw: read to 64 KiB, kept as a 2 KiB excerpt (what the main client's errors keep).
        expect(outcomes.rawError).toEqual({ resolved: true, error: 2048 + "… (65536 chars)".length });
        // The default bound (32 MiB) and what reading to it costs; unbounded, it was over 500 MB.
        console.log(`gzip bomb: peak RSS growth ${(growth / 2 ** 20).toFixed(0)} MiB`);
        expect(growth).toBeLessThan(100 * 2 ** 20);
      },
      HANG_MS,
    );

    it("past maxResponseBytes the call ends with a ComposioApiError and the connection is dropped", async () => {
      let dropped: Promise<void> | undefined;
      const server = await serve((_req, res) => {
        dropped = endless(res, 200);
      });
      const client = createComposioClient({
        apiKey: KEY,
        baseUrl: server.url,
        logger: null,
        timeoutMs: 5_000,
      });
      const error = await client.connectedAccounts
        .retrieve(ID, { maxResponseBytes: 1024 * 1024 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioApiError);
      expect(error).not.toBeInstanceOf(ComposioTimeoutError);
      expect((error as ComposioApiError).status).toBe(200);
      expect((error as Error).message).toMatch(/is larger than maxResponseBytes \(1048576 bytes, decoded\)/);
      await dropped;
      // Not retried: the same answer would come again.
      expect(server.requests).toHaveLength(1);
    });

    it("the raw client: past maxResponseBytes it throws and drops the connection; an endless error body is cut at 64 KiB", async () => {
      const drops: Promise<void>[] = [];
      const server = await serve((req, res) => {
        drops.push(endless(res, req.url.endsWith("/ca_500") ? 500 : 200));
      });
      const raw = createRawClient({
        apiKey: KEY,
        baseUrl: server.url,
        logger: null,
        timeoutMs: 5_000,
        maxRetries: 0,
        maxResponseBytes: 256 * 1024,
      });
      const error = await raw
        .GET(RETRIEVE as never, { params: { path: { nanoid: ID } } } as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioApiError);
      expect((error as Error).message).toMatch(/is larger than maxResponseBytes \(262144 bytes, decoded\)/);
      const failed = await raw.GET(RETRIEVE as never, { params: { path: { nanoid: "ca_500" } } } as never);
      expect(failed.response.status).toBe(500);
      // Read to 64 KiB, then kept as the errors' excerpt: 2,048 characters and how long it was.
      expect(String(failed.error)).toMatch(/^ {2048}… \(65536 chars\)$/);
      await Promise.all(drops);
    });

    it("an answer of exactly maxResponseBytes is read; one byte more is not", async () => {
      const body = JSON.stringify(account);
      const server = await serve((_req, res) => json(res, 200, account));
      const client = createComposioClient({ apiKey: KEY, baseUrl: server.url, logger: null });
      await expect(client.connectedAccounts.retrieve(ID, { maxResponseBytes: body.length })).resolves.toEqual(
        account,
      );
      await expect(
        client.connectedAccounts.retrieve(ID, { maxResponseBytes: body.length - 1 }),
      ).rejects.toThrow(/is larger than maxResponseBytes/);
      const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, maxResponseBytes: body.length });
      const { data } = await raw.GET(RETRIEVE as never, { params: { path: { nanoid: ID } } } as never);
      expect(data).toEqual(account);
    });

    it("maxResponseBytes is checked like the other limits, on the client and per request", async () => {
      for (const bad of [0, -1, 1.5, Infinity, Number.NaN, "1024"]) {
        expect(() => createComposioClient({ apiKey: KEY, maxResponseBytes: bad as number })).toThrow(
          /^createComposioClient: `maxResponseBytes` must be a whole number of bytes > 0 \(got .+\)\.$/,
        );
      }
      expect(() => createRawClient({ apiKey: KEY, maxResponseBytes: 0 })).toThrow(
        "createRawClient: `maxResponseBytes` must be a whole number of bytes > 0 (got 0).",
      );
      const server = await serve((_req, res) => json(res, 200, account));
      const client = createComposioClient({ apiKey: KEY, baseUrl: server.url });
      await expect(client.connectedAccounts.retrieve(ID, { maxResponseBytes: -5 })).rejects.toThrow(
        "retrieveConnectedAccount: options: `maxResponseBytes` must be a whole number of bytes > 0 (got -5).",
      );
      expect(server.requests).toHaveLength(0);
    });
  },
);

describe("3. the raw client keeps its timeout and the caller's signal, garbage collection or not", () => {
  // A server that takes requests and never answers them.
  const silent: Handler = () => {};

  it("without a forced GC: timeoutMs ends a request to a server that never answers, and so does a signal", async () => {
    const server = await serve(silent);
    const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, timeoutMs: 300, maxRetries: 0 });
    const started = performance.now();
    const timedOut = await raw
      .GET(RETRIEVE as never, { params: { path: { nanoid: ID } } } as never)
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(ComposioTimeoutError);
    expect(performance.now() - started).toBeLessThan(2_000);
    const slow = createRawClient({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });
    const aborted = await slow
      .GET(RETRIEVE as never, { params: { path: { nanoid: ID } }, signal: AbortSignal.timeout(200) } as never)
      .catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(ComposioAbortError);
  });

  it(
    "with GC forced while the request waits (node --expose-gc): the same",
    async () => {
      const script = `
      import { createServer } from "node:http";
      import { createRawClient } from "./src/raw.ts";
      const server = createServer(() => {});
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const baseUrl = "http://127.0.0.1:" + server.address().port;
      const collector = setInterval(() => globalThis.gc(), 20);
      const watchdog = setTimeout(() => { console.log(JSON.stringify({ pending: true })); process.exit(0); }, 8000);
      const outcome = async (options, init) => {
        const started = performance.now();
        const raw = createRawClient({ apiKey: "ak_gc", baseUrl, maxRetries: 0, ...options });
        const name = await raw.GET(${JSON.stringify(RETRIEVE)}, { params: { path: { nanoid: "ca_1" } }, ...init })
          .then(() => "resolved", (error) => error.name);
        return { name, ms: Math.round(performance.now() - started) };
      };
      const timeout = await outcome({ timeoutMs: 400 }, {});
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 400);
      const abort = await outcome({}, { signal: controller.signal });
      clearInterval(collector);
      clearTimeout(watchdog);
      server.closeAllConnections();
      server.close();
      console.log(JSON.stringify({ timeout, abort }));
    `;
      const result = lastJson<Record<string, { name: string; ms: number }>>(
        await runScript(script, ["--expose-gc"]),
      );
      expect(result.pending, "a request was still pending 8 s in").toBeUndefined();
      expect(result.timeout).toEqual({ name: "ComposioTimeoutError", ms: expect.any(Number) });
      expect(result.timeout!.ms).toBeLessThan(2_000);
      expect(result.abort).toEqual({ name: "ComposioAbortError", ms: expect.any(Number) });
      expect(result.abort!.ms).toBeLessThan(2_000);
    },
    HANG_MS,
  );
});

describe("4. the raw client sends the key to baseUrl's origin only", () => {
  it("refuses a per-request baseUrl of another origin (plain http included), before anything is sent", async () => {
    const home = await serve((_req, res) => json(res, 200, account));
    const elsewhere = await serve((_req, res) => json(res, 200, account));
    const raw = createRawClient({ apiKey: KEY, baseUrl: home.url });
    for (const baseUrl of [elsewhere.url, home.url.replace("127.0.0.1", "localhost")]) {
      const error = await raw
        .GET(RETRIEVE as never, { baseUrl, params: { path: { nanoid: ID } } } as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioError);
      expect((error as Error).message).toBe(
        `createRawClient: refused to send to ${new URL(baseUrl).origin}: the key and request bodies go to baseUrl's origin (${home.url}) only, so a per-request \`baseUrl\` must keep it.`,
      );
      expect((error as Error).message).not.toContain(KEY);
    }
    expect(elsewhere.requests).toHaveLength(0);
    expect(home.requests).toHaveLength(0);
    // The same origin under another path (a gateway's prefix) is the same server: allowed.
    const { data } = await raw.GET(
      RETRIEVE as never,
      { baseUrl: `${home.url}/`, params: { path: { nanoid: ID } } } as never,
    );
    expect(data).toEqual(account);
  });

  it("refuses a per-request fetch, which would skip the timeout, the retries and every check", async () => {
    const home = await serve((_req, res) => json(res, 200, account));
    const raw = createRawClient({ apiKey: KEY, baseUrl: home.url });
    let called = 0;
    const own: typeof fetch = (input, init) => {
      called++;
      return fetch(input, init);
    };
    await expect(
      raw.GET(RETRIEVE as never, { fetch: own, params: { path: { nanoid: ID } } } as never),
    ).rejects.toThrow("createRawClient: a per-request `fetch` would bypass");
    expect(called).toBe(0);
    expect(home.requests).toHaveLength(0);
  });
});

describe.each(TRANSPORTS)(
  "6. a walk that makes no progress ends by itself, over $transport",
  ({ createComposioClient, source }) => {
    const pageOf = (items: { id: string }[], next: string | null) => ({
      items,
      next_cursor: next,
      total_pages: 1,
      current_page: 1,
      total_items: items.length,
    });

    it("empty pages, each with a fresh cursor: stops after 5, with an error that says so", async () => {
      const server = await serve((_req, res, n) => json(res, 200, pageOf([], `fresh_${n}`)));
      const accounts = createComposioClient({ apiKey: KEY, baseUrl: server.url }).connectedAccounts;
      let bodies = 0;
      const error = await (async () => {
        for await (const _ of accounts.list({}, { signal: AbortSignal.timeout(3_000) })) bodies++;
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioError);
      expect(error).not.toBeInstanceOf(ComposioAbortError);
      expect((error as Error).message).toBe(
        "listConnectedAccounts: the server sent 5 empty pages in a row, each with a next cursor (after 5 page(s)); stopped: the walk made no progress.",
      );
      expect(bodies).toBe(0);
      expect(server.requests).toHaveLength(5);
    });

    it("an empty page between full ones is no reason to stop", async () => {
      const server = await serve((_req, res, n) =>
        json(res, 200, pageOf(n % 2 ? [] : [{ id: `ca_${n}` }], n < 12 ? `c${n}` : null)),
      );
      const accounts = createComposioClient({ apiKey: KEY, baseUrl: server.url }).connectedAccounts;
      const ids: string[] = [];
      for await (const item of accounts.list()) ids.push(item.id);
      expect(ids).toEqual(["ca_2", "ca_4", "ca_6", "ca_8", "ca_10", "ca_12"]);
    });

    it("maxPages ends a walk that never ends, naming the option; it is checked like the other limits", async () => {
      const server = await serve((_req, res, n) => json(res, 200, pageOf([{ id: `ca_${n}` }], `c${n}`)));
      const accounts = createComposioClient({ apiKey: KEY, baseUrl: server.url }).connectedAccounts;
      const ids: string[] = [];
      const error = await (async () => {
        for await (const item of accounts.list({}, { maxPages: 3 })) ids.push(item.id);
      })().catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        "listConnectedAccounts: stopped after `maxPages` (3) pages, and the server has more; pass a larger `maxPages` in the list's options to read on.",
      );
      expect(ids).toEqual(["ca_1", "ca_2", "ca_3"]);
      const pages = await (async () => {
        for await (const _ of accounts.list({}, { maxPages: 0 }).pages());
      })().catch((e: unknown) => e);
      expect((pages as Error).message).toBe(
        "listConnectedAccounts: options: `maxPages` must be a whole number > 0, or Infinity (got 0).",
      );
      expect(server.requests).toHaveLength(3);
    });

    it(
      "the repeated-cursor guard keeps bounded memory: 1,200 pages of 20 KB cursors (node --expose-gc)",
      async () => {
        const script = `
      import { createServer } from "node:http";
      import { createComposioClient } from "${source}";
      let n = 0;
      const server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
        n++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ items: [{ id: "ca_" + n }], next_cursor: n < 1200 ? String(n).padEnd(20000, "x") : null }));
      });
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const client = createComposioClient({ apiKey: "ak_walk", baseUrl: "http://127.0.0.1:" + server.address().port });
      const heap = () => { globalThis.gc(); return process.memoryUsage().heapUsed; };
      // Page 400 is past the warm-up (compiled code, sockets, buffers).
      let count = 0, at400 = 0, at1200 = 0;
      for await (const item of client.connectedAccounts.list()) {
        count++;
        if (count === 400) at400 = heap();
        if (count === 1200) at1200 = heap();
      }
      server.close();
      console.log(JSON.stringify({ count, growth: at1200 - at400 }));
    `;
        const { count, growth } = lastJson<{ count: number; growth: number }>(
          await runScript(script, ["--expose-gc"]),
        );
        expect(count).toBe(1200);
        // Keeping every cursor would hold 800 × 20 KB = 16 MB more at page 1,200 than at page 400.
        console.log(
          `walk of 1,200 pages: heap growth from page 400 to 1,200: ${(growth / 2 ** 20).toFixed(2)} MiB`,
        );
        expect(growth).toBeLessThan(4 * 2 ** 20);
      },
      HANG_MS,
    );
  },
);

describe.each(TRANSPORTS)("8. the small ones, over $transport", ({ createComposioClient }) => {
  it("a baseUrl ending in ? or # is refused: every request would go to /?/api/… or /", () => {
    for (const baseUrl of [
      "https://backend.composio.dev/?",
      "https://backend.composio.dev#",
      "https://x.example/a?#",
    ]) {
      expect(() => createComposioClient({ apiKey: KEY, baseUrl }), baseUrl).toThrow(
        "createComposioClient: `baseUrl` may not carry a query or a fragment: every request path is added to its end.",
      );
      expect(() => createRawClient({ apiKey: KEY, baseUrl }), baseUrl).toThrow(/may not carry a query/);
    }
  });

  it("Retry-After: 1e400 (and retry-after-ms) is too long a wait: no retry", async () => {
    const headers: Record<string, string>[] = [{ "retry-after": "1e400" }, { "retry-after-ms": "1e400" }];
    for (const header of headers) {
      const server = await serve((_req, res) =>
        json(res, 429, errorBody(429, "RateLimited", "slow"), header),
      );
      const error = await createComposioClient({ apiKey: KEY, baseUrl: server.url, logger: null })
        .connectedAccounts.retrieve(ID)
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(header)).toBeInstanceOf(RateLimitError);
      expect(server.requests, JSON.stringify(header)).toHaveLength(1);
    }
  });

  it("one signal shared by 50 concurrent calls, on both clients: no MaxListenersExceededWarning", async () => {
    const server = await serve((_req, res) => setTimeout(() => json(res, 200, account), 50));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const client = createComposioClient({ apiKey: KEY, baseUrl: server.url });
      const raw = createRawClient({ apiKey: KEY, baseUrl: server.url });
      const shared = new AbortController().signal;
      await Promise.all(
        Array.from({ length: 50 }, () => client.connectedAccounts.retrieve(ID, { signal: shared })),
      );
      const alsoShared = new AbortController().signal;
      await Promise.all(
        Array.from({ length: 50 }, () =>
          raw.GET(RETRIEVE as never, { params: { path: { nanoid: ID } }, signal: alsoShared } as never),
        ),
      );
      // process 'warning' events come on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    expect(server.requests).toHaveLength(100);
  });

  it("a shared signal still aborts every call that watches it, and only those", async () => {
    let allArrived: () => void;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    const server = await serve((_req, _res, n) => n === 21 && allArrived());
    const client = createComposioClient({ apiKey: KEY, baseUrl: server.url });
    const controller = new AbortController();
    const calls = Array.from({ length: 20 }, () =>
      client.connectedAccounts.retrieve(ID, { signal: controller.signal }).catch((e: unknown) => e),
    );
    const other = client.connectedAccounts
      .retrieve(ID, { timeoutMs: 300, maxRetries: 0 })
      .catch((e: unknown) => e);
    await arrived;
    controller.abort();
    for (const error of await Promise.all(calls)) expect(error).toBeInstanceOf(ComposioAbortError);
    expect(await other).toBeInstanceOf(ComposioTimeoutError);
  });
});

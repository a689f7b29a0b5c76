// Log lines against hostile answers (issue 21): the headers a warning reads (Link, Deprecation,
// Sunset) cost the same small CPU whatever their shape, up to the 16 KiB Node's fetch accepts, as do
// Retry-After and retry-after-ms; a line carries no control or bidi character and has a bound; and on
// /raw the warning is once per operation, whatever the path, with a bound on what it remembers.
// Each call goes to a real server on 127.0.0.1, on the main client and on /raw.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createdBody, errorBody, json, serverPerTest, type Handler } from "./helpers/server.js";

const serve = serverPerTest();
// The warning is once per process and operation: each test loads the client afresh.
beforeEach(() => vi.resetModules());
const load = async () => ({
  ...(await import("../src/index.js")),
  ...(await import("../src/raw.js")),
  ...(await import("../src/log.js")),
});

const body = { auth_config: { id: "ac" }, connection: {} };
function collecting() {
  const lines = { debug: [] as string[], warn: [] as string[] };
  const logger = {
    debug: (m: string) => lines.debug.push(m),
    info() {},
    warn: (m: string) => lines.warn.push(m),
    error() {},
  };
  return { lines, logger };
}

/** The CPU (user and system, in ms) the process spent on `call`, the server's part included. */
async function cpuOf(call: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await call().catch(() => {});
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/** A generous bound: a linear parse of 16 KiB takes well under 10 ms; the old regex took seconds. */
const CPU_MS = 200;
/** Node's fetch refuses an answer whose header block passes 16 KiB: each value stays below. */
const SIZE = 16_000;
const fill = (head: string, unit: string) => (head + unit.repeat(SIZE)).slice(0, SIZE);
const benign = ', <https://docs.example/other>; rel="alternate"';

/** Link headers of 16 KiB that no link in them is deprecation's, `<` runs first (the old regex's worst). */
const LINKS: Record<string, string> = {
  "runs of <": fill("<".repeat(2_600), benign),
  "runs of <a": fill("<a".repeat(1_300), benign),
  "runs of <;": fill("<;".repeat(1_300), benign),
  "one unclosed <": `<${"a".repeat(SIZE - 1)}`,
  "unclosed quotes": fill('<https://x>; rel="', 'a"; title="'),
  "only commas and semicolons": fill("<x>", ";,"),
};

const serveHeaders = (headers: Record<string, string>) =>
  serve((_req, res) => json(res, 201, createdBody(), headers));

/** A create on the main client and on /raw, each on a freshly loaded client, with its CPU. */
async function bothClients(headers: Record<string, string>) {
  const server = await serveHeaders(headers);
  const runs = [];
  for (const via of ["client", "raw"] as const) {
    const { createComposioClient, createRawClient } = await load();
    const { lines, logger } = collecting();
    const options = { apiKey: "ak_test_0123456789", baseUrl: server.url, logger };
    // The first fetch of the process loads undici: not the answer's cost.
    await fetch(server.url).then((r) => r.arrayBuffer());
    const ms = await cpuOf(() =>
      via === "client"
        ? createComposioClient(options).connectedAccounts.create(body)
        : createRawClient(options).POST("/api/v3.1/connected_accounts", { body }),
    );
    runs.push({ via, ms, lines });
    vi.resetModules();
  }
  return runs;
}

describe("a Link header of 16 KiB beside Deprecation costs little CPU", () => {
  it.each(Object.entries(LINKS))("%s", async (_, link) => {
    for (const { via, ms, lines } of await bothClients({ deprecation: "@1767225600", link })) {
      expect(ms, `${via}: ${ms.toFixed(0)} ms of CPU`).toBeLessThan(CPU_MS);
      expect(lines.warn, via).toHaveLength(1);
      expect(lines.warn[0], via).not.toContain(" See ");
    }
  });

  it("beside Sunset too, and a link after 8 KiB of others is not read", async () => {
    const far = `${fill("<", benign).slice(0, 8_500)}, <https://docs.example/far>; rel="sunset"`;
    for (const { via, ms, lines } of await bothClients({
      sunset: "Wed, 01 Jul 2026 00:00:00 GMT",
      link: far,
    })) {
      expect(ms, via).toBeLessThan(CPU_MS);
      expect(lines.warn[0], via).not.toContain("docs.example/far");
    }
  });

  it("a Link header of 1 MiB (through a fetch that allows it) is not read whole", async () => {
    const server = await serveHeaders({ deprecation: "@1767225600" });
    const { createComposioClient } = await load();
    const { lines, logger } = collecting();
    const link = `${"<".repeat(1 << 20)}, <https://docs.example/x>; rel="deprecation"`;
    const client = createComposioClient({
      apiKey: "ak_test_0123456789",
      baseUrl: server.url,
      logger,
      fetch: async (input, init) => {
        const answer = await fetch(input, init);
        const headers = new Headers(answer.headers);
        headers.set("link", link);
        return new Response(answer.body, { status: answer.status, headers });
      },
    });
    await fetch(server.url).then((r) => r.arrayBuffer());
    const ms = await cpuOf(() => client.connectedAccounts.create(body));
    expect(ms).toBeLessThan(CPU_MS);
    expect(lines.warn).toHaveLength(1);
    // The first 8 KiB hold no whole link: none is shown, and the line keeps its bound.
    expect(lines.warn[0]).not.toContain(" See ");
    expect(lines.warn[0]!.length).toBeLessThan(200);
  });
});

describe("the link a warning shows", () => {
  const cases: [string, string | undefined][] = [
    ['<https://docs.example/a?ticket=tk_1>; rel="deprecation"', "https://docs.example/a"],
    ["<https://docs.example/b#frag>;rel=sunset", "https://docs.example/b"],
    [
      '<https://a.example/x,y>; rel="alternate", <https://docs.example/c>; rel="alternate deprecation"',
      "https://docs.example/c",
    ],
    [
      '<https://a.example/>; title="a, <b>; rel=deprecation", <https://docs.example/d>; REL="Sunset"',
      "https://docs.example/d",
    ],
    ['<https://a.example/>; rel="alternate"; rel="deprecation"', undefined],
    ['<https://a.example/>; rel="deprecation-policy"', undefined],
    ["https://docs.example/no-brackets; rel=deprecation", undefined],
  ];
  it.each(cases)("%s → %s", async (link, shown) => {
    for (const { via, lines } of await bothClients({ deprecation: "@1767225600", link })) {
      expect(lines.warn, via).toHaveLength(1);
      const [, seen] = lines.warn[0]!.split(" See ");
      expect(seen, via).toBe(shown);
    }
  });
});

describe("Deprecation and Sunset of 16 KiB", () => {
  const values: Record<string, string> = {
    "C1 controls": "\u009b2J\u0085".repeat(SIZE / 4),
    "runs of <": "<".repeat(SIZE),
    "the key echoed": "ak_test_0123456789 ".repeat(SIZE / 19),
    "a date with spaces": fill("Wed, 01 Jul 2026", " "),
  };
  for (const header of ["deprecation", "sunset"]) {
    for (const [shape, value] of Object.entries(values)) {
      it(`${header}, ${shape}: little CPU, a bounded line, no control character, no key`, async () => {
        const { MAX_LINE } = await load();
        for (const { via, ms, lines } of await bothClients({ [header]: value })) {
          expect(ms, via).toBeLessThan(CPU_MS);
          expect(lines.warn, via).toHaveLength(1);
          expect(lines.warn[0]!.length, via).toBeLessThanOrEqual(MAX_LINE);
          expect(lines.warn[0], via).not.toMatch(/\p{Cc}/u);
          expect(lines.warn[0], via).not.toContain("0123456789");
        }
      });
    }
  }
});

describe("Retry-After and retry-after-ms of 16 KiB", () => {
  const values = ["Wed, ".repeat(SIZE / 5), "1".repeat(SIZE), `${"9".repeat(SIZE - 4)}e999`, fill("-", "1 ")];
  for (const header of ["retry-after", "retry-after-ms"]) {
    it.each(values.map((v) => [v.slice(0, 12), v]))(
      `${header}: %s… settles with little CPU`,
      async (_, value) => {
        const handler: Handler = (_req, res) =>
          json(res, 429, errorBody(429, "RateLimited", "Slow down"), { [header]: value });
        const server = await serve(handler);
        const { createComposioClient, ComposioError } = await load();
        const client = createComposioClient({
          apiKey: "ak_test_0123456789",
          baseUrl: server.url,
          maxRetries: 1,
          logger: null,
        });
        await fetch(server.url).then((r) => r.arrayBuffer());
        let error: unknown;
        const ms = await cpuOf(() =>
          client.connectedAccounts.list().then(
            () => {},
            (e: unknown) => void (error = e),
          ),
        );
        expect(ms).toBeLessThan(CPU_MS);
        expect(error).toBeInstanceOf(ComposioError);
      },
    );
  }
});

describe("control characters and length: one rule for every line", () => {
  it("C0, C1, line separators and bidi controls are shown escaped, and a long line is cut", async () => {
    const { createLog, MAX_LINE } = await load();
    const { lines, logger } = collecting();
    const log = createLog(logger, "debug", "test");
    const hostile =
      "a\u001b[31mb\u0007c\u0085d\u009b2Je\u2028f\u2029g\u202eh\u2066i\u2069j\u200fk\u061cl\u007fm\tn\ro\n";
    log.debug!(hostile);
    log.warn!("x".repeat(50_000));
    log.warn!("😀".repeat(MAX_LINE));
    log.warn!(`y${"😀".repeat(MAX_LINE)}`);
    expect(lines.debug).toEqual([
      "composio-connected-accounts: a\\u001b[31mb\\u0007c\\u0085d\\u009b2Je\\u2028f\\u2029g\\u202eh\\u2066i\\u2069j\\u200fk\\u061cl\\u007fm\\u0009n\\u000do\\u000a",
    ]);
    expect(lines.warn[0]).toHaveLength(MAX_LINE);
    expect(lines.warn[0]!.endsWith("x…")).toBe(true);
    // A cut never leaves half of a surrogate pair.
    for (const line of lines.warn.slice(1)) {
      expect(line.length).toBeLessThanOrEqual(MAX_LINE);
      expect(line).toMatch(/😀…$/);
    }
  });

  it("C1 controls of Sunset reach neither the main client's line nor /raw's", async () => {
    const sunset = "Wed, 01 Jul 2026 00:00:00 GMT\u009b2J\u009b31m\u0085";
    for (const { via, lines } of await bothClients({
      sunset,
      link: '<https://docs.example/\u0085x>; rel="sunset"',
    })) {
      expect(lines.warn, via).toHaveLength(1);
      expect(lines.warn[0], via).not.toMatch(/[\u0080-\u009f]/);
      expect(lines.warn[0], via).toContain("GMT\\u009b2J\\u009b31m\\u0085");
      expect(lines.warn[0], via).toContain("See https://docs.example/\\u0085x");
    }
  });
});

describe("/raw warns once per operation", () => {
  const deprecated: Handler = (req, res) =>
    json(res, 200, { id: req.url.split("/").pop(), status: "ACTIVE" }, { deprecation: "@1767225600" });

  it("for ids written into the path", async () => {
    const server = await serve(deprecated);
    const { createRawClient } = await load();
    const { lines, logger } = collecting();
    const raw = createRawClient({ apiKey: "ak_test", baseUrl: server.url, logger });
    const get = raw.GET as unknown as (url: string) => Promise<unknown>;
    for (const id of ["ca_1", "ca_2", "ca_3"]) await get(`/api/v3.1/connected_accounts/${id}`);
    expect(lines.warn).toEqual([
      "composio-connected-accounts: retrieveConnectedAccount (GET /api/v3.1/connected_accounts/ca_1) is deprecated by the server (Deprecation: @1767225600).",
    ]);
  });

  it("when a middleware hands on a new Request", async () => {
    const server = await serve(deprecated);
    const { createRawClient } = await load();
    const { lines, logger } = collecting();
    const raw = createRawClient({ apiKey: "ak_test", baseUrl: server.url, logger });
    raw.use({
      onRequest: ({ request }) => {
        const headers = new Headers(request.headers);
        headers.set("x-trace", "1");
        return new Request(request, { headers });
      },
    });
    for (const nanoid of ["ca_1", "ca_2"])
      await raw.GET("/api/v3.1/connected_accounts/{nanoid}", { params: { path: { nanoid } } });
    expect(lines.warn).toHaveLength(1);
    expect(lines.warn[0]).toContain("retrieveConnectedAccount (GET /api/v3.1/connected_accounts/ca_1)");
  });

  it("and remembers a bounded number of paths no route matches", async () => {
    const server = await serve(deprecated);
    const { createRawClient, MAX_PATHS_WARNED } = await load();
    const { lines, logger } = collecting();
    const get = createRawClient({ apiKey: "ak_test", baseUrl: server.url, logger }).GET as unknown as (
      url: string,
    ) => Promise<unknown>;
    for (let i = 0; i < 100; i++) await get(`/api/v3.1/unknown_${i}`);
    expect(MAX_PATHS_WARNED).toBeLessThan(100);
    expect(lines.warn).toHaveLength(MAX_PATHS_WARNED);
    expect(lines.warn[0]).toContain("GET /api/v3.1/unknown_0 is deprecated");
  });
});

// Logging: Deprecation/Sunset warnings once per process, debug lines, and silence when asked.
// The tests run in order: "once per process" is state this file shares.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createComposioClient, type ClientOptions } from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { createdBody, json, startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer((_req, res) =>
    json(res, 201, createdBody(), {
      deprecation: "@1767225600",
      sunset: "Wed, 01 Jul 2026 00:00:00 GMT",
      link: '<https://docs.composio.dev/migrate?ticket=tk_PLANTED_link_1>; rel="deprecation"',
    }),
  );
});
afterAll(() => server.close());

const body = { auth_config: { id: "ac" }, connection: {} };
function collecting() {
  const lines: Record<string, string[]> = { debug: [], info: [], warn: [], error: [] };
  const logger = {
    debug: (m: string) => lines.debug!.push(m),
    info: (m: string) => lines.info!.push(m),
    warn: (m: string) => lines.warn!.push(m),
    error: (m: string) => lines.error!.push(m),
  };
  return { lines, logger };
}
const client = (options: Partial<ClientOptions>) =>
  createComposioClient({ apiKey: "ak_test", baseUrl: server.url, ...options } as ClientOptions);

describe.sequential("deprecation warnings", () => {
  it("say nothing with logger: null or logLevel off (and do not use up the one warning)", async () => {
    const { lines, logger } = collecting();
    await client({ logger: null }).connectedAccounts.create(body);
    await client({ logger, logLevel: "off" }).connectedAccounts.create(body);
    await client({ logger, logLevel: "error" }).connectedAccounts.create(body);
    expect(Object.values(lines).flat()).toEqual([]);
  });

  it("warn once per process, with both headers and the link", async () => {
    const first = collecting();
    await client({ logger: first.logger }).connectedAccounts.create(body);
    await client({ logger: first.logger }).connectedAccounts.create(body);
    expect(first.lines.warn).toEqual([
      "composio-connected-accounts: createConnectedAccount (POST /api/v3.1/connected_accounts) is deprecated by the server " +
        "(Deprecation: @1767225600, Sunset: Wed, 01 Jul 2026 00:00:00 GMT). See https://docs.composio.dev/migrate",
    ]);
    const second = collecting();
    await client({ logger: second.logger }).connectedAccounts.create(body);
    expect(second.lines.warn).toEqual([]);
  });
});

describe("debug lines", () => {
  it("give method, path, status, attempt and duration, for create and for raw", async () => {
    const { lines, logger } = collecting();
    const c = client({ logger, logLevel: "debug" });
    await c.connectedAccounts.create(body);
    await createRawClient({ apiKey: "ak_test", baseUrl: server.url, logger, logLevel: "debug" }).POST(
      "/api/v3.1/connected_accounts",
      { body },
    );
    expect(lines.debug).toHaveLength(2);
    for (const line of lines.debug!) {
      expect(line).toMatch(
        /^composio-connected-accounts: POST \/api\/v3\.1\/connected_accounts → 201 \(attempt 1, \d+ ms\)$/,
      );
    }
  });

  it("are off at the default level", async () => {
    const { lines, logger } = collecting();
    await client({ logger }).connectedAccounts.create(body);
    expect(lines.debug).toEqual([]);
  });
});

describe("a deprecated route read for many accounts", () => {
  it("warns once per operation, not once per id", async () => {
    const deprecated = await startServer((req, res) =>
      json(res, 200, { id: req.url.split("/").pop(), status: "ACTIVE" }, { deprecation: "@1767225600" }),
    );
    try {
      const { lines, logger } = collecting();
      const accounts = createComposioClient({
        apiKey: "ak_test",
        baseUrl: deprecated.url,
        logger,
      }).connectedAccounts;
      for (const id of ["ca_1", "ca_2", "ca_3"]) await accounts.retrieve(id);
      expect(lines.warn).toEqual([
        "composio-connected-accounts: retrieveConnectedAccount (GET /api/v3.1/connected_accounts/ca_1) is deprecated by the server (Deprecation: @1767225600).",
      ]);
    } finally {
      await deprecated.close();
    }
  });
});

describe("loggers that do not fit", () => {
  it("a logger without a method its level uses is refused when the client is made, naming it", () => {
    expect(() => client({ logger: { warn() {} } as never, logLevel: "debug" })).toThrow(
      'createComposioClient: `logger` has no debug() method, which logLevel "debug" uses.',
    );
    expect(() => client({ logger: { debug() {} } as never })).toThrow(
      'createComposioClient: `logger` has no warn() method, which logLevel "warn" uses.',
    );
    expect(() => client({ logger: { warn() {} } as never, logLevel: "warn" })).not.toThrow();
  });

  it("a logger that throws never fails a call the server answered", async () => {
    const throwing = {
      debug: () => {
        throw new Error("logger down");
      },
      info() {},
      warn: () => {
        throw new Error("logger down");
      },
      error() {},
    };
    const account = await client({ logger: throwing, logLevel: "debug" }).connectedAccounts.create(body);
    expect(account.id).toBe("ca_test123");
  });
});

// "No timer keeps the process alive after a call": a child process makes calls with the default
// 60 s timeout (a retried success, an API error, an abort during a backoff wait) and must exit on
// its own right after the last one settles.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, expect, it, describe } from "vitest";
import { createdBody, errorBody, json, startServer, type TestServer } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ source }) => {
  let server: TestServer;
  beforeAll(async () => {
    let calls = 0;
    server = await startServer((req, res) => {
      calls++;
      if (req.headers["x-case"] === "error") return json(res, 500, errorBody(500, "Boom", "boom"));
      if (req.headers["x-case"] === "abort")
        return json(res, 429, errorBody(429, "RateLimited", "slow down"), { "retry-after": "30" });
      // A 429 is the refusal a create is retried after (a 503 may come after the API acted).
      json(
        res,
        calls % 2 === 1 ? 429 : 201,
        calls % 2 === 1 ? errorBody(429, "RateLimited", "slow down") : createdBody(),
        {
          "retry-after-ms": "10",
        },
      );
    });
  });
  afterAll(() => server.close());

  const script = (url: string) => `
  import { createComposioClient } from "${source}";
  const client = createComposioClient({ apiKey: "ak_test", baseUrl: ${JSON.stringify(url)}, logger: null });
  const body = { auth_config: { id: "ac" }, connection: {} };
  await client.connectedAccounts.create(body);
  await client.connectedAccounts.create(body, { headers: { "x-case": "error" } }).catch(() => {});
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  await client.connectedAccounts.create(body, { headers: { "x-case": "abort" }, signal: controller.signal }).catch(() => {});
  console.log("settled " + Date.now());
`;

  it("exits within a second of its last call settling", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script(server.url)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const exitedAt = await new Promise<number>((resolve) => child.on("exit", () => resolve(Date.now())));
    const settledAt = Number(/settled (\d+)/.exec(out)?.[1]);
    expect(settledAt, out).toBeGreaterThan(0);
    expect(exitedAt - settledAt).toBeLessThan(1000);
    expect(server.requests.length).toBe(4);
  });
});

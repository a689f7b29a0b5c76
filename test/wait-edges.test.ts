// waitForConnection at its edges: the client's per-attempt timeout, no deadline, a deadline that
// comes before the next interval, and options that are no numbers. Each was a bug once.
import { expect, it, describe } from "vitest";
import { ComposioAbortError, ComposioError, ComposioTimeoutError } from "../src/index.js";
import { json, serverPerTest } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  const serve = serverPerTest();
  const ID = "ca_4f9d2b7c1e0a";
  const account = (status: string) => ({ id: ID, status, status_reason: null });

  it("a hung poll is cut at the client's timeoutMs, and the account is seen by the next attempt", async () => {
    const server = await serve((_req, res, n) => (n === 1 ? undefined : json(res, 200, account("ACTIVE"))));
    const client = createComposioClient({
      apiKey: "ak_x",
      baseUrl: server.url,
      timeoutMs: 200,
      logger: null,
    });
    const result = await client.connectedAccounts
      .waitForConnection(ID, { timeoutMs: 3_000 })
      .catch((e: unknown) => e);
    expect(result).toMatchObject({ status: "ACTIVE" });
  });

  it("timeoutMs: Infinity (no deadline) still gives each poll time to answer", async () => {
    const server = await serve((_req, res, n) =>
      setTimeout(() => json(res, 200, account(n >= 2 ? "ACTIVE" : "INITIATED")), 20),
    );
    const client = createComposioClient({ apiKey: "ak_x", baseUrl: server.url, logger: null });
    const result = await client.connectedAccounts
      .waitForConnection(ID, {
        timeoutMs: Infinity,
        initialIntervalMs: 50,
        signal: AbortSignal.timeout(2_000),
      })
      .catch((e: unknown) => e);
    expect(result).toMatchObject({ status: "ACTIVE" });
    expect(server.requests.length).toBe(2);
  });

  it("the wait does not give up before its deadline (completed at 1.1 s, deadline 1.5 s)", async () => {
    const started = Date.now();
    const server = await serve((_req, res) =>
      json(res, 200, account(Date.now() - started >= 1_100 ? "ACTIVE" : "INITIATED")),
    );
    const client = createComposioClient({ apiKey: "ak_x", baseUrl: server.url, logger: null });
    const result = await client.connectedAccounts
      .waitForConnection(ID, { timeoutMs: 1_500 })
      .catch((e: unknown) => e);
    const ms = Date.now() - started;
    expect(result, `after ${ms} ms`).not.toBeInstanceOf(ComposioTimeoutError);
  });

  it("a NaN timeoutMs (e.g. Number(process.env.UNSET)) is refused at once", async () => {
    const server = await serve((_req, res) => json(res, 200, account("INITIATED")));
    const client = createComposioClient({ apiKey: "ak_x", baseUrl: server.url, logger: null });
    const result = await client.connectedAccounts
      .waitForConnection(ID, {
        timeoutMs: Number(process.env.COMPOSIO_UNSET_WAIT_MS),
        signal: AbortSignal.timeout(1_000),
      })
      .catch((e: unknown) => e);
    expect(result).toBeInstanceOf(ComposioError);
    expect(result).not.toBeInstanceOf(ComposioAbortError);
    expect(server.requests).toHaveLength(0);
  });
});

// The whole "connect your GitHub" flow in a real browser (the run's Chromium, helpers/services.ts),
// against the fake of /testing listening on 127.0.0.1: the app's route links and redirects, the
// browser lands on the fake's hosted page, which sends it back to the app's callback route, where
// confirmConnection asks the API. Nothing leaves 127.0.0.1.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, expect, it } from "vitest";
import { confirmConnection, createComposioClient } from "../src/index.js";
import { createFakeComposio, type FakeServer } from "../src/testing.js";
import { HANG_MS } from "./helpers/child.js";
import { sharedBrowser } from "./helpers/services.js";
import { recordingFetch } from "./helpers/recording-fetch.js";
import { specAnswers, upstreamAnswers } from "./helpers/spec-schemas.js";

let browser: Browser | undefined;
let app: Server | undefined;
let fakeServer: FakeServer | undefined;

afterAll(async () => {
  await browser?.close();
  await fakeServer?.close();
  app?.closeAllConnections();
  app?.close();
});

it(
  "link → the fake's hosted page → the app's callback route, which confirms with the API",
  async () => {
    const fake = createFakeComposio({
      authConfigs: [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2", managed: true }],
    });
    fakeServer = await fake.listen();
    const { fetch: recording, answers } = recordingFetch(fetch);
    const composio = createComposioClient({
      apiKey: fake.apiKey,
      baseUrl: fakeServer.baseUrl,
      fetch: recording,
    });

    // The app: /connect starts the link for the signed-in user, /connected is the callback route.
    let appUrl = "";
    app = createServer((req, res) => {
      const route = async () => {
        if (req.url === "/connect") {
          const link = await composio.connectedAccounts.link({
            auth_config_id: "ac_github",
            user_id: "user_42",
            callback_url: `${appUrl}/connected`,
          });
          return res.writeHead(302, { location: link.redirect_url }).end();
        }
        const account = await confirmConnection(composio, req.url ?? "", { userId: "user_42" });
        res.writeHead(200, { "content-type": "text/html" }).end(`<h1>${account.toolkit.slug} connected</h1>`);
      };
      route().catch((error: Error) => res.writeHead(400).end(`<h1>${error.name}</h1>`));
    });
    await new Promise<void>((resolve) => app!.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

    browser = await sharedBrowser();
    const page = await browser.newPage();
    // Every page the browser went through, redirects included; nothing may leave 127.0.0.1.
    const visited: string[] = [];
    page.on("request", (request) => {
      if (request.isNavigationRequest()) visited.push(request.url());
    });
    await page.route("**/*", (route) =>
      route.request().url().startsWith("http://127.0.0.1:") ? route.continue() : route.abort(),
    );
    await page.goto(`${appUrl}/connect`);

    expect(await page.locator("h1").textContent()).toBe("github connected");
    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(`${appUrl}/connected`);
    expect(landed.searchParams.get("status")).toBe("success");
    expect(visited.map((url) => new URL(url).origin)).toEqual([appUrl, fakeServer.baseUrl, appUrl]);
    const [account] = (await composio.connectedAccounts.list({ user_ids: ["user_42"] })).items;
    expect(account).toMatchObject({ id: landed.searchParams.get("connectedAccountId"), status: "ACTIVE" });

    const [ours, upstream] = [specAnswers(), upstreamAnswers()];
    expect(answers.map((a) => a.route.split(" ")[0])).toEqual(["POST", "GET", "GET"]);
    for (const { route, status, body } of answers)
      expect([...ours(route, status, body), ...upstream(route, status, body)]).toEqual([]);
  },
  HANG_MS,
);

it(
  "a page of another origin calls listen()'s API with the client: preflights pass (its extra headers too), Retry-After is readable",
  async () => {
    const fake = createFakeComposio({
      authConfigs: [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2", managed: true }],
    });
    const server = await fake.listen();
    // The page of a dev server: the client, bundled for the browser, on an origin of its own.
    const { outputFiles } = await build({
      entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
      bundle: true,
      write: false,
      platform: "browser",
      format: "iife",
      globalName: "composioClient",
    });
    const page = createServer((_, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title>"),
    );
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    try {
      browser ??= await sharedBrowser();
      const tab = await browser.newPage();
      // No page.route here: while Playwright intercepts requests it answers the browser's CORS
      // preflights itself, allowing whatever is asked, and the fake's own answer would go untested.
      // The page asks for nothing beyond 127.0.0.1; every request it makes is checked at the end.
      const sent: string[] = [];
      tab.on("request", (request) => sent.push(request.url()));
      await tab.goto(pageUrl);
      await tab.addScriptTag({ content: outputFiles[0]!.text });
      fake.failNext("listConnectedAccounts", { status: 429, retryAfter: 0 });
      fake.failNext("retrieveConnectedAccount", { status: 429, retryAfter: 7 });
      const seen = await tab.evaluate(
        async ({ apiKey, baseUrl }) => {
          const { createComposioClient } = (window as any).composioClient;
          // The README's Options sample adds a header of the app's own: the preflight must allow it.
          const composio = createComposioClient({
            apiKey,
            baseUrl,
            logger: null,
            headers: { "x-team": "growth" },
          });
          // A JSON POST with the key header: the browser preflights it.
          const link = await composio.connectedAccounts.link({ auth_config_id: "ac_github", user_id: "u1" });
          // Answered 429 once (failNext), then retried.
          const list = await composio.connectedAccounts.list({ user_ids: ["u1"] });
          await composio.connectedAccounts.delete(link.connected_account_id);
          // The headers the client reads must be exposed to the page, or it cannot honour them.
          // A tracer's header on the page's own fetch, preflighted as well.
          const limited = await fetch(`${baseUrl}/api/v3.1/connected_accounts/${link.connected_account_id}`, {
            headers: {
              "x-api-key": apiKey,
              traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            },
          });
          return {
            origin: location.origin,
            linked: link.connected_account_id,
            listed: list.items.map((a: { id: string }) => a.id),
            status: limited.status,
            retryAfter: limited.headers.get("retry-after"),
            requestId: limited.headers.get("x-request-id"),
          };
        },
        { apiKey: fake.apiKey, baseUrl: server.baseUrl },
      );
      expect(sent.filter((url) => !url.startsWith("http://127.0.0.1:"))).toEqual([]);
      expect(seen.origin).toBe(pageUrl);
      expect(seen.listed).toEqual([seen.linked]);
      expect(seen).toMatchObject({ status: 429, retryAfter: "7", requestId: expect.stringMatching(/^req_/) });
      expect(fake.requests.slice(0, 4).map((r) => r.headers["x-team"])).toEqual(Array(4).fill("growth"));
      expect(fake.requests[4]!.headers.traceparent).toMatch(/^00-/);
      expect(fake.requests.map((r) => r.operation)).toEqual([
        "createConnectedAccountLink",
        "listConnectedAccounts",
        "listConnectedAccounts",
        "deleteConnectedAccount",
        "retrieveConnectedAccount",
      ]);
    } finally {
      page.closeAllConnections();
      page.close();
      await server.close();
    }
  },
  HANG_MS,
);

// Trial 22, finding 4 (a): the README's setup for a browser test — the client on fake.fetch and
// fake.clock, the hosted page on listen(), a wait in the background — with a real browser, which
// takes real time the clock cannot see: the test pauses the clock meanwhile.
it(
  "a wait on fake.clock while a real browser opens the hosted page: paused, the link does not expire meanwhile",
  async () => {
    const fake = createFakeComposio({
      authConfigs: [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2", managed: true }],
    });
    const server = await fake.listen();
    const callback = createServer((_, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<h1>back in the app</h1>"),
    );
    await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}`;
    try {
      const composio = createComposioClient({
        apiKey: fake.apiKey,
        fetch: fake.fetch,
        clock: fake.clock,
        baseUrl: server.baseUrl,
      });
      const link = await composio.connectedAccounts.link({
        auth_config_id: "ac_github",
        user_id: "user_42",
        callback_url: `${appUrl}/connected`,
      });
      const before = fake.clock.now();
      const resume = fake.clock.pause();
      const wait = composio.connectedAccounts.waitForConnection(link.connected_account_id);
      browser ??= await sharedBrowser();
      const tab = await browser.newPage();
      await tab.route("**/*", (route) =>
        route.request().url().startsWith("http://127.0.0.1:") ? route.continue() : route.abort(),
      );
      await tab.goto(link.redirect_url);
      expect(await tab.locator("h1").textContent()).toBe("back in the app");
      expect(new URL(tab.url()).searchParams.get("status")).toBe("success");
      resume();
      expect((await wait).status).toBe("ACTIVE");
      expect(fake.clock.now() - before).toBeLessThan(10_000);
    } finally {
      callback.closeAllConnections();
      callback.close();
      await server.close();
    }
  },
  HANG_MS,
);

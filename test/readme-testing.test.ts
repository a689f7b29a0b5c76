// README.md's sample in "Testing your integration", run: the code between the markers is the
// sample word for word but for the package's names (the test at the end of this file checks it).
import { readFileSync } from "node:fs";
import { codeBlocks } from "../scripts/package/markdown.js";
// sample
import { describe, expect, it } from "vitest";
import { ApiKeyState, InternalServerError, confirmConnection, createComposioClient } from "../src/index.js";
import { createFakeComposio } from "../src/testing.js";

describe("connecting an account", () => {
  const fake = createFakeComposio({
    authConfigs: [
      { id: "ac_github", toolkit: "github", authScheme: "OAUTH2", managed: true },
      { id: "ac_serpapi", toolkit: "serpapi", authScheme: "API_KEY" },
    ],
  });
  // The client your app makes, on the fake: no port, no network, and no real time spent waiting.
  const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, clock: fake.clock });

  it("links; the user finishes on the hosted page; the callback route confirms", async () => {
    const link = await composio.connectedAccounts.link({
      auth_config_id: "ac_github",
      user_id: "user_42",
      callback_url: "https://app.example.com/connected",
    });
    // The user's browser on the hosted page: it completes the connection and is sent back.
    const page = await fake.fetch(link.redirect_url, { redirect: "manual" });
    const callback = page.headers.get("location")!; // …/connected?status=success&connectedAccountId=ca_…
    const account = await confirmConnection(composio, callback, { userId: "user_42" });
    expect(account.status).toBe("ACTIVE");
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccountLink")).toHaveLength(1);
  });

  it("a connection never finished fails after ten minutes, on the fake's clock", async () => {
    const link = await composio.connectedAccounts.link({ auth_config_id: "ac_github", user_id: "user_42" });
    // Ten minutes of polls, in milliseconds of real time: the wait sleeps on fake.clock.
    await expect(
      composio.connectedAccounts.waitForConnection(link.connected_account_id),
    ).rejects.toMatchObject({
      status: "FAILED",
      statusReason: "Connection initiation did not complete within 10 minutes",
    });
  });

  it("a read answered 503 is retried after its backoff, which takes no real time", async () => {
    fake.failNext("listConnectedAccounts", { status: 503 });
    const { items } = await composio.connectedAccounts.list({ user_ids: ["user_42"] });
    expect(items).toHaveLength(2);
    expect(fake.requests.filter((r) => r.operation === "listConnectedAccounts")).toHaveLength(2);
  });

  it("a create answered 500 is not sent again: it may have made the account", async () => {
    fake.failNext("createConnectedAccount", { status: 500 });
    const create = composio.connectedAccounts.create({
      auth_config: { id: "ac_serpapi" },
      connection: { user_id: "user_42", state: ApiKeyState.active({ api_key: "serp_test_key" }) },
    });
    await expect(create).rejects.toBeInstanceOf(InternalServerError);
    expect(fake.requests.filter((r) => r.operation === "createConnectedAccount")).toHaveLength(1);
  });

  it("a browser takes real time on the hosted page: the clock is paused meanwhile", async () => {
    const server = await fake.listen(); // redirect_url is now a page a browser opens
    try {
      const link = await composio.connectedAccounts.link({
        auth_config_id: "ac_github",
        user_id: "user_42",
        callback_url: "https://app.example.com/connected",
      });
      const resume = fake.clock.pause(); // else the wait's polls would run ten fake minutes meanwhile
      const wait = composio.connectedAccounts.waitForConnection(link.connected_account_id);
      const page = await fetch(link.redirect_url, { redirect: "manual" }); // Playwright's page.goto, say
      expect(page.status).toBe(302);
      resume();
      expect((await wait).status).toBe("ACTIVE");
    } finally {
      await server.close();
    }
  });
});
// end of sample

/** Code as prettier may lay it out either way: no whitespace, no trailing commas. */
const layoutFree = (code: string) => code.replace(/\s+/g, "").replace(/,([}\])])/g, "$1");

describe("README.md, Testing your integration", () => {
  it("shows this file's sample, word for word but for the package's names", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Testing your integration"));
    const shown = codeBlocks(section).find((block) => block.lang === "ts")?.code ?? "";
    const source = readFileSync(new URL(import.meta.url), "utf8");
    const sample = source
      .slice(source.indexOf("// sample\n") + "// sample\n".length, source.indexOf("// end of sample"))
      .replace('"../src/index.js"', '"composio-connected-accounts"')
      .replace('"../src/testing.js"', '"composio-connected-accounts/testing"');
    expect(shown).toContain('from "composio-connected-accounts/testing"');
    expect(layoutFree(shown)).toBe(layoutFree(sample));
  });
});

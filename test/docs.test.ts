// The docs page, built from the spec and opened in the run's headless Chromium (helpers/services.ts;
// driven by playwright-core): the operation, the request fields, all 15 auth schemes and every error
// response are on it, and it loads nothing from the network but Redocly's sidebar logo.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildDocs } from "../scripts/docs/site.js";
import { readOperations } from "../scripts/lib/model.js";
import { loadSpec } from "../scripts/lib/spec.js";
import { HANG_MS } from "./helpers/child.js";
import { sharedBrowser } from "./helpers/services.js";

const AUTH_SCHEMES = [
  "OAUTH1",
  "OAUTH2",
  "API_KEY",
  "BASIC",
  "BILLCOM_AUTH",
  "BEARER_TOKEN",
  "GOOGLE_SERVICE_ACCOUNT",
  "NO_AUTH",
  "BASIC_WITH_JWT",
  "CALCOM_AUTH",
  "SERVICE_ACCOUNT",
  "SAML",
  "DCR_OAUTH",
  "CIMD_OAUTH",
  "S2S_OAUTH2",
];

// Redoc writes nested property paths with a zero-width space after each dot.
const FIELDS = [
  "auth_config",
  "auth_config.\u200bid",
  "connection.\u200bstate",
  "connection.\u200buser_id",
  "connection.\u200bcallback_url",
  "connection.\u200balias",
  "connection.\u200bexperimental",
  "connection.\u200bdata",
  "connection.\u200bredirect_uri",
  "connection.\u200bdeprecated_is_v1_rerouted",
  "validate_credentials",
];

// Every operation of the spec, read from it: a new one must show up on the page too.
const OPERATIONS = readOperations(loadSpec("spec/openapi.yaml"));

const work = mkdtempSync(join(tmpdir(), "composio-docs-"));
let server: Server;
let browser: Browser;
let page: Page;
let text = "";
const offsite: string[] = [];

beforeAll(async () => {
  await buildDocs("spec/openapi.yaml", join(work, "index.html"));
  const html = readFileSync(join(work, "index.html"));
  server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  browser = await sharedBrowser();
  console.info(`docs test: Chromium ${browser.version()} from ${inject("browserSource")}`);
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("http://127.0.0.1:")) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  // Redoc 3 folds each tag's operations behind "Show".
  await page.getByText("+ Show").first().click();
  // Redoc renders after the click, in more than one pass: read the page once everything the tests
  // look for is there (or at HANG_MS, and let the assertions below say what is missing).
  const expected = [
    "Create a new connected account",
    ...FIELDS,
    ...AUTH_SCHEMES.map((scheme) => `${scheme} (object)`),
  ];
  const mainText = () => document.querySelector("main")?.innerText ?? "";
  text = await page
    .waitForFunction(
      (wanted) => {
        const shown = document.querySelector("main")?.innerText ?? "";
        return wanted.every((w) => shown.includes(w)) && shown;
      },
      expected,
      { timeout: HANG_MS },
    )
    .then((handle) => handle.jsonValue() as Promise<string>)
    .catch(() => page.evaluate(mainText));
}, HANG_MS);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("the docs page", () => {
  it("shows the operation, its route and its security", () => {
    expect(text).toContain("Create a new connected account");
    expect(text).toContain("/api/v3.1/connected_accounts");
    // create takes the project key only (v3.1): the page says so.
    expect(text).toContain("ApiKeyAuth");
    expect(text).not.toContain("ApiKeyAuth or UserApiKeyAuth");
    expect(text).toContain("not idempotent");
  });

  it("shows the request fields", () => {
    const missing = FIELDS.filter((field) => !text.includes(field));
    expect(missing).toEqual([]);
  });

  it("lists all 15 auth schemes", () => {
    const missing = AUTH_SCHEMES.filter((scheme) => !text.includes(`${scheme} (object)`));
    expect(missing).toEqual([]);
  });

  it("lists every response, the error ones with their descriptions", async () => {
    for (const code of ["201", "400", "401", "404", "422", "500", "501"])
      expect(text, code).toMatch(new RegExp(`^${code}$`, "m"));
    const descriptions: Record<string, string> = {
      "400": "Bad request",
      "401": "Unauthorized",
      "404": "Not found",
      "422": "The auth scheme could not be resolved",
      "500": "Internal server error",
      "501": "Not implemented",
    };
    for (const [code, description] of Object.entries(descriptions)) {
      await page.getByRole("tab", { name: code, exact: true }).first().click();
      // The tab's panel renders after the click: wait for it (or time out) rather than read at once.
      const shown = await page
        .waitForFunction(
          (expected) => {
            const text = document.querySelector("main")?.innerText ?? "";
            const responses = text.slice(text.indexOf("Responses"));
            return (
              responses.includes(expected) && responses.includes("error.\u200bsuggested_fix") && responses
            );
          },
          description,
          { timeout: HANG_MS },
        )
        .then((handle) => handle.jsonValue())
        .catch(() => "");
      expect(shown, `${code}: ${description}`).toContain(description);
    }
  });

  it("lists every operation of the spec in its navigation, and shows each one's page", async () => {
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(9);
    const nav = await page.evaluate(() => document.body.innerText);
    expect(OPERATIONS.filter((op) => !nav.includes(op.summary!)).map((op) => op.operationId)).toEqual([]);
    for (const op of OPERATIONS) {
      // Redoc 3 gives each operation a page of its own: open it from the navigation.
      await page.getByRole("link", { name: op.summary!, exact: false }).first().click();
      const shown = await page
        .waitForFunction(
          ([summary, path]) => {
            const main = document.querySelector("main")?.innerText ?? "";
            return main.includes(summary) && main.includes(path) && main.includes("Responses") && main;
          },
          [op.summary!, op.path] as const,
          { timeout: HANG_MS },
        )
        .then((handle) => handle.jsonValue())
        .catch(() => "");
      expect(shown, `${op.operationId}: ${op.summary} at ${op.path}`).toContain(op.summary!);
    }
  });

  it("loads nothing from the network but Redocly's sidebar logo, and is saved as a screenshot", async () => {
    expect(offsite.filter((url) => !url.endsWith("/logo-mini-full.svg"))).toEqual([]);
    mkdirSync("test-results", { recursive: true });
    await page
      .getByRole("heading", { name: "Create a new connected account" })
      .evaluate((heading) => heading.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: "test-results/docs.png" });
    expect(readFileSync("test-results/docs.png").byteLength).toBeGreaterThan(10_000);
  });
});

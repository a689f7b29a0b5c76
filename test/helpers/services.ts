// vitest's global setup for the `services` project (vitest.config.ts): one Prism mock of our spec
// and one Chromium per run, shared by the suites that need them (test/prism*.test.ts,
// test/docs.test.ts, test/testing-browser.test.ts) instead of one each. The suites reach them with
// `inject` (sharedPrism, sharedBrowser below); both stop when the run ends.
import { chromium, type Browser } from "playwright-core";
import { inject } from "vitest";
import type { TestProject } from "vitest/node";
import { findChromium } from "./chromium.js";
import { startPrism } from "./prism.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Prism mocking spec/openapi.yaml on 127.0.0.1. */
    prismUrl: string;
    /** Where Playwright connects to the run's Chromium. */
    browserEndpoint: string;
    /** Which Chromium, for the log: its version, where it came from and its path. */
    browserSource: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // One browser serves every suite's connection: @sparticuz/chromium's --single-process (and the
  // --no-zygote it needs), made for AWS Lambda, end the browser with the first connection's context.
  const launched = findChromium().then(async (found) => {
    const args = found.args.filter((arg) => arg !== "--single-process" && arg !== "--no-zygote");
    return {
      found,
      server: await chromium.launchServer({ executablePath: found.executablePath, args, headless: true }),
    };
  });
  const [started, browser] = await Promise.allSettled([startPrism("spec/openapi.yaml"), launched]);
  // One failed to start: stop the other, and say why.
  if (started.status === "rejected" || browser.status === "rejected") {
    if (started.status === "fulfilled") started.value.stop();
    if (browser.status === "fulfilled") await browser.value.server.close();
    throw started.status === "rejected" ? started.reason : (browser as PromiseRejectedResult).reason;
  }
  const prism = started.value;
  const { found, server } = browser.value;
  project.provide("prismUrl", prism.url);
  project.provide("browserEndpoint", server.wsEndpoint());
  project.provide("browserSource", `${found.source} (${found.executablePath})`);
  return async () => {
    prism.stop();
    await server.close();
  };
}

/** The run's Prism (its URL). */
export const sharedPrism = (): { url: string } => ({ url: inject("prismUrl") });

/** A connection to the run's Chromium: closing it closes this suite's pages, not the browser. */
export const sharedBrowser = (): Promise<Browser> => chromium.connect(inject("browserEndpoint"));

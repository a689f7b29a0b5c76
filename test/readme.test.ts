// Every ```ts sample of README.md type-checks, exactly as written, against the package's source:
// a sample can no longer drift from the API without this test failing.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { codeBlocks } from "../scripts/package/markdown.js";
import { checkSamples } from "./helpers/samples.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const samples = codeBlocks(readme).filter((block) => block.lang === "ts" || block.lang === "typescript");

describe("README samples", () => {
  it("are found: every ```ts block", () => {
    // The README has 13 today; fewer than 6 means the extraction broke, not that samples went away.
    expect(samples.length).toBeGreaterThanOrEqual(6);
    // Each sample's line is right: its opening fence is the line above its first line of code.
    for (const sample of samples)
      expect(readme.split("\n")[sample.line - 2]).toMatch(/^```(ts|typescript)\b/);
  });

  it("type-check as written, each as its own module, against src/", () => {
    const problems = checkSamples(samples);
    expect(problems, `\n${problems.join("\n")}\n`).toEqual([]);
  });

  it("a broken sample is reported with its README line and the diagnostic's line", () => {
    const good = `import { createComposioClient } from "composio-connected-accounts";
const composio = createComposioClient({ apiKey: process.env.COMPOSIO_API_KEY! });
console.log(Object.keys(composio.connectedAccounts));`;
    const bad = `import { ApiKeyState } from "composio-connected-accounts";
import { findIssues } from "composio-connected-accounts/validate";

const state = ApiKeyState.active({ api_key: serviceApiKey });
console.log(state, findIssues);`;
    const problems = checkSamples([
      { line: 10, code: good },
      { line: 40, code: bad },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /^README\.md:43:45, line 4 of the sample at README\.md:39: TS2304: Cannot find name 'serviceApiKey'\./,
      ),
    ]);
  });

  it("Develop shows the set-up commands CI runs, exactly as written, each in its own ```sh block", () => {
    // .ci/run runs "the README's set-up commands as written": the two must not drift apart.
    const start = readme.indexOf("\n## Develop\n");
    expect(start, "a '## Develop' section").toBeGreaterThan(-1);
    const develop = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const commands = codeBlocks(develop)
      .filter((block) => block.lang === "sh")
      .map((block) => block.code);
    expect(commands).toEqual(["npm ci && npm run generate", "npm test"]);
    // .ci/run may add `|| exit` (set -e lets a failure left of && go on); the command is as written.
    const ci = readFileSync(new URL("../.ci/run", import.meta.url), "utf8").split("\n");
    for (const command of commands)
      expect(ci.filter((l) => l.replace(/ \|\| exit$/, "") === command)).toHaveLength(1);
  });

  it("an import the package does not have is reported", () => {
    const problems = checkSamples([
      { line: 1, code: `import { redirect } from "composio-connected-accounts/raw";\nredirect("/");` },
    ]);
    expect(problems).toEqual([expect.stringContaining("TS2305")]);
    expect(problems[0]).toContain("has no exported member 'redirect'");
  });
});

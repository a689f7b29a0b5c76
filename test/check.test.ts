// `npm run check` for real, in child processes, on a whole tree: this repository's, and one copy
// whose spec follows Composio a step and breaks the public API under too small a changeset. The two
// run at once; each is a cold check at most (a fresh clone, CI), and the copy's always is, so the
// seeded changes share one copy and one run. The check of another spec or output folder:
// test/generator.test.ts.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SPEC_SUITES } from "../vitest.config.js";
import { HANG_MS, runRepoScript } from "./helpers/child.js";
import { MUTATIONS } from "./helpers/spec-mutations.js";

const scratch = mkdtempSync(join(tmpdir(), "composio-check-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Result = Awaited<ReturnType<typeof runRepoScript>>;

/**
 * A copy of the checkout (its own generated/, the API reports and release of this repository) with
 * two seeded changes of its spec, and one pending changeset, a patch: a status added to
 * ConnectionStatus (which the tests written from the spec pin, and tsc cannot see) and create's
 * `redirect_uri` removed (a breaking change of the spec and of the public API). Of the test files
 * it keeps the spec's (SPEC_SUITES): those the check runs. Its check remembers what it did in a
 * folder of its own, not in this repository's cache.
 */
async function seededCheck(): Promise<Result> {
  const copy = join(scratch, "checkout");
  const isTestFile = (path: string) => /^test\/[^/]+\.test(-d)?\.ts$/.test(path);
  const isChangeset = (path: string) =>
    /^\.changeset\/[^/]+\.md$/.test(path) && path !== ".changeset/README.md";
  cpSync(".", copy, {
    recursive: true,
    filter: (from) => {
      const path = relative(".", from).split(sep).join("/");
      if (/^(node_modules|\.git|dist|coverage|test-results|\.bench)(\/|$)/.test(path)) return false;
      if (isTestFile(path)) return SPEC_SUITES.includes(path);
      return !isChangeset(path);
    },
  });
  symlinkSync(resolve("node_modules"), join(copy, "node_modules"), "dir");
  writeFileSync(
    join(copy, ".changeset/seeded.md"),
    `---\n"composio-connected-accounts": patch\n---\n\nSeeded.\n`,
  );
  // A status the enum does not hold, whatever the last sync brought.
  const status = join(copy, "spec/components/schemas/ConnectionStatus.yaml");
  const text = readFileSync(status, "utf8");
  const added = ["SUSPENDED", "PAUSED", "ON_HOLD"].find((name) => !text.includes(`- ${name}\n`))!;
  writeFileSync(status, `${text}  - ${added}\n`);
  MUTATIONS.find((m) => m.name === "remove a response property")!.apply(join(copy, "spec"));
  const env = { COMPOSIO_CHECK_CACHE: join(scratch, "check-cache") };
  const generated = await runRepoScript("generate", [], { cwd: copy, env });
  return generated.code === 0 ? runRepoScript("check", [], { cwd: copy, env }) : generated;
}

describe("npm run check", { timeout: HANG_MS }, () => {
  let seeded: ReturnType<typeof seededCheck> | undefined;
  const seededRun = () => (seeded ??= seededCheck());

  // This one also reports the public API with no build and runs the code checks: none of it redone
  // when a check of this tree ran before (scripts/lib/step-cache.ts).
  it.concurrent("passes on the committed generated/ and api/", async () => {
    const result = await runRepoScript("check");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "generated/ is up to date (8 files), api/*.api.md is the public API, the code is formatted and lint-free, and the spec's version is package.json's.",
    );
    // A clean tree: the spec's rating and the API report's mirror of it agree.
    expect(result.stdout).not.toContain("the ratings disagree");
  });

  // tsc and the API report see a followed status, and so do tests written from the spec, which
  // `npm test` would fail minutes later. The check names them (loop 23: check was green while
  // `npm test` was red).
  it.concurrent(
    "runs the tests written from the spec and names the one a followed status turns red",
    async () => {
      const result = await seededRun();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^the spec's tests failed/m);
      // spec.test.ts pins the statuses it read by hand: the one that fails is named with its file.
      expect(result.stderr).toMatch(/FAIL .*test\/spec\.test\.ts > .*statuses/);
    },
  );

  it.concurrent(
    "fails a removed response property with a patch changeset, naming the change and its impact",
    async () => {
      const result = await seededRun();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/pending changesets ask for a patch bump, too small for:/);
      expect(result.stderr).toMatch(
        /major spec +schema CreatedConnectedAccount: redirect_uri — Property `redirect_uri`/,
      );
      expect(result.stderr).toContain("needs: a minor changeset (breaking, and 0.1.0 is 0.x");
      // The public API, reported with no build, lost the member: api/*.api.md is stale, as CI's
      // `npm run check:api` would say.
      expect(result.stderr).toMatch(
        /the public API no longer matches .*api\/composio-connected-accounts\.api\.md.*; run `npm run api:update`/,
      );
      expect(result.stderr).toMatch(
        /major api +composio-connected-accounts: components\.schemas\.CreatedConnectedAccount\.redirect_uri — Member removed/,
      );
    },
  );
});

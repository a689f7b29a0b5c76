// Every change of the spec is rated, and the gate asks for the bump it needs (issue 10). Seeded
// changes of a copy of spec/ are each generated and rated twice: by Redocly's diff (with our rules)
// and by API Extractor's report of the generated client (tsc declarations, one compiler state for
// every copy). The gate then passes or fails them with each changeset, at a 0.x and a 1.x version
// (`npm run check` fails one of them for real in test/check.test.ts). A reformatted spec generates
// the same bytes and rates as no change.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateApi, type ApiRating } from "../scripts/release/api-rating.js";
import { ENTRIES, reportTrees } from "../scripts/release/api-surface.js";
import { gate, neededBump, readChangesets } from "../scripts/release/gate.js";
import { maxRating, rank, type Rating } from "../scripts/release/impact.js";
import { runPipeline } from "../scripts/lib/pipeline.js";
import { bundleSpec, rateSpec, type SpecRating } from "../scripts/release/spec-rating.js";
import { writeFolderAtomically } from "../scripts/lib/write.js";
import { HANG_MS } from "./helpers/child.js";
import { MUTATIONS, reformat } from "./helpers/spec-mutations.js";

const run = promisify(execFile);
const ROOT = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), "composio-rating-test-"));
// The copies are ES modules that import openapi-fetch, like the package.
symlinkSync(join(ROOT, "node_modules"), join(scratch, "node_modules"), "dir");
writeFileSync(join(scratch, "package.json"), '{ "type": "module" }\n');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Tree {
  dir: string;
  spec: string;
}

/** A copy of spec/ (edited by `edit`) and src/; `generate` adds generated/ from that spec. */
function tree(name: string, edit?: (specDir: string) => void): Tree {
  const dir = join(scratch, name);
  cpSync("spec", join(dir, "spec"), { recursive: true });
  cpSync("src", join(dir, "src"), { recursive: true });
  edit?.(join(dir, "spec"));
  return { dir, spec: join(dir, "spec/openapi.yaml") };
}

/** Lint is in one Redocly process below (and in `npm run check`): these copies only need code. */
async function generate({ dir, spec }: Tree): Promise<void> {
  const { files } = await runPipeline({ specPath: spec, configPath: "redocly.yaml", lint: false });
  writeFolderAtomically(join(dir, "generated"), files);
}

const slug = (name: string) => name.replace(/\W+/g, "-");

interface Rated {
  spec: SpecRating;
  api: ApiRating;
}

const rated = new Map<string, Rated>();
let lintTotals: Promise<string[]>;
const redoclyCli = join(ROOT, "node_modules/@redocly/cli/bin/cli.js");
let reformattedRating: { spec: SpecRating; before: Map<string, string>; after: Map<string, string> };

beforeAll(async () => {
  const base = tree("released");
  const trees = MUTATIONS.map((mutation) => tree(slug(mutation.name), mutation.apply));
  // The reformatted spec: rated as a copy here, generated in place below (the header names it).
  const reformatted = join(scratch, "reformatted");
  cpSync("spec", reformatted, { recursive: true });
  cpSync("spec", `${reformatted}-rated`, { recursive: true });
  reformat(`${reformatted}-rated`);
  const seeded = [...trees.map((t) => t.spec), join(`${reformatted}-rated`, "openapi.yaml")];
  // Child processes, on the other core while this one generates: one Redocly lints every seeded
  // spec (redocly.yaml's rules, as `npm run generate` does), and one diff rates each.
  lintTotals = run(
    process.execPath,
    [redoclyCli, "lint", ...seeded, "--config", "redocly.yaml", "--format=json"],
    {
      env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", REDOCLY_TELEMETRY: "off" },
      maxBuffer: 1 << 26,
    },
  ).then(
    ({ stdout }) =>
      [...stdout.matchAll(/"totals": \{\s*"errors": (\d+),\s*"warnings": (\d+)/g)].map(
        (m) => `${m[1]}/${m[2]}`,
      ),
    (error: { stdout: string }) => [error.stdout],
  );
  const released = bundleSpec(base.spec);
  const specRatings = Promise.all(seeded.map((spec) => rateSpec(released, bundleSpec(spec), "redocly.yaml")));
  specRatings.catch(() => {});
  for (const t of [base, ...trees]) await generate(t);
  const specPath = join(reformatted, "openapi.yaml");
  const before = (await runPipeline({ specPath, configPath: "redocly.yaml", lint: false })).files;
  reformat(reformatted);
  const after = (await runPipeline({ specPath, configPath: "redocly.yaml", lint: false })).files;
  // The client's and the validator's entry points: /raw and /testing repeat the client's mirror of
  // the spec (paths, components, operations), which the rating counts once anyway.
  const entries = ENTRIES.filter((e) => !/(raw|testing)\.ts$/.test(e.source));
  const reports = await reportTrees([base.dir, ...trees.map((t) => t.dir)], ROOT, entries);
  const specs = await specRatings;
  MUTATIONS.forEach((mutation, i) => {
    rated.set(mutation.name, {
      spec: specs[i]!,
      api: rateApi(reports.get(base.dir)!, reports.get(trees[i]!.dir)!),
    });
  });
  reformattedRating = { spec: specs.at(-1)!, before, after };
}, HANG_MS);

/** The API report carries no doc text: a doc-only change of the spec leaves it as it was. */
const apiExpected = (expected: Rating): Rating => (expected === "patch" ? "none" : expected);

describe.each(MUTATIONS.map((m) => [m.name, m] as const))("%s", (name, mutation) => {
  it(`is rated ${mutation.expected} by Redocly with our rules, and by the API report`, () => {
    const { spec, api } = rated.get(name)!;
    expect({ spec: spec.rating, api: api.rating, mirror: api.mirror }).toEqual({
      spec: mutation.expected,
      api: apiExpected(mutation.expected),
      mirror: apiExpected(mutation.expected),
    });
    // Every change the rating counts says where it is and what happened.
    for (const change of [...spec.changes, ...api.changes]) {
      expect(change.where).not.toBe("");
      expect(change.message).not.toBe("");
    }
  });

  it.each([
    ["0.1.0", "none"],
    ["0.1.0", "patch"],
    ["0.1.0", "minor"],
    ["0.1.0", "major"],
    ["1.2.0", "none"],
    ["1.2.0", "patch"],
    ["1.2.0", "minor"],
    ["1.2.0", "major"],
  ] as const)("at %s, with a %s changeset, the gate passes only if the bump is enough", (version, bump) => {
    const { spec, api } = rated.get(name)!;
    const dir = join(scratch, "changesets", slug(name), version, bump);
    mkdirSync(dir, { recursive: true });
    if (bump !== "none")
      writeFileSync(join(dir, "seeded.md"), `---\n"composio-connected-accounts": ${bump}\n---\n\nSeeded.\n`);
    const verdict = gate({ spec, api, changesets: readChangesets(dir), version, released: "0.1.0" });
    const needed = neededBump(mutation.expected, version);
    expect(verdict.needed).toBe(needed);
    expect(verdict.disagreement).toBeUndefined();
    expect(verdict.ok).toBe(rank(bump) >= rank(needed));
    if (!verdict.ok) {
      // It names each change that needs more than was asked, with its impact.
      const needing = spec.changes.filter((c) => rank(neededBump(c.impact, version)) > rank(bump));
      expect(needing.length).toBeGreaterThan(0);
      for (const change of needing)
        expect(verdict.text).toContain(`${change.impact.padEnd(5)} spec ${change.where}`);
    }
  });
});

describe("the seeded ratings", () => {
  it("are of specs that lint clean: each a change `npm run generate` takes", async () => {
    expect(await lintTotals).toEqual([...MUTATIONS, "reformatted"].map(() => "0/0"));
  });

  it("say what the change is, where", () => {
    const messages = (name: string) =>
      [...rated.get(name)!.spec.changes, ...rated.get(name)!.api.changes].map(
        (c) => `${c.where} — ${c.message}`,
      );
    expect(messages("remove a response property")).toContainEqual(
      expect.stringMatching(/CreatedConnectedAccount: redirect_uri — Property `redirect_uri` .* was removed/),
    );
    expect(messages("narrow a request enum")).toContainEqual(
      expect.stringMatching(/query parameter account_type \(enum\) — Enum lost values: 'ALL'/),
    );
    expect(messages("make a request field required")).toContainEqual(
      expect.stringMatching(
        /ConnectedAccountLinkRequest.callback_url — Became required \(callers write it\)/,
      ),
    );
    expect(messages("remove an operation")).toContainEqual(
      expect.stringMatching(/ConnectedAccountsResource.delete — Member removed/),
    );
    expect(messages("add an operation")).toContainEqual(
      expect.stringMatching(/ConnectedAccountsResource.reauthorize — Member added/),
    );
  });

  it("correct Redocly where the client lets unknown values through (x-sdk-open), and say so", () => {
    const status = rated.get("add a response enum value")!.spec;
    expect(status.redocly).toBe("major");
    expect(status.changes).toContainEqual(
      expect.objectContaining({
        impact: "minor",
        rule: "client/open-enum-grew",
        where: "schema ConnectionStatus (enum)",
        adjusted: expect.objectContaining({ from: "major" }),
      }),
    );
    const scheme = rated.get("add an auth scheme")!.spec;
    expect(scheme.redocly).toBe("major");
    expect(scheme.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: "client/open-enum-grew", where: "schema AuthScheme (enum)" }),
        expect.objectContaining({
          rule: "client/open-union-grew",
          message: "`oneOf` subschema of `state` was added.",
          adjusted: expect.objectContaining({ from: "major" }),
        }),
      ]),
    );
  });

  it("take the larger of the two ratings", () => {
    for (const mutation of MUTATIONS) {
      const { spec, api } = rated.get(mutation.name)!;
      const verdict = gate({ spec, api, changesets: [], version: "1.0.0", released: "1.0.0" });
      expect(verdict.rating).toBe(maxRating(spec.rating, api.rating));
      expect(verdict.rating).toBe(mutation.expected);
    }
  });
});

describe("a reformatted spec", () => {
  it("generates the same files, byte for byte (the manifest pins the spec's content, not its bytes)", () => {
    const { before, after } = reformattedRating;
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, text] of before) expect(after.get(name), name).toBe(text);
  });

  it("rates as no change, and the gate passes with no changeset", () => {
    expect(reformattedRating.spec.rating).toBe("none");
    expect(reformattedRating.spec.changes).toEqual([]);
    // Its generated code is byte for byte the same (above), so is its API report: no API change.
    const api = rateApi(new Map(), new Map());
    const verdict = gate({
      spec: reformattedRating.spec,
      api,
      changesets: [],
      version: "1.2.0",
      released: "1.2.0",
    });
    expect(verdict).toMatchObject({ ok: true, needed: "none", asked: "none" });
  });
});

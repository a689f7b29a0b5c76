// changeset:suggest describes only the rated changes that no pending changeset covers: each
// changeset it writes records the fingerprints of the changes it covers (scripts/release/coverage.ts).
// The logic on rated changes made by hand, then the script for real on a copy of this package.
import { execFile } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { check, resolveConfig } from "prettier";
import { afterAll, describe, expect, it } from "vitest";
import { HANG_MS } from "./helpers/child.js";
import type { ApiRating } from "../scripts/release/api-rating.js";
import { coverageRecord, fingerprint, suggest } from "../scripts/release/coverage.js";
import { readChangesets } from "../scripts/release/gate.js";
import { ratingOf, type RatedChange } from "../scripts/release/impact.js";
import type { Schema } from "../scripts/lib/spec.js";
import { rateSpecChanges, type RedoclyReport, type SpecRating } from "../scripts/release/spec-rating.js";

const scratch = mkdtempSync(join(tmpdir(), "composio-coverage-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const REMOVED: RatedChange = {
  impact: "major",
  where: "schema CreatedConnectedAccount: redirect_uri",
  message: "Property `redirect_uri` of `CreatedConnectedAccount` was removed.",
  rule: "property-removed",
};
const ADDED: RatedChange = {
  impact: "minor",
  where: "composio-connected-accounts: waitForConnection",
  message: "Export added.",
  rule: "api/added",
};
const MIRRORED: RatedChange = {
  impact: "major",
  where: "composio-connected-accounts: components.schemas.CreatedConnectedAccount.redirect_uri",
  message: "Member removed.",
  rule: "api/removed",
};
const NEW: RatedChange = {
  impact: "minor",
  where: "GET /api/v3.1/connected_accounts/{nanoid}/health",
  message: "Operation was added.",
  rule: "operation-added",
};

const ratings = (spec: RatedChange[], api: RatedChange[]) => ({
  spec: { rating: ratingOf(spec), changes: spec, redocly: ratingOf(spec) } satisfies SpecRating,
  api: {
    rating: ratingOf(api),
    changes: api,
    mirror: ratingOf(api.filter((c) => c === MIRRORED)),
    mirrorChanges: api.filter((c) => c === MIRRORED),
  } satisfies ApiRating,
});

let dirs = 0;
/** A .changeset folder holding these files. */
function changesetDir(files: Record<string, string>): string {
  const dir = join(scratch, `changesets-${dirs++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const released = "0.1.0";
const version = "0.1.0";

describe("suggest", () => {
  it("with nothing pending, describes every change and records them all", () => {
    const { spec, api } = ratings([REMOVED], [ADDED, MIRRORED]);
    const out = suggest({ spec, api, changesets: [], version, released });
    expect(out.uncovered).toEqual([REMOVED, ADDED, MIRRORED]);
    expect(out.bump).toBe("minor"); // breaking at 0.x
    expect(out.text).toMatch(
      /^---\n"composio-connected-accounts": minor\n---\n\nChanges since 0\.1\.0, rated/,
    );
    expect(out.text).toContain("CreatedConnectedAccount: redirect_uri");
    expect(out.text).toContain("waitForConnection");
    // The mirror of the spec repeats the spec's change: described once, recorded as covered too.
    expect(out.text).not.toContain("components.schemas");
    for (const change of [REMOVED, ADDED, MIRRORED]) expect(out.text).toContain(fingerprint(change));
  });

  it("with pending changesets covering every change, has nothing to write", () => {
    const { spec, api } = ratings([REMOVED], [ADDED, MIRRORED]);
    const first = suggest({ spec, api, changesets: [], version, released });
    const changesets = readChangesets(changesetDir({ "rated.md": first.text! }));
    // Three changes, and the mark of a record that covers additions part by part.
    expect([...changesets[0]!.covers].sort()).toEqual(
      [...[REMOVED, ADDED, MIRRORED].map(fingerprint), "parts"].sort(),
    );
    // The record is no part of the text for the CHANGELOG.
    expect(changesets[0]!.summary).not.toContain("<!--");
    expect(changesets[0]!.summary).toContain("redirect_uri");
    const again = suggest({ spec, api, changesets, version, released });
    expect(again).toEqual({ uncovered: [], bump: "none" });
    // --force describes them all again.
    expect(suggest({ spec, api, changesets, version, released, force: true }).uncovered).toHaveLength(3);
  });

  it("describes only a change made after the pending changesets, with the bump it needs", () => {
    const before = ratings([REMOVED], [ADDED, MIRRORED]);
    const changesets = readChangesets(
      changesetDir({ "rated.md": suggest({ ...before, changesets: [], version, released }).text! }),
    );
    const after = ratings([REMOVED, NEW], [ADDED, MIRRORED]);
    const out = suggest({ ...after, changesets, version: "1.2.0", released });
    expect(out.uncovered).toEqual([NEW]);
    expect(out.bump).toBe("minor");
    expect(out.text).toContain("that the pending changesets do not cover");
    expect(out.text).toContain("/health");
    expect(out.text).not.toContain("redirect_uri");
    expect(out.text).not.toContain("waitForConnection");
    expect(out.text).toContain(fingerprint(NEW));
    expect(out.text).not.toContain(fingerprint(REMOVED));
  });

  it("counts a change as new when it changes again (its message, so its fingerprint, differs)", () => {
    const changesets = readChangesets(
      changesetDir({
        "by-hand.md": `---\n"composio-connected-accounts": patch\n---\n\nBy hand.\n\n${coverageRecord([REMOVED])}\n`,
      }),
    );
    const changed = {
      ...REMOVED,
      message: "Property `redirect_uri` of `CreatedConnectedAccount` changed type.",
    };
    const { spec, api } = ratings([changed], []);
    expect(suggest({ spec, api, changesets, version, released }).uncovered).toEqual([changed]);
  });
});

// An operation added since the release is one rated change ("Operation was added") however it
// changes before the next release: a filter added to it later would be covered by the changeset
// that announced the operation, and ship with no CHANGELOG line. Each addition carries its parts
// (parameters, fields, values), and the record covers them one by one.
// An upstream sync (loop 23): what our spec took from Composio's description is listed as Composio's
// change at its place, rated for users, whatever the release's diff makes of it (a filter or a
// nullable field inside an operation a pending changeset announces; a status by the schema that
// happens to hold it).
describe("an upstream sync", () => {
  const NULLABLE: RatedChange = {
    impact: "major",
    where: "GET /api/v3.1/connected_accounts response 200: items[].updated_at",
    message: "`updated_at` now string | null (was string)",
    rule: "upstream/type",
  };
  const FILTER: RatedChange = {
    impact: "minor",
    where: "GET /api/v3.1/connected_accounts query parameter search",
    message: "query parameter `search` added (optional, string | null)",
    rule: "upstream/parameter-added",
  };
  const upstream = { version: "3.2.0", changes: [NULLABLE, FILTER] };

  it("gets a line per change our spec followed, under its own heading, first, and the bump it needs", () => {
    const { spec, api } = ratings([], [ADDED]);
    const out = suggest({ spec, api, changesets: [], version, released, upstream });
    expect(out.bump).toBe("minor");
    expect(out.text).toContain(
      "Follows Composio's description 3.2.0 of the connected-accounts API:\n\n" +
        "Breaking (a minor bump while below 1.0):\n" +
        "- GET /api/v3.1/connected_accounts response 200: items[].updated_at: `updated_at` now string | null (was string).\n\n" +
        "Added:\n" +
        "- GET /api/v3.1/connected_accounts query parameter search: query parameter `search` added (optional, string | null).",
    );
    // What else no record covers follows, said to be other work, with how to record a changeset
    // written by hand.
    expect(out.text).toMatch(/Follows Composio's[^]*\n\nAlso changed since 0\.1\.0[^]*waitForConnection/);
    expect(out.text).toContain("--mark");
    // Recorded: the next run does not describe them again.
    const changesets = readChangesets(changesetDir({ "sync.md": out.text! }));
    expect(suggest({ spec, api, changesets, version, released, upstream })).toEqual({
      uncovered: [],
      bump: "none",
    });
  });

  it("alone (nothing else uncovered) still writes its changeset", () => {
    const { spec, api } = ratings([], []);
    const out = suggest({ spec, api, changesets: [], version, released, upstream });
    expect(out.bump).toBe("minor");
    expect(out.text).toContain("Follows Composio's description 3.2.0");
    expect(out.text).not.toContain("Also changed");
  });
});

describe("a change to what a pending changeset announced as added", () => {
  const HEALTH = "/api/v3.1/connected_accounts/{nanoid}/health";
  const spec = (parameters: string[]): Schema => ({
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      [HEALTH]: {
        get: {
          parameters: parameters.map((name) => ({ name, in: "query", schema: { type: "string" } })),
          responses: {
            "200": {
              content: {
                "application/json": { schema: { type: "object", properties: { ok: { type: "boolean" } } } },
              },
            },
          },
        },
      },
    },
  });
  /** Redocly's report of the path added since the release, as it gives it. */
  const added: RedoclyReport = {
    changes: [
      {
        path: `#/paths/${HEALTH.replace(/\//g, "~1")}`,
        typeName: "PathItem",
        kind: "added",
        impact: "minor",
        verdicts: [],
        revision: { file: "working.json", pointer: `#/paths/${HEALTH.replace(/\//g, "~1")}` },
      },
    ],
  };

  it("lists the parts of an addition: each parameter, answer and field", () => {
    const [change] = rateSpecChanges(added, {}, spec(["window"])).changes;
    expect(change!.parts).toEqual(["GET query parameter window", "GET response 200", "GET response 200: ok"]);
  });

  it("gets a line for a filter added to an operation a pending changeset announced", () => {
    const first = rateSpecChanges(added, {}, spec(["window"]));
    const api = ratings([], []).api;
    const changesets = readChangesets(
      changesetDir({ "health.md": suggest({ spec: first, api, changesets: [], version, released }).text! }),
    );
    // The same operation, one filter more: still "Path added", and the filter is new to the CHANGELOG.
    const second = rateSpecChanges(added, {}, spec(["window", "labels"]));
    const out = suggest({ spec: second, api, changesets, version, released });
    expect(out.uncovered.map((c) => `${c.impact} ${c.where} — ${c.message}`)).toEqual([
      `minor ${HEALTH} — GET query parameter labels: added to what a pending changeset announces (Path added)`,
    ]);
    expect(out.bump).toBe("minor");
    expect(out.text).toContain("GET query parameter labels");
    // Once that changeset is written too, every part is covered.
    const both = readChangesets(
      changesetDir({
        "health.md": suggest({ spec: first, api, changesets: [], version, released }).text!,
        "labels.md": out.text!,
      }),
    );
    expect(suggest({ spec: second, api, changesets: both, version, released }).uncovered).toEqual([]);
  });

  it("takes a record written before parts were recorded as covering the addition as it is", () => {
    const first = rateSpecChanges(added, {}, spec(["window"]));
    const before = `<!-- changeset:suggest covers:\n${fingerprint(first.changes[0]!)}\n-->`;
    const changesets = readChangesets(
      changesetDir({
        "older.md": `---\n"composio-connected-accounts": minor\n---\n\nHealth.\n\n${before}\n`,
      }),
    );
    const second = rateSpecChanges(added, {}, spec(["window", "labels"]));
    const { api } = ratings([], []);
    expect(suggest({ spec: second, api, changesets, version, released }).uncovered).toEqual([]);
  });
});

describe("npm run changeset:suggest", () => {
  const ROOT = process.cwd();
  /** A copy of this package's spec, release record and reports, with no pending changeset. */
  const dir = join(scratch, "project");
  cpSync("spec", join(dir, "spec"), { recursive: true });
  cpSync("api", join(dir, "api"), { recursive: true });
  for (const file of ["package.json", "redocly.yaml", ".prettierrc.json"]) cpSync(file, join(dir, file));
  mkdirSync(join(dir, ".changeset"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const suggestThere = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      ["--import", "tsx", resolve(ROOT, "scripts/changeset-suggest.ts"), "--committed", ...args],
      { cwd: dir },
    );
  const pending = () => readdirSync(join(dir, ".changeset"));

  it(
    "writes one changeset for the changes since the release, then says the pending one covers them",
    {
      timeout: HANG_MS,
    },
    async () => {
      const first = await suggestThere();
      expect(first.stdout).toMatch(
        /changeset:suggest: wrote \.changeset\/rated-\w+\.md \(minor\) for \d+ rated changes/,
      );
      expect(pending()).toHaveLength(1);
      const written = readFileSync(join(dir, ".changeset", pending()[0]!), "utf8");
      expect(written).toMatch(
        /^---\n"composio-connected-accounts": minor\n---\n\nChanges since 0\.1\.0, rated/,
      );
      expect(written).toMatch(/<!-- changeset:suggest covers:\nparts\n[0-9a-f]{10}/);
      // Laid out as prettier wants: `npm run check` runs prettier --check on .changeset/ too.
      const file = join(dir, ".changeset", pending()[0]!);
      expect(await check(written, { ...(await resolveConfig(file)), filepath: file })).toBe(true);

      const second = await suggestThere();
      expect(second.stdout).toContain("the pending changesets cover every rated change");
      expect(second.stdout).toContain("nothing to write");
      expect(pending()).toHaveLength(1);
    },
  );
});

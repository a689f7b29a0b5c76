// Composio's own description pinned in api/upstream/ (scripts/upstream/pinned.ts): the pinned copy is
// what its provenance says, a pull cuts Composio's whole openapi.json as the copy was cut, and the
// next upstream change is noticed and rated: seeded changes of a copy of the pinned JSON, pulled into
// a temporary folder, each listed by the check with its rating for our users, and the spec's
// mismatch with it named. Nothing here writes into the repository: every folder is a temporary copy.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANG_MS } from "./helpers/child.js";
import type { Schema } from "../scripts/lib/spec.js";
import { bundleSpec } from "../scripts/release/spec-rating.js";
import {
  accept,
  BASELINE,
  COPY,
  DIFFERENCES,
  pull,
  PROVENANCE,
  mergeCopies,
  readDifferences,
  readProvenance,
  readSource,
  readUpstream,
  reconcile,
  serialize,
  sha256,
  structuralCopy,
  upstreamReport,
  UPSTREAM_DIR,
  type Difference,
  type UpstreamReport,
} from "../scripts/upstream/pinned.js";
import { OPERATIONS } from "./helpers/operations.js";
import { json, startServer } from "./helpers/server.js";
import { upstreamAnswers } from "./helpers/spec-schemas.js";

const run = promisify(execFile);
const ROOT = process.cwd();
const SPEC = join(ROOT, "spec/openapi.yaml");
const scratch = mkdtempSync(join(tmpdir(), "composio-upstream-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const pinnedText = readFileSync(join(UPSTREAM_DIR, COPY), "utf8");
const pinnedProvenance = readProvenance(join(UPSTREAM_DIR, PROVENANCE))!;
/** `text` matched literally inside a RegExp. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const pinned = () => JSON.parse(pinnedText) as Schema;
const ours = bundleSpec(SPEC);

/** A copy of api/upstream/ to pull into. */
function workspace(name: string): string {
  const dir = join(scratch, name);
  cpSync(UPSTREAM_DIR, dir, { recursive: true });
  return dir;
}

const writeDifferences = (dir: string, entries: Difference[]) =>
  writeFileSync(
    join(dir, DIFFERENCES),
    entries
      .map(
        (d) =>
          `- id: ${JSON.stringify(d.id)}\n  ours: ${JSON.stringify(d.ours)}\n  upstream: ${JSON.stringify(d.upstream)}\n  reason: ${JSON.stringify(d.reason)}\n`,
      )
      .join(""),
  );

/** The entries the check prints to paste into differences.yaml, each as its lines at the left margin. */
function pasted(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.includes("entries to paste into"));
  if (start < 0) return [];
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("    - ")) entries.push("");
    else if (!line.startsWith("      ")) break;
    entries[entries.length - 1] += `${line.slice(4)}\n`;
  }
  return entries;
}

/** A copy of api/upstream/ whose differences.yaml records every difference our spec has with it. */
function reconciledWorkspace(name: string): string {
  const dir = workspace(name);
  const { divergences } = reconcile(ours, readUpstream(dir));
  writeDifferences(
    dir,
    divergences.map((d) => ({ ...d, reason: "Recorded for the test." })),
  );
  return dir;
}

/** Writes `doc` as a source file and pulls it into `dir`, as `npm run upstream:pull -- <file>`. */
function pullDoc(dir: string, doc: Schema, name = "openapi.json") {
  const source = join(dir, "..", `${name}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(source, JSON.stringify(doc));
  return pull({ text: readFileSync(source, "utf8"), source, dir });
}

const RETRIEVE = "GET /api/v3.1/connected_accounts/{nanoid}";
/** `name`, or `name_2` …: a value the enum does not hold yet, whatever a pull brought into it. */
const unused = (values: unknown[], name: string): string => {
  let value = name;
  for (let n = 2; values.includes(value); n++) value = `${name}_${n}`;
  return value;
};
const operation = (doc: Schema, method: string, path: string): Schema =>
  doc.paths[`/api/v3.1/connected_accounts${path}`][method];
const answer = (doc: Schema, method: string, path: string, status = "200"): Schema =>
  operation(doc, method, path).responses[status].content["application/json"].schema;

/**
 * api/upstream/ after the loop CONTRIBUTING documents, run on a synthetic next version (a status
 * value added): pulled from a URL with a commit, the new difference recorded, accepted. What the
 * tests below say of the repository's folder must hold of this one too: they pin no provenance
 * (commit, version, pull date) and no content a pull may change.
 */
function afterTheLoop(): string {
  const dir = workspace("after-the-loop");
  const next = pinned();
  const statuses = answer(next, "get", "/{nanoid}").properties.status.enum;
  statuses.push(unused(statuses, "SUSPENDED"));
  pull({ doc: next, source: "https://example.test/openapi.json", dir, commit: "0123abcd" });
  const { unrecorded } = reconcile(ours, readUpstream(dir));
  expect(unrecorded.map((d) => d.id)).toEqual([`${RETRIEVE} · response 200 · status · enum`]);
  // The entries the check prints, pasted (one replaces its record if the difference was recorded).
  writeDifferences(dir, [
    ...readDifferences(join(dir, DIFFERENCES)).filter((d) => !unrecorded.some((u) => u.id === d.id)),
    ...unrecorded.map((d) => ({ ...d, reason: "Recorded for the test." })),
  ]);
  accept({ dir, specPath: SPEC });
  return dir;
}

describe.each([
  ["the pinned copy", () => UPSTREAM_DIR],
  ["a copy after the loop (a synthetic next version pulled, reconciled, accepted)", afterTheLoop],
])("%s", (_, folder) => {
  let dir: string;
  let text: string;
  let copy: Schema;
  beforeAll(() => {
    dir = folder();
    text = readFileSync(join(dir, COPY), "utf8");
    copy = JSON.parse(text) as Schema;
  });

  it("is the copy its provenance records: sha256, title, version, source and the paths kept", () => {
    const provenance = readProvenance(join(dir, PROVENANCE))!;
    expect(provenance.sha256).toBe(sha256(text));
    // The first source gives the copy its info.
    expect(provenance.sources[0]).toMatchObject({ title: copy.info.title, version: copy.info.version });
    for (const source of provenance.sources) {
      expect(source.source).not.toBe("");
      if (source.commit !== undefined) expect(source.commit).toMatch(/^[0-9a-f]{7,40}$/);
      expect(Number.isNaN(Date.parse(source.pulledAt))).toBe(false);
    }
    // Every path kept is under a source's prefix; no pull is pending.
    const paths = Object.keys(copy.paths);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths)
      expect(provenance.sources.some((s) => `${path}/`.startsWith(`${s.prefix}/`))).toBe(true);
    expect(existsSync(join(dir, BASELINE))).toBe(false);
  });

  it("comes out of the cut as it went in, byte for byte", () => {
    const { sources } = readProvenance(join(dir, PROVENANCE))!;
    expect(serialize(mergeCopies(sources.map((s) => structuralCopy(copy, s.prefix))))).toBe(text);
  });

  it("is refused when edited by hand (its sha256 is no longer the recorded one)", () => {
    const edited = workspace(`hand-edited-${Math.random().toString(36).slice(2)}`);
    cpSync(dir, edited, { recursive: true });
    writeFileSync(join(edited, COPY), text.replace('"paths"', '"paths" '));
    expect(() => readUpstream(edited)).toThrow(
      /composio\.json is not the copy .*provenance\.json records .*never by hand/,
    );
  });

  it("and our spec differ only as differences.yaml records, each with its reason, none stale", () => {
    const { divergences, unrecorded, stale } = reconcile(ours, readUpstream(dir));
    expect(divergences.length).toBeGreaterThan(0);
    expect(unrecorded.map((d) => `${d.id}\n  ours: ${d.ours}\n  upstream: ${d.upstream}`)).toEqual([]);
    expect(stale.map((d) => d.id)).toEqual([]);
  });

  // The journeys check every answer of the fake Composio the same way (test/journeys.test.ts).
  it("holds the operations table's success answers valid", () => {
    const check = upstreamAnswers({ dir });
    const problems = OPERATIONS.flatMap((op) =>
      check(`${op.method} ${op.url.split("?")[0]}`, op.status, op.answer),
    );
    // An operation upstream does not describe has nothing to be checked against here; that it is
    // ours alone is a difference differences.yaml must record (the reconcile test above).
    const checked = problems.filter((p) => !p.endsWith(": upstream describes no such operation"));
    expect(checked).toEqual([]);
    expect(problems.length - checked.length).toBeLessThan(OPERATIONS.length);
  });
});

describe("a pull", () => {
  it("cuts Composio's whole document down as the copy was: its paths, the components they reach, no prose", () => {
    const full = pinned();
    full.info.description = "The whole platform API.";
    full.tags = [{ name: "Tools", description: "Tools." }];
    full.paths["/api/v3.1/tools"] = {
      get: { summary: "List tools", responses: { "200": { $ref: "#/components/responses/Tools" } } },
    };
    full.paths["/api/v3/connected_accounts"] = { get: { responses: {} } };
    full.components.responses = { Tools: { description: "Tools", content: {} } };
    full.components.schemas.Unused = { type: "object" };
    const list = operation(full, "get", "");
    list.summary = "List connected accounts";
    list.description = "Lists them.";
    list.parameters[0].description = "Toolkits.";
    list.parameters[0].example = ["github"];
    const item = answer(full, "get", "").properties.items.items;
    item.properties.status.description = "The status.";
    item.examples = [{ id: "ca_1" }];
    // A property that happens to be called `description` is structure, not prose.
    item.properties.description = { type: "string", description: "Its description." };

    const expected = pinned();
    answer(expected, "get", "").properties.items.items.properties.description = { type: "string" };
    expect(structuralCopy(full, "/api/v3.1/connected_accounts")).toEqual(expected);
    expect(() => structuralCopy(full, "/api/v4/connected_accounts")).toThrow(
      /no path of the document starts with \/api\/v4\/connected_accounts/,
    );
    expect(() => structuralCopy({ swagger: "2.0" }, "/api")).toThrow(/not an OpenAPI document/);
  });

  it("keeps the last reconciled copy as the baseline until accepted, across pulls, and drops it when upstream goes back", () => {
    const dir = workspace("baseline");
    const same = pull({ text: pinnedText, source: "same.json", dir });
    expect(same.changed).toBe(false);
    expect(existsSync(join(dir, BASELINE))).toBe(false);

    const first = pinned();
    first.info.version = `${pinned().info.version}-next`;
    answer(first, "get", "/{nanoid}").properties.last_used_at = { type: "string" };
    expect(pullDoc(dir, first).text).toMatch(
      new RegExp(
        `composio\\.json is now ${escape(`${pinned().info.title} ${first.info.version}`)} from .*run \`npm run check\``,
      ),
    );
    expect(readFileSync(join(dir, BASELINE), "utf8")).toBe(pinnedText);
    const afterFirst = readProvenance(join(dir, PROVENANCE))!;
    expect(afterFirst).toMatchObject({
      sources: [{ version: first.info.version }],
      baseline: { version: pinned().info.version, sha256: sha256(pinnedText) },
    });
    expect(afterFirst.sha256).toBe(sha256(readFileSync(join(dir, COPY), "utf8")));
    expect(afterFirst.sources[0]!.commit).toBeUndefined();

    const second = structuredClone(first);
    second.info.version = "3.1.2";
    pullDoc(dir, second);
    // Still rated against the reconciled copy, not against the first pull.
    expect(readFileSync(join(dir, BASELINE), "utf8")).toBe(pinnedText);

    expect(pullDoc(dir, pinned()).text).toMatch(/the copy is the reconciled one again: nothing is pending/);
    expect(existsSync(join(dir, BASELINE))).toBe(false);
    expect(readFileSync(join(dir, COPY), "utf8")).toBe(pinnedText);
  });

  it("is accepted only once every difference is fixed or recorded; then the check passes and the next pull is rated from there", async () => {
    const dir = reconciledWorkspace("accept");
    const changed = pinned();
    answer(changed, "get", "/{nanoid}").properties.last_used_at = { type: "string" };
    pullDoc(dir, changed);
    expect(() => accept({ dir, specPath: SPEC })).toThrow(
      /not reconciled .*1 difference\(s\) neither fixed nor recorded/,
    );

    // The maintainer records the new difference (here: a field we choose not to type).
    const [fresh] = reconcile(ours, readUpstream(dir)).unrecorded;
    expect(fresh).toEqual({
      id: "GET /api/v3.1/connected_accounts/{nanoid} · response 200 · last_used_at · property",
      ours: "absent",
      upstream: "optional string",
    });
    writeDifferences(dir, [
      ...readDifferences(join(dir, DIFFERENCES)),
      { ...fresh!, reason: "Not typed yet." },
    ]);
    const pending = await upstreamReport({ specPath: SPEC, dir });
    expect(pending.ok).toBe(false);
    expect(pending.text).toMatch(
      new RegExp(
        `Composio changed its description since the last reconciled pull \\(${escape(pinned().info.version)}, pulled `,
      ),
    );

    const now = new Date("2027-01-02T03:04:05.000Z");
    expect(accept({ dir, specPath: SPEC, now })).toContain(
      `accepted ${pinned().info.title} (version ${pinned().info.version}`,
    );
    expect(existsSync(join(dir, BASELINE))).toBe(false);
    const provenance = readProvenance(join(dir, PROVENANCE))!;
    expect(provenance.reconciledAt).toBe(now.toISOString());
    expect(provenance.baseline).toBeUndefined();
    const done = await upstreamReport({ specPath: SPEC, dir });
    expect(done.ok).toBe(true);
    expect(done.change).toBeUndefined();
    expect(accept({ dir, specPath: SPEC })).toMatch(/no pull is pending/);
  });

  it("reads a URL with a size bound, and refuses an answer that is not 2xx", async () => {
    const big = "x".repeat(2048);
    const server = await startServer((req, res) =>
      req.url === "/openapi.json"
        ? json(res, 200, pinned())
        : req.url === "/big"
          ? res.end(big)
          : json(res, 404, {}),
    );
    try {
      expect(JSON.parse(await readSource(`${server.url}/openapi.json`))).toEqual(pinned());
      await expect(readSource(`${server.url}/big`, { maxBytes: 1024 })).rejects.toThrow(
        /\/big is more than 1024 bytes/,
      );
      await expect(readSource(`${server.url}/gone`)).rejects.toThrow(/\/gone answered 404/);
    } finally {
      await server.close();
    }
  });
});

describe("differences.yaml", () => {
  it("records what differs: a change under a recorded difference is a new one, and accept refuses it", async () => {
    const dir = reconciledWorkspace("changed-under-record");
    const id = `${RETRIEVE} · response 200 · state.val.status · enum`;
    const recorded = readDifferences(join(dir, DIFFERENCES)).find((d) => d.id === id)!;
    // Upstream adds SUSPENDED to the status enum that already differs from ours (we add REVOKED).
    const next = pinned();
    const statuses = answer(next, "get", "/{nanoid}").properties.state.properties.val.properties.status.enum;
    const added = unused(statuses, "SUSPENDED");
    statuses.push(added);
    pullDoc(dir, next);
    const { unrecorded, changed } = reconcile(ours, readUpstream(dir));
    expect(unrecorded.map((d) => d.id)).toEqual([id]);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.recorded).toEqual(recorded);
    expect(changed[0]!.now.upstream).toContain(added);
    expect(changed[0]!.now.upstream).not.toBe(recorded.upstream);
    const report = await upstreamReport({ specPath: SPEC, dir });
    expect(report.text).toContain(
      `    ${id}\n        ours:     ${recorded.ours}\n        upstream: ${changed[0]!.now.upstream}\n        recorded: upstream ${recorded.upstream}`,
    );
    expect(() => accept({ dir, specPath: SPEC })).toThrow(/1 difference\(s\) neither fixed nor recorded/);
  });

  it("reads back the entry the check prints to paste, a value with a comma and quotes in it too (trial 07)", async () => {
    const dir = reconciledWorkspace("pasted");
    const id = `${RETRIEVE} · response 200 · state.val.status · enum`;
    const next = pinned();
    const statuses = answer(next, "get", "/{nanoid}").properties.state.properties.val.properties.status.enum;
    const added = unused(statuses, `ON HOLD, "PAUSED" 'x'`);
    statuses.push(added);
    pullDoc(dir, next);
    const report = await upstreamReport({ specPath: SPEC, dir });
    const now = report.reconciliation.unrecorded.find((d) => d.id === id)!;
    // The upstream side names the value whole: one value, not "ON HOLD" and another.
    expect(JSON.parse(now.upstream.split(" (only here: ")[0]!)).toContain(added);
    const path = join(dir, "pasted.yaml");
    writeFileSync(path, `differences:\n${pasted(report.text).join("")}`);
    // Changed under its record: the record's reason comes with it.
    expect(readDifferences(path)).toEqual([{ ...now, reason: "Recorded for the test." }]);
  });

  it("needs what differs in every entry: both sides' values, as the check prints them", () => {
    const path = join(scratch, "no-values.yaml");
    writeFileSync(path, '- { id: "a · b", reason: Because. }\n');
    expect(() => readDifferences(path)).toThrow(
      /no-values\.yaml: entry 1 \(a · b\) records no values: add `ours:` and `upstream:` as the check prints them/,
    );
  });

  it("needs an id and a reason for every entry, each id once", () => {
    const file = (name: string, text: string) => {
      const path = join(scratch, name);
      writeFileSync(path, text);
      return path;
    };
    expect(() => readDifferences(file("no-reason.yaml", '- id: "a · b"\n'))).toThrow(
      /no-reason\.yaml: entry 1 \(a · b\) has no reason: say why the difference is deliberate/,
    );
    expect(() =>
      readDifferences(
        file(
          "twice.yaml",
          "- { id: a, ours: x, upstream: y, reason: r }\n- { id: a, ours: x, upstream: y, reason: r }\n",
        ),
      ),
    ).toThrow(/twice\.yaml: entry 2 repeats a/);
    expect(() => readDifferences(file("map.yaml", "differences: { a: r }\n"))).toThrow(
      /`differences:`, a list of \{ id, ours, upstream, reason \} entries, is expected/,
    );
    // The repository's file shares reasons through anchors: each entry still has its own.
    const anchored = file(
      "anchored.yaml",
      "reasons:\n  r: &r Shared.\ndifferences:\n  - { id: a, ours: x, upstream: y, reason: *r }\n  - { id: b, ours: x, upstream: z, reason: *r }\n",
    );
    expect(readDifferences(anchored)).toEqual([
      { id: "a", ours: "x", upstream: "y", reason: "Shared.", anchor: "r" },
      { id: "b", ours: "x", upstream: "z", reason: "Shared.", anchor: "r" },
    ]);
  });

  it("fails the check on a difference neither fixed nor recorded, naming it and both sides, and on a stale entry", async () => {
    const dir = reconciledWorkspace("unrecorded");
    const { divergences } = reconcile(ours, readUpstream(dir));
    const [dropped] = divergences;
    const kept = readDifferences(join(dir, DIFFERENCES)).filter((d) => d.id !== dropped!.id);
    writeDifferences(dir, [
      ...kept,
      { id: "GET /nowhere · response 299", ours: "declared", upstream: "absent", reason: "Long gone." },
    ]);
    const report = await upstreamReport({ specPath: SPEC, dir });
    expect(report.ok).toBe(false);
    expect(report.text).toContain(
      `    ${dropped!.id}\n        ours:     ${dropped!.ours}\n        upstream: ${dropped!.upstream}`,
    );
    // The entry to paste reads, once pasted into the file, as the difference it records (however it
    // is quoted: a value holding `"` is single-quoted YAML).
    const entries = pasted(report.text);
    expect(entries).toHaveLength(1);
    const file = join(dir, DIFFERENCES);
    writeFileSync(file, readFileSync(file, "utf8") + entries[0]!.replace('reason: ""', "reason: Pasted."));
    expect(readDifferences(file)).toContainEqual({ ...dropped, reason: "Pasted." });
    expect(report.text).toMatch(
      /1 entry of .*differences\.yaml matches no difference any more .*\n {4}GET \/nowhere · response 299/,
    );
  });
});

describe("a pending pull fully reconciled (loop 23, finding 8)", () => {
  it("says to accept it now, not to reconcile it", async () => {
    const dir = reconciledWorkspace("all-recorded");
    const next = pinned();
    const properties = answer(next, "get", "/{nanoid}").properties;
    properties[unused(Object.keys(properties), "seen_at")] = { type: "string" };
    pullDoc(dir, next);
    const pending = await upstreamReport({ specPath: SPEC, dir });
    expect(pending.text).toContain("reconcile the spec with it");
    // Every difference the pull brought recorded: what is left is the accept.
    const { divergences } = reconcile(ours, readUpstream(dir));
    writeDifferences(
      dir,
      divergences.map((d) => ({ ...d, reason: "Recorded for the test." })),
    );
    const report = await upstreamReport({ specPath: SPEC, dir });
    expect(report.ok).toBe(false);
    expect(report.text).not.toContain("reconcile the spec with it");
    expect(report.text).toMatch(
      /every difference is fixed or recorded: run `npm run upstream:pull -- --accept` now \(after the changeset: `npm run changeset:suggest`\)\.$/,
    );
  });
});

describe("a record whose values changed under it (loop 23, finding 6)", () => {
  it("is printed to paste with its reason carried over, an anchor as the anchor, whichever side changed", async () => {
    const dir = workspace("carried");
    const { divergences } = reconcile(ours, readUpstream(dir));
    const [shared, own, ...rest] = divergences;
    // Our side changed under the first (a spec edit that followed Composio elsewhere), upstream's
    // under the second.
    const entry = (d: Omit<Difference, "reason">, reason: string) =>
      `  - id: ${JSON.stringify(d.id)}\n    ours: ${JSON.stringify(d.ours)}\n    upstream: ${JSON.stringify(d.upstream)}\n    reason: ${reason}\n`;
    writeFileSync(
      join(dir, DIFFERENCES),
      "reasons:\n  shared: &shared Shared by several entries.\ndifferences:\n" +
        entry({ ...shared!, ours: "what ours said before" }, "*shared") +
        entry({ ...own!, upstream: "what upstream said before" }, '"Its own reason."') +
        rest.map((d) => entry(d, "*shared")).join(""),
    );
    const report = await upstreamReport({ specPath: SPEC, dir });
    expect(report.text).toContain("2 recorded with other values: changed under the record");
    expect(report.text).toContain("        recorded: ours what ours said before");
    const entries = pasted(report.text);
    expect(entries).toHaveLength(2);
    expect(entries.find((e) => e.includes(JSON.stringify(shared!.id)))).toMatch(/\n {2}reason: \*shared\n$/);
    expect(entries.find((e) => e.includes(JSON.stringify(own!.id)))).toMatch(
      /\n {2}reason: "Its own reason\."\n$/,
    );
    // Pasted over the old records, they read as the differences, with their reasons.
    const header = "reasons:\n  shared: &shared Shared by several entries.\ndifferences:\n";
    const rewritten =
      header +
      rest.map((d) => entry(d, "*shared")).join("") +
      entries.map((e) => e.replace(/^(?=.)/gm, "  ")).join("");
    writeFileSync(join(dir, DIFFERENCES), rewritten);
    expect((await upstreamReport({ specPath: SPEC, dir })).reconciliation.unrecorded).toEqual([]);
    expect(readDifferences(join(dir, DIFFERENCES))).toContainEqual({
      ...shared!,
      reason: "Shared by several entries.",
      anchor: "shared",
    });
  });
});

// The next upstream change, seeded: each a copy of the pinned JSON changed as Composio might change
// it, pulled into a folder of its own. The check lists it with its rating for our users, and names
// where our spec now differs from it (a difference the pinned copy did not have).
interface Seeded {
  name: string;
  rating: "major" | "minor";
  /** How the change reads in the check's list: impact, where, what. */
  listed: RegExp;
  /** The new difference between our spec and the changed copy. */
  divergence: string;
  change(doc: Schema): void;
}

const SEEDED: Seeded[] = [
  {
    name: "a response field added",
    rating: "minor",
    listed:
      /minor +GET \/api\/v3\.1\/connected_accounts\/\{nanoid\} response 200: last_used_at — `last_used_at` added \(optional, string\)/,
    divergence: `${RETRIEVE} · response 200 · last_used_at · property`,
    change: (doc) => (answer(doc, "get", "/{nanoid}").properties.last_used_at = { type: "string" }),
  },
  {
    name: "an enum value added (to a status our client keeps open)",
    rating: "minor",
    listed:
      /minor +GET \/api\/v3\.1\/connected_accounts\/\{nanoid\} response 200: status — `status` gained PAUSED\w* \[upstream\/open-enum-grew\]/,
    divergence: `${RETRIEVE} · response 200 · status · enum`,
    change: (doc) => {
      const statuses = answer(doc, "get", "/{nanoid}").properties.status.enum;
      statuses.push(unused(statuses, "PAUSED"));
    },
  },
  {
    name: "a security requirement narrowed",
    rating: "major",
    listed:
      /major +GET \/api\/v3\.1\/connected_accounts\/\{nanoid\}: security — no longer takes header x-user-api-key/,
    divergence: `${RETRIEVE} · security`,
    change: (doc) => (operation(doc, "get", "/{nanoid}").security = [{ ApiKeyAuth: [] }]),
  },
  {
    name: "an operation added",
    rating: "minor",
    listed: /minor +POST \/api\/v3\.1\/connected_accounts\/\{nanoid\}\/pause — operation added/,
    divergence: "POST /api/v3.1/connected_accounts/{nanoid}/pause · operation",
    change: (doc) =>
      (doc.paths["/api/v3.1/connected_accounts/{nanoid}/pause"] = {
        post: {
          operationId: "pauseConnectedAccount",
          security: [{ ApiKeyAuth: [] }],
          parameters: [{ name: "nanoid", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { content: { "application/json": { schema: { type: "object" } } } } },
        },
      }),
  },
  {
    name: "a request field made required",
    rating: "major",
    listed:
      /major +POST \/api\/v3\.1\/connected_accounts\/link request body: callback_url — `callback_url` now required/,
    divergence: "POST /api/v3.1/connected_accounts/link · request body · callback_url · required",
    change: (doc) =>
      operation(doc, "post", "/link").requestBody.content["application/json"].schema.required.push(
        "callback_url",
      ),
  },
];

describe("the next upstream change", () => {
  const reports = new Map<string, UpstreamReport>();
  // A difference as it is now (a recorded one that changes values is a fresh one too).
  const key = (d: { id: string; ours: string; upstream: string }) =>
    JSON.stringify([d.id, d.ours, d.upstream]);
  const before = new Set(reconcile(ours, readUpstream()).divergences.map(key));

  beforeAll(async () => {
    await Promise.all(
      SEEDED.map(async (seeded) => {
        const dir = workspace(`seeded-${seeded.name.replace(/\W+/g, "-")}`);
        const doc = pinned();
        seeded.change(doc);
        pullDoc(dir, doc);
        reports.set(seeded.name, await upstreamReport({ specPath: SPEC, dir }));
      }),
    );
  }, HANG_MS);

  it.each(SEEDED.map((s) => [s.name, s] as const))(
    "%s: listed with its rating, and the spec's mismatch named",
    (name, seeded) => {
      const report = reports.get(name)!;
      expect(report.ok).toBe(false);
      expect(report.change!.rating).toBe(seeded.rating);
      expect(report.change!.changes).toHaveLength(1);
      expect(report.text).toMatch(
        new RegExp(
          `changed its description since the last reconciled pull \\(${escape(`${pinnedProvenance.sources.map((s) => s.version).join(", ")}, pulled ${pinnedProvenance.sources[0]!.pulledAt.slice(0, 10)}`)}\\): ${seeded.rating} for our users \\(1 change\\)`,
        ),
      );
      expect(report.text).toMatch(seeded.listed);
      expect(report.text).toContain("then `npm run upstream:pull -- --accept`");
      const fresh = report.reconciliation.unrecorded.filter((d) => !before.has(key(d))).map((d) => d.id);
      expect(fresh).toEqual([seeded.divergence]);
    },
  );
});

describe("the commands", { timeout: HANG_MS }, () => {
  const node = (script: string, ...args: string[]) =>
    run(process.execPath, ["--import", "tsx", resolve(ROOT, `scripts/${script}.ts`), ...args], {
      cwd: ROOT,
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("upstream:pull takes a URL into the folder given, and upstream:check then fails listing the change; the repository is untouched", async () => {
    const dir = workspace("commands");
    const changed = pinned();
    operation(changed, "get", "/{nanoid}").security = [{ ApiKeyAuth: [] }];
    const server = await startServer((_, res) => json(res, 200, changed));
    const repoBefore = ["composio.json", "provenance.json", "differences.yaml"].map((f) =>
      readFileSync(join(UPSTREAM_DIR, f), "utf8"),
    );
    try {
      const pulled = await node(
        "upstream-pull",
        `${server.url}/openapi.json`,
        "--upstream",
        dir,
        "--commit",
        "abc1234",
      );
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toContain(`from ${server.url}/openapi.json`);
      expect(readProvenance(join(dir, PROVENANCE))!.sources).toMatchObject([
        { source: `${server.url}/openapi.json`, commit: "abc1234" },
      ]);
      const checked = await node("upstream-check", "--upstream", dir);
      expect(checked.code).toBe(1);
      expect(checked.stderr).toMatch(
        /major for our users \(1 change\):\n +major +GET \/api\/v3\.1\/connected_accounts\/\{nanoid\}: security — /,
      );
      const refused = await node("upstream-pull", "--accept", "--upstream", dir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/the spec is not reconciled with .*composio\.json yet/);
    } finally {
      await server.close();
    }
    expect(
      ["composio.json", "provenance.json", "differences.yaml"].map((f) =>
        readFileSync(join(UPSTREAM_DIR, f), "utf8"),
      ),
    ).toEqual(repoBefore);
    expect(existsSync(join(UPSTREAM_DIR, BASELINE))).toBe(false);
  });
});

// More than one source: the pinned copy may hold the operations of several of Composio's documents
// (connected accounts from v3.1's, auth configs from another), each source with its prefix in the
// provenance, each refreshed on its own. The other document here is a real one, 2025-07's
// (test/fixtures/upstream-history/), whose auth configs live on /api/v3/auth_configs.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema } from "../scripts/lib/spec.js";
import { bundleSpec } from "../scripts/release/spec-rating.js";
import {
  BASELINE,
  COPY,
  PROVENANCE,
  pull,
  readProvenance,
  readUpstream,
  reconcile,
  upstreamReport,
  UPSTREAM_DIR,
} from "../scripts/upstream/pinned.js";

const scratch = mkdtempSync(join(tmpdir(), "composio-upstream-sources-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const SPEC = "spec/openapi.yaml";
const ours = bundleSpec(SPEC);
const pinnedText = readFileSync(join(UPSTREAM_DIR, COPY), "utf8");
const pinned = () => JSON.parse(pinnedText) as Schema;
const ACCOUNTS = "/api/v3.1/connected_accounts";
const AUTH_CONFIGS = "/api/v3/auth_configs";
/** 2025-07's whole document, parsed once (977 KB of YAML). */
const july = parse(
  gunzipSync(readFileSync("test/fixtures/upstream-history/D-2025-07-28-7a6c794.yml.gz")).toString("utf8"),
) as Schema;

let folders = 0;
function workspace(): string {
  const dir = join(scratch, `folder-${folders++}`);
  cpSync(UPSTREAM_DIR, dir, { recursive: true });
  return dir;
}
const copyOf = (dir: string) => JSON.parse(readFileSync(join(dir, COPY), "utf8")) as Schema;

describe("a second source", () => {
  let dir: string;
  beforeAll(() => {
    dir = workspace();
    pull({ doc: july, source: "openapi.documented.yml", commit: "7a6c794d2", dir, prefix: AUTH_CONFIGS });
  });

  it("is listed in the provenance with its prefix, beside the first", () => {
    const { sources } = readProvenance(join(dir, PROVENANCE))!;
    expect(sources.map((s) => [s.prefix, s.version, s.commit])).toEqual([
      [ACCOUNTS, pinned().info.version, readProvenance(join(UPSTREAM_DIR, PROVENANCE))!.sources[0]!.commit],
      [AUTH_CONFIGS, "3.0.0", "7a6c794d2"],
    ]);
  });

  it("adds its operations to the copy and leaves the first source's as they were", () => {
    const copy = copyOf(dir);
    const paths = Object.keys(copy.paths);
    expect(paths.filter((p) => p.startsWith(AUTH_CONFIGS))).toEqual([
      AUTH_CONFIGS,
      `${AUTH_CONFIGS}/{nanoid}`,
      `${AUTH_CONFIGS}/{nanoid}/{status}`,
    ]);
    for (const path of Object.keys(pinned().paths)) expect(copy.paths[path]).toEqual(pinned().paths[path]);
    expect(copy.info).toEqual(pinned().info);
  });

  it("keeps its own components where a name means another thing in the first (renamed, its refs too)", () => {
    const copy = copyOf(dir);
    // Both define Error, differently: the first keeps the name.
    expect(copy.components.schemas.Error).toEqual(pinned().components.schemas.Error);
    expect(copy.components.schemas.Error_2).toBeDefined();
    expect(JSON.stringify(copy.paths[AUTH_CONFIGS])).toContain("#/components/schemas/Error_2");
    expect(JSON.stringify(copy.paths[AUTH_CONFIGS])).not.toContain('"#/components/schemas/Error"');
    // Its operations keep the security its own document gave them (the first's root says otherwise).
    expect(copy.paths[AUTH_CONFIGS].get.security).toEqual(july.security);
  });

  it("is compared with our spec: the check names the auth-config operations our spec lacks", () => {
    const { unrecorded } = reconcile(ours, readUpstream(dir));
    expect(unrecorded.map((d) => d.id).filter((id) => id.includes("auth_configs"))).toContain(
      `GET ${AUTH_CONFIGS} · operation`,
    );
    // The first source's differences are the recorded ones still.
    expect(unrecorded.filter((d) => d.id.includes("connected_accounts"))).toEqual([]);
  });

  it("is refreshed on its own: a pull names its source by prefix, the other's part stays", async () => {
    const next = pinned();
    next.paths[ACCOUNTS].get.responses["200"].content["application/json"].schema.properties.seen_at = {
      type: "string",
    };
    expect(() => pull({ doc: next, source: "v3.1.json", dir })).toThrow(
      `two sources are pinned: give --prefix, one of ${ACCOUNTS}, ${AUTH_CONFIGS}`,
    );
    pull({ doc: next, source: "v3.1.json", dir, prefix: ACCOUNTS });
    const copy = copyOf(dir);
    expect(copy.paths[AUTH_CONFIGS]).toBeDefined();
    expect(readProvenance(join(dir, PROVENANCE))!.sources.map((s) => s.source)).toEqual([
      "v3.1.json",
      "openapi.documented.yml",
    ]);
    const report = await upstreamReport({ specPath: SPEC, dir });
    // Since the last accepted copy: the second source's operations (added, not accepted yet), its
    // schemes, and the one change of the first.
    const changes = report.change!.changes.map((c) => `${c.impact} ${c.where} — ${c.message}`);
    expect(changes.filter((c) => c.includes(ACCOUNTS))).toEqual([
      `minor GET ${ACCOUNTS} response 200: seen_at — \`seen_at\` added (optional, string)`,
    ]);
    expect(changes.filter((c) => c.includes(AUTH_CONFIGS))).toContain(
      `minor GET ${AUTH_CONFIGS} — operation added (getAuthConfigs)`,
    );
    expect(readFileSync(join(dir, BASELINE), "utf8")).not.toContain(AUTH_CONFIGS);
  });

  it("whose paths are the first's in another version is refused: operations are matched without it (trial 03)", () => {
    // 2025-07's connected accounts on /api/v3/ are v3.1's on /api/v3.1/ once the version is set
    // aside: kept both, one would shadow the other in every comparison.
    const fresh = workspace();
    const before = readFileSync(join(fresh, PROVENANCE), "utf8");
    expect(() =>
      pull({ doc: july, source: "july.yml", dir: fresh, prefix: "/api/v3/connected_accounts" }),
    ).toThrow(
      `july.yml: GET /api/v3/connected_accounts is GET ${ACCOUNTS} of the source pinned for ${ACCOUNTS} (paths are matched without their version): one source per resource`,
    );
    expect(readFileSync(join(fresh, PROVENANCE), "utf8")).toBe(before);
  });
});

describe("provenance.json", () => {
  it("written before sources (one source's fields at the top) still reads, as one source", () => {
    const legacy = join(scratch, "legacy.json");
    writeFileSync(
      legacy,
      JSON.stringify({
        source: "openapi.json",
        commit: "030e86e4",
        title: "T",
        version: "3.1.0",
        prefix: ACCOUNTS,
        sha256: "ab",
        pulledAt: "2026-12-04T15:18:01.000Z",
      }),
    );
    expect(readProvenance(legacy)).toEqual({
      sources: [
        {
          source: "openapi.json",
          commit: "030e86e4",
          title: "T",
          version: "3.1.0",
          prefix: ACCOUNTS,
          pulledAt: "2026-12-04T15:18:01.000Z",
        },
      ],
      sha256: "ab",
    });
  });
  it("that is not what a pull writes is named with the file and the field (trial 17)", () => {
    const path = join(scratch, "broken-provenance.json");
    const good = JSON.parse(readFileSync(join(UPSTREAM_DIR, PROVENANCE), "utf8")) as Schema;
    const refused = (text: string) => {
      writeFileSync(path, text);
      return () => readProvenance(path);
    };
    expect(refused('{\n  "sources": [,]\n}')).toThrow(`${path}:2:15: not valid JSON`);
    expect(refused(JSON.stringify({ ...good, sources: [] }))).toThrow(
      `${path}: \`sources\` lists no source; restore the folder (\`git checkout api/upstream/\`) or pull again`,
    );
    const { prefix: _gone, ...noPrefix } = good.sources[0];
    expect(refused(JSON.stringify({ ...good, sources: [good.sources[0], noPrefix] }))).toThrow(
      `${path}: sources[1].prefix is missing (a string is expected); restore the folder`,
    );
    expect(refused(JSON.stringify({ ...good, sha256: 42 }))).toThrow(
      `${path}: sha256 is 42 (a string is expected); restore the folder`,
    );
  });
});

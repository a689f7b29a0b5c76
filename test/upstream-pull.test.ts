// `npm run upstream:pull` when things go wrong: a write cut short, a copy that is not what the
// provenance records, a document that refers to what it does not hold, a URL that does not answer,
// a document that is not valid JSON. Each refused with what is wrong and where; nothing half-written
// is ever kept. Servers on 127.0.0.1; every folder a temporary copy of api/upstream/.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Schema } from "../scripts/lib/spec.js";
import {
  BASELINE,
  COPY,
  PROVENANCE,
  pull,
  readSource,
  readUpstream,
  serialize,
  sha256,
  UPSTREAM_DIR,
  upstreamReport,
  writeFileAtomic,
} from "../scripts/upstream/pinned.js";
import { json, serverPerTest } from "./helpers/server.js";

const scratch = mkdtempSync(join(tmpdir(), "composio-upstream-pull-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const serve = serverPerTest();

const pinnedText = readFileSync(join(UPSTREAM_DIR, COPY), "utf8");
const pinned = () => JSON.parse(pinnedText) as Schema;
const LIST = "/api/v3.1/connected_accounts";

let folders = 0;
function workspace(): string {
  const dir = join(scratch, `folder-${folders++}`);
  cpSync(UPSTREAM_DIR, dir, { recursive: true });
  return dir;
}
const files = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
/** The pinned copy with one more answer field: a real change. */
const changed = () => {
  const doc = pinned();
  doc.paths[LIST].get.responses["200"].content["application/json"].schema.properties.seen_at = {
    type: "string",
  };
  return doc;
};

/** Writes `doc` as the folder's copy, its provenance recording it, as an older pull would have. */
function pinAsIs(dir: string, doc: Schema): void {
  const text = serialize(doc);
  writeFileSync(join(dir, COPY), text);
  const provenance = JSON.parse(readFileSync(join(dir, PROVENANCE), "utf8")) as Schema;
  writeFileSync(join(dir, PROVENANCE), JSON.stringify({ ...provenance, sha256: sha256(text) }));
}

/** A writer that runs out of disk halfway through: half the text, then ENOSPC. */
const diskFullAfterHalf = (path: string, text: string) => {
  writeFileSync(path, text.slice(0, text.length >> 1));
  throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: "ENOSPC" });
};

describe("writes", () => {
  it("are whole or not at all: a write cut short leaves the file as it was and no temporary file", () => {
    const dir = workspace();
    const path = join(dir, COPY);
    expect(() => writeFileAtomic(path, "{}\n", diskFullAfterHalf)).toThrow(/ENOSPC/);
    expect(readFileSync(path, "utf8")).toBe(pinnedText);
    expect(readdirSync(dir).sort()).toEqual(Object.keys(files(UPSTREAM_DIR)).sort());
  });

  it("of a pull cut short leave the folder as it was", () => {
    const dir = workspace();
    const before = files(dir);
    expect(() => pull({ doc: changed(), source: "next.json", dir, write: diskFullAfterHalf })).toThrow(
      /ENOSPC/,
    );
    expect(files(dir)).toEqual(before);
    // And the folder still reads: the check can run.
    expect(readUpstream(dir).copy).toEqual(pinned());
  });
  it("of a pull cut short between its renames are finished when the folder is next read (trial 13)", () => {
    const dir = workspace();
    let renames = 0;
    // The process dies after the first rename: the copy is new, its provenance not yet.
    const dies = (from: string, to: string) => {
      if (++renames === 2) throw Object.assign(new Error("killed"), { code: "EINTR" });
      renameSync(from, to);
    };
    expect(() => pull({ doc: changed(), source: "next.json", dir, rename: dies })).toThrow(/killed/);
    const upstream = readUpstream(dir);
    expect(upstream.copy).toEqual(changed());
    expect(upstream.baseline).toEqual(pinned());
    expect(upstream.provenance.sources[0]!.source).toBe("next.json");
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]);
  });
});

describe("what the provenance records", () => {
  it("is checked before the copy becomes the baseline: a truncated copy is refused, not kept", () => {
    const dir = workspace();
    writeFileSync(join(dir, COPY), pinnedText.slice(0, 1000));
    expect(() => pull({ doc: changed(), source: "next.json", dir })).toThrow(
      /composio\.json is not the copy .*provenance\.json records \(sha256 [0-9a-f]{64} ≠ [0-9a-f]{64}\).*git checkout/,
    );
    expect(existsSync(join(dir, BASELINE))).toBe(false);
  });

  it("is checked when the baseline is read: a baseline that is not the one recorded is refused", () => {
    const dir = workspace();
    pull({ doc: changed(), source: "next.json", dir });
    expect(readUpstream(dir).baseline).toEqual(pinned());
    writeFileSync(join(dir, BASELINE), pinnedText.slice(0, 1000));
    expect(() => readUpstream(dir)).toThrow(
      /composio\.baseline\.json is not the baseline .*provenance\.json records \(sha256 [0-9a-f]{64} ≠ [0-9a-f]{64}\)/,
    );
  });
});

describe("a document", () => {
  it("with a $ref that points at nothing is refused, naming the source, the ref and where it is", () => {
    const doc = changed();
    doc.paths[LIST].get.responses["200"].content["application/json"].schema.properties.seen_at = {
      $ref: "#/components/schemas/Missing",
    };
    expect(() => pull({ doc, source: "next.json", dir: workspace() })).toThrow(
      'next.json: $ref "#/components/schemas/Missing" at #/paths/~1api~1v3.1~1connected_accounts/get/responses/200/content/application~1json/schema/properties/seen_at points at nothing',
    );
  });

  it("pinned before the pull refused such refs is named when read, with the file and the pointer", () => {
    const dir = workspace();
    const doc = pinned();
    doc.paths[LIST].get.responses["200"].content["application/json"].schema = {
      $ref: "#/components/schemas/Gone",
    };
    pinAsIs(dir, doc);
    expect(() => readUpstream(dir)).toThrow(
      /composio\.json: \$ref "#\/components\/schemas\/Gone" at #\/paths\/~1api~1v3\.1~1connected_accounts\/get\/responses\/200\/content\/application~1json\/schema points at nothing; pull the document again/,
    );
  });

  it("with a $ref to another file is refused: the pull takes one bundled document", () => {
    const doc = changed();
    doc.paths[LIST].get.responses["200"].content["application/json"].schema.properties.seen_at = {
      $ref: "./schemas/SeenAt.yaml",
    };
    expect(() => pull({ doc, source: "next.json", dir: workspace() })).toThrow(
      /^next\.json: \$ref "\.\/schemas\/SeenAt\.yaml" at #\/paths\/~1api~1v3\.1~1connected_accounts\/get\/.*\/seen_at refers to another file: pull the bundled document/,
    );
  });

  it("says what it did and what comes next, and only that (trial 15)", () => {
    const dir = join(scratch, "advice");
    mkdirSync(dir);
    // Named as the document names itself: whatever the last pull pinned (never its version by
    // hand, which the next pull changes).
    const { title, version } = pinned().info as { title: string; version: string };
    // The first copy in a folder: nothing was reconciled, nothing is pending.
    expect(pull({ doc: pinned(), source: "a.json", dir, prefix: LIST }).text).toBe(
      `upstream:pull: ${join(dir, COPY)} is now ${title} ${version} from a.json; the first copy here: \`npm run check\` compares our spec with it, and rates what the next pull changes.`,
    );
    pull({ doc: changed(), source: "b.json", dir });
    // The same document again while a pull is pending: the pending pull is still to be reconciled.
    expect(pull({ doc: changed(), source: "b.json", dir }).text).toBe(
      `upstream:pull: b.json holds the pinned copy as it is (${version}); nothing written. The last pull is still pending: reconcile the spec with it, then \`npm run upstream:pull -- --accept\`.`,
    );
  });

  it("whose keys are only reordered is no change", () => {
    const reversed = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(reversed)
        : node && typeof node === "object"
          ? Object.fromEntries(
              Object.entries(node)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : node;
    const dir = workspace();
    const result = pull({ text: JSON.stringify(reversed(pinned())), source: "reordered.json", dir });
    expect(result.changed).toBe(false);
    expect(readFileSync(join(dir, COPY), "utf8")).toBe(pinnedText);
    expect(existsSync(join(dir, BASELINE))).toBe(false);
  });

  it("that is not valid JSON (a trailing comma) is refused with file:line:col", () => {
    const text = `{\n  "openapi": "3.0.0",\n  "paths": {},\n}\n`;
    expect(() => pull({ text, source: "next.json", dir: workspace() })).toThrow(/^next\.json:4:1: /);
    // Not read as YAML instead (YAML's flow mappings allow the comma).
    expect(() => pull({ text, source: "next", dir: workspace() })).toThrow(/^next:4:1: /);
  });

  it("that gives a key twice in one JSON object is refused with file:line:col and the key (trial 06)", () => {
    const text = `{\n  "openapi": "3.0.0",\n  "paths": {\n    "/a": {},\n    "/a": { "get": {} }\n  }\n}\n`;
    expect(() => pull({ text, source: "next.json", dir: workspace() })).toThrow(
      'next.json:5:5: "/a" is given twice in #/paths: JSON.parse would keep the last silently',
    );
    // Escaped alike is the same key.
    const escaped = `{"openapi": "3.0.0", "paths": {}, "open\\u0061pi": "3.1.0"}`;
    expect(() => pull({ text: escaped, source: "next.json", dir: workspace() })).toThrow(
      /^next\.json:1:35: "openapi" is given twice in #:/,
    );
  });

  it("whose YAML aliases expand without bound (billion laughs) is refused, not read into memory (trial 10)", () => {
    const levels = Array.from(
      { length: 9 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(", ")}]`,
    );
    const text = `openapi: 3.0.0\nl0: &l0 [lol]\n${levels.join("\n")}\npaths: {}\n`;
    const started = performance.now();
    expect(() => pull({ text, source: "laughs.yaml", dir: workspace() })).toThrow(
      /^laughs\.yaml: not valid YAML \(Excessive alias count/,
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("that is not valid YAML is refused with file:line:col", () => {
    expect(() =>
      pull({ text: "openapi: 3.0.0\npaths:\n  a: [1\n", source: "next.yaml", dir: workspace() }),
    ).toThrow(/^next\.yaml:\d+:\d+: /);
  });

  // Trial 12, 11, 05/14: refs that loop, schemas that recurse, nesting past the limits.
  it("whose $refs loop with no schema between (A is B, B is A) is refused, naming the loop", () => {
    const doc = changed();
    doc.components.schemas.LoopA = { $ref: "#/components/schemas/LoopB" };
    doc.components.schemas.LoopB = { $ref: "#/components/schemas/LoopA" };
    doc.paths[LIST].get.responses["200"].content["application/json"].schema.properties.seen_at = {
      $ref: "#/components/schemas/LoopA",
    };
    expect(() => pull({ doc, source: "next.json", dir: workspace() })).toThrow(
      /^next\.json: \$ref "#\/components\/schemas\/LoopB" at #\/components\/schemas\/LoopA loops: #\/components\/schemas\/LoopB → #\/components\/schemas\/LoopA → #\/components\/schemas\/LoopB$/,
    );
  });

  it("with a recursive schema (a tree) is pulled and rated quickly, a change inside it named once", async () => {
    const tree = (extra: Schema = {}) => {
      const doc = pinned();
      doc.components.schemas.Node = {
        type: "object",
        properties: {
          name: { type: "string" },
          ...extra,
          ...Object.fromEntries(["a", "b", "c", "d"].map((k) => [k, { $ref: "#/components/schemas/Node" }])),
        },
      };
      doc.paths[LIST].get.responses["200"].content["application/json"].schema.properties.tree = {
        $ref: "#/components/schemas/Node",
      };
      return doc;
    };
    // A fresh folder: the tree is the reconciled copy, the one with `size` the pull.
    const dir = join(scratch, "tree");
    mkdirSync(dir);
    pull({ doc: tree(), source: "tree.json", dir, prefix: LIST });
    pull({ doc: tree({ size: { type: "integer" } }), source: "tree2.json", dir });
    const started = performance.now();
    const report = await upstreamReport({ specPath: "spec/openapi.yaml", dir });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(report.change!.changes.map((c) => `${c.impact} ${c.where} — ${c.message}`)).toEqual([
      `minor GET ${LIST} response 200: tree.size — \`size\` added (optional, integer)`,
    ]);
  }, 30_000);

  it("with a union that holds itself (Self is Self or a string) is compared, the check naming it", async () => {
    const dir = join(scratch, "self");
    mkdirSync(dir);
    const doc = pinned();
    doc.components.schemas.Self = { oneOf: [{ $ref: "#/components/schemas/Self" }, { type: "string" }] };
    doc.paths[LIST].get.responses["200"].content["application/json"].schema.properties.seen_at = {
      $ref: "#/components/schemas/Self",
    };
    pull({ doc, source: "self.json", dir, prefix: LIST });
    const report = await upstreamReport({ specPath: "spec/openapi.yaml", dir });
    expect(report.reconciliation.unrecorded).toContainEqual({
      id: `GET ${LIST} · response 200 · seen_at · property`,
      ours: "absent",
      upstream: "optional string",
    });
  });

  it("nesting deeper than the limit is refused with where and how deep, not compared in part", () => {
    const doc = changed();
    let schema: Schema = { type: "string" };
    for (let i = 0; i < 100; i++) schema = { type: "object", properties: { deeper: schema } };
    doc.paths[LIST].get.responses["200"].content["application/json"].schema.properties.seen_at = schema;
    expect(() => pull({ doc, source: "next.json", dir: workspace() })).toThrow(
      /^next\.json: nests deeper than 64 levels \(objects and arrays\) at #\/paths\/~1api~1v3\.1~1connected_accounts\/get\/responses\/200\/content\/application~1json\/schema\/properties\/seen_at(\/properties\/deeper)+\/…$/,
    );
  });

  it("too deep for the YAML reader is refused with file:line:col and why", () => {
    const text = `openapi: 3.0.0\npaths: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`;
    expect(() => pull({ text, source: "deep.yaml", dir: workspace() })).toThrow(
      /^deep\.yaml:2:\d+: nests too deep to read \(over 64 levels is refused anyway\)$/,
    );
  });

  it("pinned with a loop before the pull refused one is named when read", () => {
    const dir = workspace();
    const doc = pinned();
    doc.components.schemas.Self = { $ref: "#/components/schemas/Self" };
    doc.paths[LIST].get.responses["200"].content["application/json"].schema = {
      $ref: "#/components/schemas/Self",
    };
    pinAsIs(dir, doc);
    expect(() => readUpstream(dir)).toThrow(
      /composio\.json: \$ref "#\/components\/schemas\/Self" at .* loops: .*; pull the document again/,
    );
  });
});

describe("a URL", () => {
  it("that refuses the connection is named, with the cause", async () => {
    const server = await serve((_, res) => json(res, 200, {}));
    const url = `${server.url}/openapi.json`;
    await server.close();
    await expect(readSource(url)).rejects.toThrow(
      new RegExp(`^could not read ${url.replace(/[.?]/g, "\\$&")}: ECONNREFUSED`),
    );
  });

  it("that redirects to another host is refused, naming both, and the other host is never asked (trial 19)", async () => {
    const elsewhere = await serve((_, res) => json(res, 200, pinned()));
    const server = await serve((req, res) => {
      if (req.url === "/moved.json") return json(res, 200, pinned());
      res.writeHead(302, { location: req.url === "/here" ? "/moved.json" : `${elsewhere.url}/openapi.json` });
      res.end();
    });
    await expect(readSource(`${server.url}/openapi.json`)).rejects.toThrow(
      `${server.url}/openapi.json redirects to ${elsewhere.url}/openapi.json, another host: pull that URL itself if it is Composio's`,
    );
    expect(elsewhere.requests).toEqual([]);
    // A redirect on the same host is followed.
    expect(JSON.parse(await readSource(`${server.url}/here`))).toEqual(pinned());
  });

  it("that does not answer is given up after the timeout, naming the URL", async () => {
    const server = await serve(() => {});
    const url = `${server.url}/openapi.json`;
    await expect(readSource(url, { timeoutMs: 300 })).rejects.toThrow(
      `could not read ${url}: no answer within 0.3 s (--timeout)`,
    );
  });

  it("that stops sending halfway is given up after the timeout too", async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"openapi": "3.0.0", ');
    });
    const url = `${server.url}/openapi.json`;
    await expect(readSource(url, { timeoutMs: 300 })).rejects.toThrow(
      `could not read ${url}: no answer within 0.3 s (--timeout)`,
    );
  });
});

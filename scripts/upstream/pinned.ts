// Composio's own description of the connected-accounts API, pinned in the repository, and what
// `npm run check` makes of it. The folder (api/upstream/ by default) holds:
//
//   composio.json           a structural copy of Composio's openapi.json, cut down to the
//                           connected-accounts paths, descriptions, summaries and examples removed:
//                           data our spec is compared with, never a spec of ours. It may hold the
//                           cuts of several documents (auth configs from another, say): one per
//                           source, each under its prefix, merged (a component name two sources
//                           give different contents is renamed in the later one, `Error_2`).
//   provenance.json         where and when each part came from: its sources, each with its prefix,
//                           document, upstream commit, info.version and when pulled; the copy's
//                           sha256; and, while one is pending, the baseline.
//   composio.baseline.json  only after a pull that changed the copy and until it is accepted: the
//                           copy as it was at the last reconciled pull. The check lists every change
//                           from it to the copy, each rated for our users (scripts/upstream/changes.ts:
//                           union members paired by their discriminators, named by member).
//   differences.yaml        the deliberate differences between our spec and the copy, one entry per
//                           difference id (scripts/upstream/compare.ts), each with its reason.
//
// The loop: `npm run upstream:pull -- <file-or-url>` refreshes the copy (keeping the baseline);
// `npm run check` lists Composio's changes, rated, and every difference that is neither fixed nor
// recorded; the maintainer edits the spec or records a difference; `npm run upstream:pull --
// --accept` drops the baseline (it refuses while the spec and the record disagree with the copy).
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { isAlias, isMap, isSeq, parseDocument } from "yaml";
import { formatChanges } from "../release/gate.js";
import { atPointer, bundleSpec, HTTP_METHODS, isObject } from "../release/spec-rating.js";
import type { Schema } from "../lib/spec.js";
import type { RatedChange } from "../release/impact.js";
import { diffUpstream, type UpstreamChange } from "./changes.js";
import { compareSpecs, pathKey, type Divergence } from "./compare.js";

export const UPSTREAM_DIR = "api/upstream";
export const COPY = "composio.json";
export const BASELINE = "composio.baseline.json";
export const PROVENANCE = "provenance.json";
export const DIFFERENCES = "differences.yaml";

/** One document the copy holds a cut of. */
export interface Source {
  /** Where it was pulled from: a URL, or the file as named to the pull. */
  source: string;
  /** How the source reached us, when not pulled from it directly. */
  via?: string;
  /** Upstream's commit, when known (`--commit`). */
  commit?: string;
  title: string;
  /** Upstream's `info.version`. */
  version: string;
  /** Which paths were kept: this prefix and everything under it. */
  prefix: string;
  pulledAt: string;
}

export interface Provenance {
  /** The documents the copy is cut from, in the copy's order (the first gives its info and servers). */
  sources: Source[];
  /** sha256 of composio.json's bytes. */
  sha256: string;
  /** When the last pull was accepted (the spec reconciled with it). */
  reconciledAt?: string;
  /** While a pull is pending: the copy it replaced (composio.baseline.json). */
  baseline?: { sha256: string; version: string; pulledAt: string };
}

/** A deliberate difference, as recorded: which, what each side says there, and why. */
export interface Difference {
  id: string;
  /** Our side, as the check prints it: a change of it is a new difference. */
  ours: string;
  /** Upstream's side, as the check prints it: a change of it is a new difference. */
  upstream: string;
  reason: string;
  /** The anchor the reason refers to (`reason: *open`), when it is one: a changed record's entry to
   * paste refers to it again. */
  anchor?: string;
}

/**
 * provenance.json, if there is one. One written before sources (a source's fields at its top)
 * reads as one source.
 */
export function readProvenance(path: string): Provenance | undefined {
  if (!existsSync(path)) return undefined;
  const read = parseSource(readFileSync(path, "utf8"), path);
  const wrong = (what: string): never => {
    throw new Error(`${path}: ${what}; restore the folder (\`git checkout api/upstream/\`) or pull again`);
  };
  if (!isObject(read)) return wrong("an object with `sources` and `sha256` is expected");
  let provenance: Provenance;
  if (Array.isArray(read.sources)) provenance = read as Provenance;
  else {
    const { sha256: sum, reconciledAt, baseline, ...source } = read;
    provenance = {
      sources: [source as Source],
      sha256: sum,
      ...(reconciledAt && { reconciledAt }),
      ...(baseline && { baseline }),
    };
  }
  const text = (value: unknown, name: string) => {
    if (typeof value !== "string")
      wrong(`${name} is ${value === undefined ? "missing" : JSON.stringify(value)} (a string is expected)`);
  };
  if (!provenance.sources.length) wrong("`sources` lists no source");
  provenance.sources.forEach((s, i) => {
    if (!isObject(s)) wrong(`sources[${i}] is not an object`);
    for (const field of ["source", "title", "version", "prefix", "pulledAt"] as const)
      text(s[field], `sources[${i}].${field}`);
  });
  text(provenance.sha256, "sha256");
  if (provenance.baseline !== undefined)
    for (const field of ["sha256", "version", "pulledAt"] as const)
      text((provenance.baseline as Schema)?.[field], `baseline.${field}`);
  return provenance;
}

/** The sources, for people: `Composio Platform API v3.1 (version 3.1.0, commit 030e86e4), pulled 2026-12-04`, and … */
const sourcesText = (p: Provenance): string =>
  p.sources
    .map(
      (s) =>
        `${s.title} (version ${s.version}${s.commit ? `, commit ${s.commit}` : ""}), pulled ${s.pulledAt.slice(0, 10)}${p.sources.length > 1 ? `, for ${s.prefix}` : ""}`,
    )
    .join("; and ");

/** The sources' versions, for people: `3.1.0`, or `3.1.0, 3.0.0`. */
const versionsOf = (p: Provenance): string => p.sources.map((s) => s.version).join(", ");
/** When the last of the sources was pulled. */
const lastPulled = (p: Provenance): string =>
  p.sources
    .map((s) => s.pulledAt)
    .sort((a, b) => a.localeCompare(b))
    .at(-1) ?? "";

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export type Write = (path: string, text: string) => void;
export type Rename = (from: string, to: string) => void;

/** The journal of a set of writes under way: which temporary file becomes which (see below). */
export const JOURNAL = ".writes-pending.json";

/**
 * Writes files whole or not at all, together: each text goes to a temporary file beside its
 * target; once every one is written, a journal (itself written whole) records which becomes which,
 * then they are renamed over their targets (`null` removes the file) and the journal goes. A write
 * cut short (a full disk, a kill) leaves every target as it was and no temporary file; a kill
 * between the renames leaves the journal, and `finishWrites` (run whenever the folder is read)
 * completes them: the files are never half old, half new. `write` and `rename` are how (tests pass
 * ones that fail). All the files are in one folder.
 */
export function writeFilesAtomic(
  files: Record<string, string | null>,
  write: Write = writeFileSync,
  rename: Rename = renameSync,
): void {
  const paths = Object.keys(files);
  if (!paths.length) return;
  const dir = dirname(paths[0]!);
  if (paths.some((p) => dirname(p) !== dir)) throw new Error("writeFilesAtomic: the files are in one folder");
  finishWrites(dir);
  const temporary = (path: string) =>
    join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  const pending: [temporary: string, path: string][] = [];
  const journalTemporary = temporary(JOURNAL);
  try {
    for (const [path, text] of Object.entries(files)) {
      if (text === null) continue;
      const t = temporary(path);
      pending.push([t, path]);
      write(t, text);
    }
    const journal = {
      renames: pending.map(([t, path]) => [basename(t), basename(path)]),
      removes: paths.filter((p) => files[p] === null).map((p) => basename(p)),
    };
    write(journalTemporary, `${JSON.stringify(journal)}\n`);
  } catch (error) {
    for (const [t] of pending) rmSync(t, { force: true });
    rmSync(journalTemporary, { force: true });
    throw error;
  }
  rename(journalTemporary, join(dir, JOURNAL));
  finishWrites(dir, rename);
}

/** Completes a set of writes that a kill cut short between its renames (its journal is there). */
export function finishWrites(dir: string, rename: Rename = renameSync): void {
  const path = join(dir, JOURNAL);
  if (!existsSync(path)) return;
  const { renames, removes } = JSON.parse(readFileSync(path, "utf8")) as {
    renames: [string, string][];
    removes: string[];
  };
  for (const [from, to] of renames) if (existsSync(join(dir, from))) rename(join(dir, from), join(dir, to));
  for (const name of removes) rmSync(join(dir, name), { force: true });
  rmSync(path);
}

export const writeFileAtomic = (path: string, text: string, write: Write = writeFileSync): void =>
  writeFilesAtomic({ [path]: text }, write);

/** The copy as written: JSON, two spaces, a final newline (so its sha256 is reproducible). */
export const serialize = (doc: Schema): string => `${JSON.stringify(doc, null, 2)}\n`;

// ── The structural copy ─────────────────────────────────────────────────────────────────────────

/** Keywords that only document: the copy drops them (a property of that name stays). */
const PROSE = new Set(["description", "summary", "example", "examples"]);
/** Maps whose keys are names, not keywords. */
const NAMED = new Set(["properties", "patternProperties", "paths", "responses", "content", "schemas"]);

function stripProse(node: unknown, named = false): unknown {
  if (Array.isArray(node)) return node.map((item) => stripProse(item));
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!named && PROSE.has(key)) continue;
    out[key] = stripProse(value, !named && NAMED.has(key));
  }
  return out;
}

/**
 * Composio's openapi.json cut down as the pinned copy is: the paths under `prefix`, the components
 * they reach (every security scheme), descriptions, summaries and examples removed. A structural
 * copy comes out as it went in.
 */
export function structuralCopy(doc: Schema, prefix: string): Schema {
  if (!isObject(doc) || typeof doc.openapi !== "string" || !isObject(doc.paths))
    throw new Error('not an OpenAPI document: no "openapi" version or no "paths"');
  const paths: Schema = {};
  for (const [path, item] of Object.entries(doc.paths))
    if (path === prefix || path.startsWith(`${prefix}/`)) paths[path] = item;
  if (!Object.keys(paths).length) throw new Error(`no path of the document starts with ${prefix}`);

  // The components the kept paths reach, following refs from component to component.
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === "string" && ref.startsWith("#/components/") && !reached.has(ref)) {
      reached.add(ref);
      const [, , section, name] = ref.split("/");
      visit(doc.components?.[section!]?.[name!]);
    }
    Object.values(node).forEach(visit);
  };
  visit(paths);
  if (isObject(doc.security)) visit(doc.security);

  const components: Schema = {};
  for (const [section, entries] of Object.entries((doc.components ?? {}) as Schema)) {
    if (!isObject(entries)) continue;
    const kept = Object.entries(entries).filter(
      ([name]) => section === "securitySchemes" || reached.has(`#/components/${section}/${name}`),
    );
    if (kept.length) components[section] = Object.fromEntries(kept);
  }
  const out: Schema = {};
  for (const key of Object.keys(doc)) {
    if (key === "paths") out.paths = paths;
    else if (key === "components") out.components = components;
    else if (["openapi", "info", "servers", "security"].includes(key)) out[key] = doc[key];
  }
  return stripProse(out) as Schema;
}

/**
 * The cuts of several documents as one copy: the first gives openapi, info, servers and the root
 * security; each later one's operations keep the security its own root gave them, and a component
 * name it gives other contents than an earlier cut is renamed in it (`Error_2`), with its refs.
 */
export function mergeCopies(parts: Schema[]): Schema {
  const [first, ...rest] = parts;
  if (!first) throw new Error("no cut to merge");
  if (!rest.length) return first;
  const out = structuredClone(first);
  out.components ??= {};
  for (const original of rest) {
    const part = structuredClone(original);
    for (const item of Object.values((part.paths ?? {}) as Schema))
      for (const op of Object.values(item as Schema))
        if (isObject(op) && isObject(op.responses)) op.security ??= part.security ?? [];
    const renamed = new Map<string, string>();
    const schemes = new Map<string, string>();
    for (const [section, entries] of Object.entries((part.components ?? {}) as Schema))
      for (const [name, value] of Object.entries(entries as Schema)) {
        const there = out.components[section]?.[name];
        if (there === undefined || JSON.stringify(canonical(there)) === JSON.stringify(canonical(value)))
          continue;
        let n = 2;
        while (
          out.components[section]?.[`${name}_${n}`] !== undefined ||
          part.components[section][`${name}_${n}`] !== undefined
        )
          n++;
        renamed.set(`#/components/${section}/${name}`, `#/components/${section}/${name}_${n}`);
        if (section === "securitySchemes") schemes.set(name, `${name}_${n}`);
      }
    const rewrite = (node: unknown, key?: string): unknown => {
      if (Array.isArray(node))
        return node.map((item) =>
          // A security requirement names its schemes by key.
          key === "security" && isObject(item)
            ? Object.fromEntries(
                Object.entries(item).map(([name, scopes]) => [schemes.get(name) ?? name, scopes]),
              )
            : rewrite(item),
        );
      if (!isObject(node)) return node;
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [
          k,
          k === "$ref" && typeof v === "string" ? (renamed.get(v) ?? v) : rewrite(v, k),
        ]),
      );
    };
    for (const [path, item] of Object.entries((part.paths ?? {}) as Schema)) {
      if (path in out.paths) throw new Error(`two sources hold ${path}: their prefixes overlap`);
      out.paths[path] = rewrite(item);
    }
    for (const [section, entries] of Object.entries((part.components ?? {}) as Schema))
      for (const [name, value] of Object.entries(entries as Schema)) {
        const ref = `#/components/${section}/${name}`;
        const target = (renamed.get(ref) ?? ref).split("/").pop()!;
        (out.components[section] ??= {})[target] ??= rewrite(value);
      }
  }
  return out;
}

// ── Reading the folder ──────────────────────────────────────────────────────────────────────────

export interface Upstream {
  dir: string;
  copy: Schema;
  baseline?: Schema;
  provenance: Provenance;
  differences: Difference[];
}

export function readUpstream(dir = UPSTREAM_DIR): Upstream {
  const file = (name: string) => join(dir, name);
  // A pull or accept killed between its renames is finished first: the files are all new.
  finishWrites(dir);
  if (!existsSync(file(COPY)))
    throw new Error(`no pinned copy at ${file(COPY)}; run \`npm run upstream:pull -- <file-or-url>\``);
  const text = readFileSync(file(COPY), "utf8");
  const provenance = readProvenance(file(PROVENANCE));
  if (!provenance) throw new Error(`no ${file(PROVENANCE)} beside ${file(COPY)}: pull again`);
  if (provenance.sha256 !== sha256(text))
    throw new Error(
      `${file(COPY)} is not the copy ${file(PROVENANCE)} records (sha256 ${sha256(text)} ≠ ${provenance.sha256}): refresh it with \`npm run upstream:pull\`, never by hand`,
    );
  const copy = JSON.parse(text) as Schema;
  // A copy pulled before the pull refused such refs: named here, not a crash in the comparison.
  const problem = refProblem(copy);
  if (problem) throw new Error(`${file(COPY)}: ${problem}; pull the document again`);
  let baseline: Schema | undefined;
  if (existsSync(file(BASELINE))) {
    const kept = readFileSync(file(BASELINE), "utf8");
    const recorded = provenance.baseline?.sha256;
    if (recorded !== sha256(kept))
      throw new Error(
        `${file(BASELINE)} is not the baseline ${file(PROVENANCE)} records (sha256 ${sha256(kept)} ≠ ${recorded ?? "none recorded"}): cut short by an interrupted write, or edited by hand; restore the folder (\`git checkout ${dir}\`) and pull again`,
      );
    baseline = JSON.parse(kept) as Schema;
    const wrong = refProblem(baseline);
    if (wrong) throw new Error(`${file(BASELINE)}: ${wrong}; restore the folder and pull again`);
  }
  return {
    dir,
    copy,
    ...(baseline && { baseline }),
    provenance,
    differences: readDifferences(file(DIFFERENCES)),
  };
}

/**
 * differences.yaml: `differences:`, a list of `{ id, ours, upstream, reason }`, every id once, both
 * sides' values as the check prints them, every reason said; beside it `reasons:` may hold YAML
 * anchors (`open: &open …`) that entries share (`reason: *open`). A bare list is read too.
 */
export function readDifferences(path: string): Difference[] {
  if (!existsSync(path)) return [];
  const document = parseDocument(readFileSync(path, "utf8"));
  const [problem] = document.errors;
  if (problem) throw problem;
  const read = document.toJS() as unknown;
  if (read === null || read === undefined) return [];
  const list = Array.isArray(read) ? read : isObject(read) ? (read.differences ?? []) : undefined;
  // The anchors reasons refer to, by entry.
  const listNode: unknown = Array.isArray(read) ? document.contents : document.get("differences", true);
  const anchorOf = (i: number): string | undefined => {
    const item = isSeq(listNode) ? listNode.items[i] : undefined;
    const reason = isMap(item) ? item.get("reason", true) : undefined;
    return isAlias(reason) ? reason.source : undefined;
  };
  if (!Array.isArray(list))
    throw new Error(
      `${path}: \`differences:\`, a list of { id, ours, upstream, reason } entries, is expected`,
    );
  const seen = new Set<string>();
  return list.map((entry: unknown, i) => {
    const where = `${path}: entry ${i + 1}`;
    if (!isObject(entry) || typeof entry.id !== "string" || !entry.id.trim())
      throw new Error(`${where} has no id`);
    if (typeof entry.reason !== "string" || !entry.reason.trim())
      throw new Error(`${where} (${entry.id}) has no reason: say why the difference is deliberate`);
    if (typeof entry.ours !== "string" || typeof entry.upstream !== "string")
      throw new Error(
        `${where} (${entry.id}) records no values: add \`ours:\` and \`upstream:\` as the check prints them, so that a change under it is a new difference`,
      );
    if (seen.has(entry.id)) throw new Error(`${where} repeats ${entry.id}`);
    seen.add(entry.id);
    const anchor = anchorOf(i);
    return {
      id: entry.id,
      ours: entry.ours,
      upstream: entry.upstream,
      reason: entry.reason.trim(),
      ...(anchor && { anchor }),
    };
  });
}

// ── The check ───────────────────────────────────────────────────────────────────────────────────

export interface Reconciliation {
  divergences: Divergence[];
  /** Divergences no entry of differences.yaml records as they are (changed ones included). */
  unrecorded: Divergence[];
  /** Entries whose difference is still there, with other values: what changed under a record. */
  changed: { recorded: Difference; now: Divergence }[];
  /** Entries that name no divergence any more. */
  stale: Difference[];
}

export function reconcile(ours: Schema, upstream: Upstream): Reconciliation {
  const divergences = compareSpecs(ours, upstream.copy);
  const recorded = new Map(upstream.differences.map((d) => [d.id, d]));
  const found = new Set(divergences.map((d) => d.id));
  const changed: Reconciliation["changed"] = [];
  const unrecorded = divergences.filter((d) => {
    const entry = recorded.get(d.id);
    if (entry && (entry.ours !== d.ours || entry.upstream !== d.upstream))
      changed.push({ recorded: entry, now: d });
    return entry?.ours !== d.ours || entry.upstream !== d.upstream;
  });
  return {
    divergences,
    unrecorded,
    changed,
    stale: upstream.differences.filter((d) => !found.has(d.id)),
  };
}

/**
 * What Composio changed between the baseline and the copy, each change rated for this client's
 * users (scripts/upstream/changes.ts). Where our spec marks the counterpart `x-sdk-open`, both
 * documents carry the mark too, so that a value added to an enum our client already lets through
 * rates minor, not major; where our spec lists fewer values than upstream's (a deliberate narrowing:
 * revoke answers REVOKED), they carry ours (`x-sdk-ours-values`), so that a value upstream adds there
 * rates by what our users read: minor. The keys the client sends are the ones our spec's schemes name.
 */
export function rateUpstreamChange(ours: Schema, baseline: Schema, copy: Schema): UpstreamChange {
  const marked = (doc: Schema) => {
    const clone = structuredClone(doc);
    compareSpecs(ours, clone, {
      onOpen: (node) => void (node["x-sdk-open"] = true),
      onFewerValues: (node, values) => {
        const seen = (node["x-sdk-ours-values"] ?? []) as unknown[];
        node["x-sdk-ours-values"] = [...new Set([...seen, ...values])];
      },
    });
    return clone;
  };
  return diffUpstream(marked(baseline), marked(copy), { clientCredentials: clientCredentials(ours) });
}

/** The last part of a difference's id when it says what differs at its place (compare.ts). */
const ASPECTS = new Set([
  "type",
  "nullable",
  "enum",
  "union",
  "properties",
  "members' own properties",
  "property",
  "required",
  "content",
  "operation",
  "path",
  "security",
  "name",
  "deprecated",
  "open",
  "style",
  "explode",
]);
/** Differences that never say whether a change was followed: our own marks, how values are written. */
const BESIDE_THE_POINT = new Set(["open", "style", "explode", "deprecated"]);

/**
 * Composio's changes since the baseline (rated as above) that our spec followed: those at a place
 * where our spec and the copy no longer differ. A difference there (recorded or not: `ALL` kept in
 * `account_type`, revoke still answering only REVOKED, a new filter we did not take) means we did
 * not; our own marks (`open`) and how values are serialized do not count. What `npm run
 * changeset:suggest` describes of a sync.
 */
export function followedChanges(
  ours: Schema,
  { baseline, copy }: { baseline: Schema; copy: Schema },
): RatedChange[] {
  /** `GET /x response 200 items[].status`, from a change's place or a difference's id. */
  const place = (text: string) => text.replace(/: /g, " ").replace(/ +/g, " ").trim();
  const differs = new Set<string>();
  for (const { id } of compareSpecs(ours, copy)) {
    const parts = id.split(" · ");
    const aspect = ASPECTS.has(parts.at(-1)!) ? parts.pop()! : undefined;
    if (!aspect || !BESIDE_THE_POINT.has(aspect)) differs.add(place(parts.join(" ")));
  }
  return rateUpstreamChange(ours, baseline, copy).changes.filter((c) => !differs.has(place(c.where)));
}

/** The credentials our spec's security schemes send: `header x-api-key` (header names lowercased). */
export function clientCredentials(ours: Schema): Set<string> {
  const out = new Set<string>();
  for (const scheme of Object.values((ours.components?.securitySchemes ?? {}) as Schema)) {
    if (!isObject(scheme)) continue;
    if (scheme.type === "apiKey")
      out.add(`${scheme.in} ${scheme.in === "header" ? String(scheme.name).toLowerCase() : scheme.name}`);
    else if (scheme.type === "http") out.add(`http ${String(scheme.scheme).toLowerCase()}`);
  }
  return out;
}

export interface UpstreamReport {
  ok: boolean;
  text: string;
  reconciliation: Reconciliation;
  /** Composio's changes since the last reconciled pull, while one is pending. */
  change?: UpstreamChange;
}

/** A YAML scalar for the text: double-quoted with JSON's escapes, or single-quoted when it holds
 * double quotes and no control character (a JSON value in it then reads as written). */
const yamlString = (text: string) =>
  // eslint-disable-next-line no-control-regex
  text.includes('"') && !/[\u0000-\u001f\u007f]/.test(text)
    ? `'${text.replace(/'/g, "''")}'`
    : JSON.stringify(text);

/** The upstream part of `npm run check`: what fails it, and what it says either way. */
export async function upstreamReport({
  specPath,
  dir = UPSTREAM_DIR,
}: {
  specPath: string;
  dir?: string;
}): Promise<UpstreamReport> {
  const upstream = readUpstream(dir);
  const ours = bundleSpec(specPath);
  const reconciliation = reconcile(ours, upstream);
  const change = upstream.baseline ? rateUpstreamChange(ours, upstream.baseline, upstream.copy) : undefined;
  const { divergences, unrecorded, stale } = reconciliation;
  const { provenance: p } = upstream;
  const shown = relative(process.cwd(), dir) || ".";
  const lines = [
    `upstream: our spec against ${sourcesText(p)} (${shown}/${COPY}): ${divergences.length} differences, ${divergences.length - unrecorded.length} recorded as deliberate in ${shown}/${DIFFERENCES}`,
  ];
  if (unrecorded.length) {
    lines.push(
      `  ${unrecorded.length} difference${unrecorded.length === 1 ? " is" : "s are"} neither fixed nor recorded${reconciliation.changed.length ? ` (${reconciliation.changed.length} recorded with other values: changed under the record, by Composio or by our spec's own edit)` : ""}; fix the spec, or record a deliberate one with its reason:`,
    );
    const changedFrom = new Map(reconciliation.changed.map((c) => [c.now.id, c.recorded]));
    for (const d of unrecorded) {
      lines.push(`    ${d.id}`, `        ours:     ${d.ours}`, `        upstream: ${d.upstream}`);
      // A recorded difference whose values changed: what the record says, beside what is.
      const was = changedFrom.get(d.id);
      if (was && was.ours !== d.ours) lines.push(`        recorded: ours ${was.ours}`);
      if (was && was.upstream !== d.upstream) lines.push(`        recorded: upstream ${was.upstream}`);
    }
    lines.push(
      `  entries to paste into ${shown}/${DIFFERENCES}, each with its reason (only for deliberate ones; one recorded with other values replaces its record and carries its reason over: check that it still holds):`,
      ...unrecorded.map((d) => {
        const was = changedFrom.get(d.id);
        const reason = was ? (was.anchor ? `*${was.anchor}` : yamlString(was.reason)) : '""';
        return `    - id: ${yamlString(d.id)}\n      ours: ${yamlString(d.ours)}\n      upstream: ${yamlString(d.upstream)}\n      reason: ${reason}`;
      }),
    );
  }
  if (stale.length) {
    lines.push(
      `  ${stale.length} entr${stale.length === 1 ? "y" : "ies"} of ${shown}/${DIFFERENCES} match${stale.length === 1 ? "es" : ""} no difference any more (fixed, or renamed): delete ${stale.length === 1 ? "it" : "them"}:`,
      ...stale.map((d) => `    ${d.id}`),
    );
  }
  if (change && p.baseline) {
    lines.push(
      `  Composio changed its description since the last reconciled pull (${p.baseline.version}, pulled ${p.baseline.pulledAt.slice(0, 10)}): ${change.rating} for our users (${change.changes.length} change${change.changes.length === 1 ? "" : "s"}):`,
      ...formatChanges(change.changes),
      unrecorded.length || stale.length
        ? "  reconcile the spec with it (and record the deliberate differences), then `npm run upstream:pull -- --accept`."
        : "  every difference is fixed or recorded: run `npm run upstream:pull -- --accept` now (after the changeset: `npm run changeset:suggest`).",
    );
  }
  return {
    ok: !unrecorded.length && !stale.length && !change,
    text: lines.join("\n"),
    reconciliation,
    ...(change && { change }),
  };
}

// ── Pull and accept ─────────────────────────────────────────────────────────────────────────────

/** The largest document a pull reads: Composio's whole openapi.json is a few MB. */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

/** How many redirects (on the same origin) a pull follows. */
const MAX_REDIRECTS = 5;

/** How long a pull waits for a URL to answer, whole (`--timeout <seconds>`). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** A file, or an http(s) URL fetched with a time and size bound; a failure names the URL and why. */
export async function readSource(
  source: string,
  {
    timeoutMs = DEFAULT_TIMEOUT_MS,
    maxBytes = MAX_SOURCE_BYTES,
  }: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<string> {
  if (!/^https?:\/\//i.test(source)) return readFileSync(source, "utf8");
  // One deadline for the answer and its whole body: a server that stops halfway is given up too.
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (error: unknown) => {
    const e = error as {
      name?: string;
      message?: string;
      code?: string;
      cause?: { code?: string; message?: string };
    };
    const why =
      e?.name === "TimeoutError" || (e?.name === "AbortError" && signal.aborted)
        ? `no answer within ${timeoutMs / 1000} s (--timeout)`
        : [e?.cause?.code ?? e?.code, e?.cause?.message ?? e?.message].filter(Boolean).join(": ");
    return new Error(`could not read ${source}: ${why}`, { cause: error });
  };
  // Redirects are followed on the same origin only: a document from another host is not the one named.
  let response: Response;
  let url = source;
  for (let hops = 0; ; hops++) {
    try {
      response = await fetch(url, { signal, redirect: "manual" });
    } catch (error) {
      throw failed(error);
    }
    const location = response.headers.get("location");
    if (response.status < 300 || response.status > 399 || location === null) break;
    await response.body?.cancel();
    const next = new URL(location, url);
    if (next.origin !== new URL(source).origin)
      throw new Error(
        `${source} redirects to ${next.href}, another host: pull that URL itself if it is Composio's`,
      );
    if (hops >= MAX_REDIRECTS) throw new Error(`${source} redirects more than ${MAX_REDIRECTS} times`);
    url = next.href;
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`${source} answered ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new Error(`${source} is more than ${maxBytes} bytes`);
      }
      chunks.push(read.value);
    }
  } catch (error) {
    throw size > maxBytes ? error : failed(error);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** `line:col` (1-based) of an offset in `text`. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - before.lastIndexOf("\n")}`;
}

/** Where the JSON scan below stopped, and why when it is not the syntax. */
class JsonStop extends Error {
  constructor(
    readonly offset: number,
    readonly why?: string,
  ) {
    super(why ?? `not valid JSON at offset ${offset}`);
  }
}

/**
 * Where JSON text goes wrong: the offset of the first character that is not valid JSON (a trailing
 * comma's closing brace, say; V8's message gives it only for some errors), or of a key given twice
 * in one object (JSON.parse keeps the last silently), with `why`. Past MAX_NESTING levels it stops
 * looking (the pull refuses such nesting anyway): no stack overflow.
 */
export function jsonProblem(text: string): { offset: number; why?: string } | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const stop = (): never => {
    throw new JsonStop(i);
  };
  const expect = (c: string) => (text[i] === c ? i++ : stop());
  const string = (): string => {
    const start = i;
    expect('"');
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) stop();
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) stop();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) stop();
      }
      i++;
    }
    expect('"');
    return JSON.parse(text.slice(start, i)) as string;
  };
  const pointer = (path: string[]) =>
    `#${path.map((k) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;
  const value = (path: string[]): void => {
    if (path.length > MAX_NESTING) throw new JsonStop(i, "deep");
    ws();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      const keys = new Set<string>();
      i++;
      ws();
      if (text[i] === close) return void i++;
      for (let index = 0; ; index++) {
        ws();
        let key = String(index);
        if (c === "{") {
          const at = i;
          key = string();
          if (keys.has(key))
            throw new JsonStop(
              at,
              `${JSON.stringify(key)} is given twice in ${pointer(path)}: JSON.parse would keep the last silently`,
            );
          keys.add(key);
          ws();
          expect(":");
        }
        value([...path, key]);
        ws();
        if (text[i] === ",") i++;
        else return void expect(close);
      }
    }
    if (c === '"') return void string();
    const literal = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y;
    literal.lastIndex = i;
    if (!literal.test(text)) stop();
    i = literal.lastIndex;
  };
  try {
    value([]);
    ws();
    if (i < text.length) stop();
  } catch (error) {
    if (error instanceof JsonStop) return error.why === "deep" ? undefined : error;
    throw error;
  }
  return undefined;
}

/**
 * The source's text as a document: JSON when it is named `.json` or starts as JSON does (a
 * trailing comma is an error, not YAML's flow mapping), else YAML. An error names `source:line:col`.
 */
export function parseSource(text: string, source: string): unknown {
  const body = text.replace(/^\uFEFF/, "");
  if (/\.json$/i.test(source) || body.trimStart().startsWith("{") || body.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      const at = jsonProblem(body)?.offset ?? body.length;
      throw new Error(`${source}:${lineCol(body, at)}: not valid JSON (${(error as Error).message})`);
    }
    const problem = jsonProblem(body);
    if (problem) throw new Error(`${source}:${lineCol(body, problem.offset)}: ${problem.why}`);
    return parsed;
  }
  const doc = parseDocument(body);
  const [error] = doc.errors;
  if (error) {
    const at = error.linePos?.[0];
    throw new Error(
      /Maximum call stack/.test(error.message)
        ? `${source}:${at ? `${at.line}:${at.col}` : "1:1"}: nests too deep to read (over ${MAX_NESTING} levels is refused anyway)`
        : `${source}:${at ? `${at.line}:${at.col}` : "1:1"}: not valid YAML (${error.message.split("\n")[0]})`,
    );
  }
  // An alias may be expanded so many times (the yaml package's bound, 100, scaled by the document's
  // size): a chain of aliases of aliases (billion laughs) is refused, not read into memory.
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new Error(`${source}: not valid YAML (${(error as Error).message})`);
  }
}

/** How deep a document may nest (objects and arrays): Composio's nest 25 levels at most. */
export const MAX_NESTING = 64;

/** The first place the document nests deeper than MAX_NESTING, as a pointer (its first steps). Iterative: never a stack overflow. */
function tooDeep(doc: unknown): string | undefined {
  const stack: [node: unknown, path: string[]][] = [[doc, []]];
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (path.length >= MAX_NESTING)
      return `nests deeper than ${MAX_NESTING} levels (objects and arrays) at #/${path.slice(0, 16).join("/")}/…`;
    for (const [key, value] of Object.entries(node))
      stack.push([value, [...path, key.replace(/~/g, "~0").replace(/\//g, "~1")]]);
  }
  return undefined;
}

/**
 * What makes a copy unreadable, named with where: nesting past MAX_NESTING, a `$ref` to another
 * file or to nothing, and refs that loop with no schema between (A is B, B is A). A schema that
 * holds itself (a tree's `children`) is fine: the comparisons stop where they came in.
 */
function refProblem(copy: Schema): string | undefined {
  const deep = tooDeep(copy);
  if (deep) return deep;
  let problem: string | undefined;
  const visit = (node: unknown, pointer: string): void => {
    if (problem) return;
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${pointer}/${i}`));
    if (!isObject(node)) return;
    const ref = node.$ref;
    if (typeof ref === "string") {
      if (!ref.startsWith("#"))
        problem = `$ref "${ref}" at ${pointer} refers to another file: pull the bundled document (one file, every ref inside it), not a part of it`;
      else if (atPointer(copy, ref) === undefined) problem = `$ref "${ref}" at ${pointer} points at nothing`;
      else {
        // A chain of refs that comes back to itself is no schema at all.
        const chain = [ref];
        for (let at = atPointer(copy, ref); isObject(at) && typeof at.$ref === "string";) {
          const next: string = at.$ref;
          chain.push(next);
          if (chain.indexOf(next) < chain.length - 1) {
            problem = `$ref "${ref}" at ${pointer} loops: ${chain.join(" → ")}`;
            break;
          }
          at = next.startsWith("#") ? atPointer(copy, next) : undefined;
        }
      }
      if (problem) return;
    }
    for (const [key, value] of Object.entries(node))
      visit(value, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  };
  visit(copy, "#");
  return problem;
}

/** A copy's operations: `GET /api/v3.1/x`, and their key without the version (`pathKey`). */
const operationNames = (doc: Schema): { name: string; key: string }[] =>
  Object.entries((doc.paths ?? {}) as Schema).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => isObject(item) && isObject(item[m])).map((m) => ({
      name: `${m.toUpperCase()} ${path}`,
      key: `${m.toUpperCase()} ${pathKey(path)}`,
    })),
  );

/** Object keys in one order, deep: two copies that differ only in the order of keys read the same. */
const canonical = (node: unknown): unknown =>
  Array.isArray(node)
    ? node.map(canonical)
    : isObject(node)
      ? Object.fromEntries(
          Object.keys(node)
            .sort()
            .map((key) => [key, canonical(node[key])]),
        )
      : node;

export interface PullResult {
  changed: boolean;
  text: string;
}

/**
 * Refreshes the copy from `text` (a full openapi.json, or a structural copy; JSON or YAML), or from
 * `doc`, the document already parsed.
 */
export function pull({
  text,
  doc,
  source,
  dir = UPSTREAM_DIR,
  commit,
  prefix,
  now = new Date(),
  write = writeFileSync,
  rename = renameSync,
}: {
  /** How a file is written and renamed (tests pass ones that fail). */
  write?: Write;
  rename?: Rename;
  text?: string;
  doc?: Schema;
  source: string;
  dir?: string;
  commit?: string;
  prefix?: string;
  now?: Date;
}): PullResult {
  const file = (name: string) => join(dir, name);
  finishWrites(dir);
  const before = readProvenance(file(PROVENANCE));
  const sources = before?.sources ?? [];
  // Which source this document refreshes: the one with its prefix, or the only one; a new prefix adds one.
  if (!prefix && sources.length > 1)
    throw new Error(
      `${sources.length === 2 ? "two" : sources.length} sources are pinned: give --prefix, one of ${sources.map((s) => s.prefix).join(", ")}`,
    );
  const keep = prefix ?? sources[0]?.prefix;
  if (!keep) throw new Error("no --prefix given and no provenance.json to take it from");
  const index = sources.findIndex((s) => s.prefix === keep);
  const overlapping = sources.find(
    (s) =>
      s.prefix !== keep && (`${s.prefix}/`.startsWith(`${keep}/`) || `${keep}/`.startsWith(`${s.prefix}/`)),
  );
  if (overlapping) throw new Error(`--prefix ${keep} overlaps the source pinned with ${overlapping.prefix}`);
  const parsed = doc ?? parseSource(text ?? "", source);
  const deep = tooDeep(parsed);
  if (deep) throw new Error(`${source}: ${deep}`);
  const cut = structuralCopy(parsed as Schema, keep);
  const problem = refProblem(cut);
  if (problem) throw new Error(`${source}: ${problem}`);
  const current = existsSync(file(COPY)) ? readFileSync(file(COPY), "utf8") : undefined;
  // What becomes the baseline must be the copy recorded: never one cut short by an interrupted write.
  if (current !== undefined && before && sha256(current) !== before.sha256)
    throw new Error(
      `${file(COPY)} is not the copy ${file(PROVENANCE)} records (sha256 ${sha256(current)} ≠ ${before.sha256}): cut short by an interrupted write, or edited by hand; restore the folder (\`git checkout ${dir}\`) and pull again`,
    );
  // The other sources' parts, as the copy holds them; this one's, fresh.
  const pinnedDoc = current === undefined ? undefined : (JSON.parse(current) as Schema);
  const parts = sources.map((s, i) => (i === index ? cut : structuralCopy(pinnedDoc!, s.prefix)));
  // Operations are matched by method and path without the version: a source holding another's
  // operations in another version would shadow them in every comparison.
  const held = new Map<string, { op: string; prefix: string }>();
  sources.forEach((s, i) => {
    if (i !== index)
      for (const op of operationNames(parts[i]!)) held.set(op.key, { op: op.name, prefix: s.prefix });
  });
  for (const op of operationNames(cut)) {
    const other = held.get(op.key);
    if (other)
      throw new Error(
        `${source}: ${op.name} is ${other.op} of the source pinned for ${other.prefix} (paths are matched without their version): one source per resource`,
      );
  }
  if (index < 0) parts.push(cut);
  const merged = mergeCopies(parts);
  const copy = serialize(merged);
  const info = cut.info ?? {};
  if (pinnedDoc !== undefined && JSON.stringify(canonical(pinnedDoc)) === JSON.stringify(canonical(merged)))
    return {
      changed: false,
      text: `upstream:pull: ${source} holds the pinned copy as it is (${info.version}); nothing written.${before?.baseline ? " The last pull is still pending: reconcile the spec with it, then `npm run upstream:pull -- --accept`." : ""}`,
    };

  const files: Record<string, string | null> = {};
  let baseline = before?.baseline;
  // The baseline is the last reconciled copy: a second pull before the accept keeps it.
  if (!baseline && current !== undefined && before) {
    files[file(BASELINE)] = current;
    baseline = { sha256: before.sha256, version: versionsOf(before), pulledAt: lastPulled(before) };
  }
  if (baseline && baseline.sha256 === sha256(copy)) {
    // Back to the reconciled copy: nothing is pending.
    files[file(BASELINE)] = null;
    baseline = undefined;
  }
  files[file(COPY)] = copy;
  const pulled: Source = {
    source,
    ...(commit && { commit }),
    title: String(info.title ?? ""),
    version: String(info.version ?? ""),
    prefix: keep,
    pulledAt: now.toISOString(),
  };
  const provenance: Provenance = {
    sources: index < 0 ? [...sources, pulled] : sources.map((s, i) => (i === index ? pulled : s)),
    sha256: sha256(copy),
    ...(before?.reconciledAt && { reconciledAt: before.reconciledAt }),
    ...(baseline && { baseline }),
  };
  files[file(PROVENANCE)] = `${JSON.stringify(provenance, null, 2)}\n`;
  writeFilesAtomic(files, write, rename);
  const next = baseline
    ? "run `npm run check` to see what changed, rated, and where our spec now differs; reconcile, then `npm run upstream:pull -- --accept`."
    : current === undefined
      ? "the first copy here: `npm run check` compares our spec with it, and rates what the next pull changes."
      : "the copy is the reconciled one again: nothing is pending.";
  return {
    changed: true,
    text: `upstream:pull: ${file(COPY)} is now ${info.title} ${info.version} from ${source}; ${next}`,
  };
}

/** Ends a pending pull: refuses while the spec and differences.yaml disagree with the copy. */
export function accept({
  dir = UPSTREAM_DIR,
  specPath,
  now = new Date(),
}: {
  dir?: string;
  specPath: string;
  now?: Date;
}): string {
  const upstream = readUpstream(dir);
  if (!upstream.baseline) return "upstream:pull: no pull is pending; nothing to accept.";
  const { unrecorded, stale } = reconcile(bundleSpec(specPath), upstream);
  if (unrecorded.length || stale.length)
    throw new Error(
      `the spec is not reconciled with ${join(dir, COPY)} yet: ${unrecorded.length} difference(s) neither fixed nor recorded, ${stale.length} stale entr(ies); \`npm run check\` lists them.`,
    );
  const { baseline: _done, ...provenance } = upstream.provenance;
  writeFilesAtomic({
    [join(dir, PROVENANCE)]:
      `${JSON.stringify({ ...provenance, reconciledAt: now.toISOString() }, null, 2)}\n`,
    [join(dir, BASELINE)]: null,
  });
  return `upstream:pull: accepted ${sourcesText(upstream.provenance)}; the next pull is rated against it.`;
}

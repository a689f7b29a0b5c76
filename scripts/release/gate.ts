// The gate: the larger of the two ratings (the spec's, the public API's) against the bump the
// pending changesets ask for. It fails, naming each change that needs more, when they ask for less,
// or when nothing is pending for a change users would notice (a doc change included: the generated
// JSDoc is what users read in their editor).
//
// While the version is 0.x, a breaking change needs a minor bump, not a major one: npm's `^0.1.0`
// takes 0.1.x only, so 0.2.0 is the bump that breaks no one (semver §4; Redocly's own
// `diff --check-version` and cargo-semver-checks rule the same). Changesets' `major` would make it
// 1.0.0, which is a decision of its own.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { ApiRating } from "./api-rating.js";
import { maxRating, rank, type Impact, type RatedChange, type Rating } from "./impact.js";
import type { SpecRating } from "./spec-rating.js";

export const PACKAGE = "composio-connected-accounts";

export interface Changeset {
  file: string;
  bump: Impact;
  /** The text for the CHANGELOG, without the record of covered changes. */
  summary: string;
  /** The fingerprints of the rated changes it covers (scripts/release/coverage.ts). */
  covers: Set<string>;
}

/** The record `npm run changeset:suggest` leaves at the end of a changeset: the fingerprints of
 * the rated changes it covers, in an HTML comment (`release:version` drops it from the CHANGELOG). */
export const COVERS = /\n*[ \t]*<!-- changeset:suggest covers:([\s\S]*?)-->[ \t]*/g;

/** The pending changesets of this package: `.changeset/*.md` but the README. */
export function readChangesets(dir = ".changeset", pkg = PACKAGE): Changeset[] {
  if (!existsSync(dir)) return [];
  const out: Changeset[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".md") && f !== "README.md")
    .sort()) {
    const text = readFileSync(join(dir, file), "utf8");
    const m = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?([\s\S]*)$/.exec(text);
    if (!m) continue;
    const front = (parse(m[1]!) ?? {}) as Record<string, unknown>;
    const bump = front[pkg];
    if (bump !== "major" && bump !== "minor" && bump !== "patch") continue;
    const covers = new Set([...m[2]!.matchAll(COVERS)].flatMap((c) => c[1]!.split(/\s+/).filter(Boolean)));
    out.push({ file: join(dir, file), bump, summary: m[2]!.replace(COVERS, "").trim(), covers });
  }
  return out;
}

/** The bump a rating needs at `version`: a breaking change needs a minor bump while below 1.0. */
export function neededBump(rating: Rating, version: string): Rating {
  return rating === "major" && /^0\./.test(version) ? "minor" : rating;
}

export interface GateInput {
  spec: SpecRating;
  api: ApiRating;
  changesets: Changeset[];
  /** package.json's version: decides what a breaking change needs. */
  version: string;
  /** The release rated against. */
  released: string;
}

export interface Verdict {
  ok: boolean;
  /** The larger of the two ratings. */
  rating: Rating;
  /** The bump that rating needs at this version. */
  needed: Rating;
  /** The largest bump the pending changesets ask for. */
  asked: Rating;
  /** Where the spec's rating and the API report's mirror of the spec disagree, why it matters. */
  disagreement?: string;
  /** For people: what was rated, what is needed and asked, and (failing) every change that needs more. */
  text: string;
}

const docsOnly = (rating: Rating): Rating => (rating === "patch" ? "none" : rating);

export function gate({ spec, api, changesets, version, released }: GateInput): Verdict {
  const rating = maxRating(spec.rating, api.rating);
  const needed = neededBump(rating, version);
  const asked = maxRating(...changesets.map((c) => c.bump));
  const ok = rank(asked) >= rank(needed);
  // api.md carries no doc text: a description edit (patch) shows in the spec only, which is no gap.
  const disagreement =
    docsOnly(spec.rating) === docsOnly(api.mirror)
      ? undefined
      : `the spec rates ${spec.rating} but API Extractor's report of openapi-typescript's mirror of it (components, operations, paths) rates ${api.mirror}: a rule gap, a generator bug, or api/*.api.md is stale (\`npm run check:api\`).`;
  const count = (changes: RatedChange[]) => `${changes.length} change${changes.length === 1 ? "" : "s"}`;
  const lines = [
    `rating since ${released}: spec ${spec.rating} (${count(spec.changes)}; Redocly's own: ${spec.redocly}), public API ${api.rating} (${count(api.changes)})`,
  ];
  if (disagreement) lines.push(`  the ratings disagree: ${disagreement}`);
  const why =
    rating === "major" && needed === "minor"
      ? ` (breaking, and ${version} is 0.x: a minor bump is the breaking one)`
      : "";
  lines.push(
    `  needs: ${needed === "none" ? "no changeset" : `a ${needed} changeset${why}`}; pending changesets ask for ${asked === "none" ? "nothing" : asked}${changesets.length ? ` (${changesets.length})` : ""}`,
  );
  if (!ok) {
    lines.push(
      needed === "patch" && asked === "none"
        ? "  users would notice these changes, and no changeset is pending:"
        : `  the pending changesets ask for ${asked === "none" ? "no bump" : `a ${asked} bump`}, too small for:`,
    );
    const needing = [
      ...spec.changes.map((c) => ({ ...c, from: "spec" })),
      ...api.changes.map((c) => ({ ...c, from: "api" })),
    ]
      .filter((c) => rank(neededBump(c.impact, version)) > rank(asked))
      .sort((a, b) => rank(b.impact) - rank(a.impact));
    lines.push(...formatChanges(needing, 30));
    lines.push(
      "  run `npm run changeset:suggest` to write a changeset with the bump and a summary, or `npx changeset`.",
    );
  }
  return { ok, rating, needed, asked, ...(disagreement && { disagreement }), text: lines.join("\n") };
}

/** One line per change, `limit` at most, then how many more. */
export function formatChanges(changes: (RatedChange & { from?: string })[], limit = Infinity): string[] {
  const lines = changes
    .slice(0, limit)
    .map(
      (c) =>
        `    ${c.impact.padEnd(5)} ${c.from ? `${c.from.padEnd(4)} ` : ""}${c.where} — ${c.message} [${c.rule}]${c.adjusted ? ` (Redocly: ${c.adjusted.from})` : ""}`,
    );
  if (changes.length > limit)
    lines.push(
      `    … and ${changes.length - limit} more (\`npm run changeset:suggest -- --dry-run\` lists all)`,
    );
  return lines;
}

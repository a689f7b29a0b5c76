// What `npm run changeset:suggest` writes: a changeset for the rated changes that no pending
// changeset covers yet. "Covered" is recorded, not guessed: each changeset the script writes ends
// with an HTML comment listing the fingerprints of the rated changes it covers (a short hash of
// the change's rule, place and message), which Changesets ignores as front matter would not allow
// and `npm run release:version` drops from the CHANGELOG. A changeset written by hand
// (`npx changeset`) gets the record with `npm run changeset:suggest -- --mark <file>`. A change
// that changes again (a member whose type changes a second time) has a new message, so a new
// fingerprint: it is not covered until described. An addition (an operation, a schema) is one
// rated change until it is released however it grows, so the record covers each of its parts too
// (its parameters, answers, fields and values): a filter added later to an operation a pending
// changeset announced is a part no record covers, and gets its line. A record written before
// parts were recorded (it lacks the `parts` mark) covers its additions' parts as they are: what it
// covered then cannot be told, so nothing is asked of it.
import { createHash } from "node:crypto";
import { MIRROR, type ApiRating } from "./api-rating.js";
import { neededBump, PACKAGE, type Changeset } from "./gate.js";
import { maxRating, type RatedChange, type Rating } from "./impact.js";
import type { SpecRating } from "./spec-rating.js";

/** A rated change's fingerprint: the same change rated again has the same one. */
export const fingerprint = (change: RatedChange): string =>
  createHash("sha256")
    .update(`${change.rule}\0${change.where}\0${change.message}`)
    .digest("hex")
    .slice(0, 10);

/** A part of an addition, as the change a changeset covers when it is new to the addition. */
export const partChange = (addition: RatedChange, part: string): RatedChange => ({
  impact: "minor",
  where: addition.where,
  message: `${part}: added to what a pending changeset announces (${addition.message.replace(/\.$/, "")})`,
  rule: "client/added-part",
});

/** The fingerprints a changeset covering `change` records: its own, and each of its parts'. */
const printsOf = (change: RatedChange): string[] => [
  fingerprint(change),
  ...(change.parts ?? []).map((part) => fingerprint(partChange(change, part))),
];

/** The first word of a record that covers additions part by part. */
export const PARTS_MARK = "parts";

/** The record of the changes a changeset covers, to end it with (eight fingerprints a line). */
export function coverageRecord(changes: RatedChange[]): string {
  const prints = [...new Set(changes.flatMap(printsOf))].sort();
  const lines = [PARTS_MARK];
  for (let i = 0; i < prints.length; i += 8) lines.push(prints.slice(i, i + 8).join(" "));
  return `<!-- changeset:suggest covers:\n${lines.join("\n")}\n-->`;
}

export interface SuggestInput {
  spec: SpecRating;
  api: ApiRating;
  changesets: Changeset[];
  version: string;
  released: string;
  /** Describe every change since the release, covered or not. */
  force?: boolean;
  /**
   * While an upstream pull is pending: Composio's changes our spec followed, rated for users and
   * named by place (scripts/upstream/pinned.ts, followedChanges). The release's diff cannot see
   * them inside an operation a pending changeset announces, and names a value by the schema that
   * holds it: each gets its line, first.
   */
  upstream?: { version: string; changes: RatedChange[] };
}

export interface Suggestion {
  /** Every rated change (the spec's and the public API's) that no pending changeset covers. */
  uncovered: RatedChange[];
  /** The bump they need at this version: "none" when users would notice none of them. */
  bump: Rating;
  /** The changeset to write (front matter, summary, the record), unless bump is "none". */
  text?: string;
}

export function suggest({
  spec,
  api,
  changesets,
  version,
  released,
  force,
  upstream,
}: SuggestInput): Suggestion {
  const covered = new Set(force ? [] : changesets.flatMap((c) => [...c.covers]));
  const open = (c: RatedChange) => !covered.has(fingerprint(c));
  // What was added to an addition a pending changeset covers: each new part, its own change.
  const wholesale = new Set(
    force ? [] : changesets.filter((c) => !c.covers.has(PARTS_MARK)).flatMap((c) => [...c.covers]),
  );
  const grown = spec.changes
    .filter((c) => !open(c) && !wholesale.has(fingerprint(c)))
    .flatMap((c) => (c.parts ?? []).map((part) => partChange(c, part)))
    .filter(open);
  const synced = (upstream?.changes ?? []).filter(open);
  const uncovered = [...synced, ...spec.changes.filter(open), ...grown, ...api.changes.filter(open)];
  const bump = neededBump(maxRating(...uncovered.map((c) => c.impact)), version);
  if (bump === "none") return { uncovered, bump };
  // People read the spec's changes and the hand-written part of the API: openapi-typescript's
  // mirror of the spec repeats the spec's.
  const handWritten = (c: RatedChange) => !MIRROR.has(c.where.replace(/^[^:]+: /, "").split(/[.[]/)[0]!);
  const described = [
    ...spec.changes.filter(open),
    ...grown,
    ...api.changes.filter((c) => open(c) && handWritten(c)),
  ];
  const parts: string[] = [];
  if (synced.length)
    parts.push(
      [
        `Follows Composio's description ${upstream!.version} of the connected-accounts API:`,
        ...byImpact(synced, version).flatMap(([title, list]) => [
          "",
          `${title}:`,
          ...list.map((c) => `- ${c.where}: ${c.message.replace(/\.$/, "")}.`),
        ]),
      ].join("\n"),
    );
  if (described.length)
    parts.push(
      summarize(
        described,
        released,
        version,
        covered.size > 0,
        synced.length
          ? `Also changed since ${released}, in no pending changeset's record (a changeset written by hand that describes them records so with \`npm run changeset:suggest -- --mark <file>\`)`
          : undefined,
      ),
    );
  const text = `---\n"${PACKAGE}": ${bump}\n---\n\n${parts.join("\n\n")}\n\n${coverageRecord(uncovered)}\n`;
  return { uncovered, bump, text };
}

/** The changes as people read them: a first line, then the breaking, added and other changes;
 * changes of one rule under one parent (six builder methods of one scheme) on one line. */
export function summarize(
  changes: RatedChange[],
  released: string,
  version: string,
  /** Some changes are covered already: these are the rest. */
  rest = false,
  /** The first line's words before the counts, when not `Changes since <released>…`. */
  heading?: string,
): string {
  const lines = (given: RatedChange[]): string[] => {
    // The client's entry point is the package itself: its name goes without saying.
    const all = given.map((c) => ({
      ...c,
      where: c.where.replace(/^composio-connected-accounts(: |(?=\/))/, ""),
    }));
    // The same message at many places (a schema added, a member removed): one line naming them.
    const byMessage = new Map<string, RatedChange[]>();
    for (const change of all)
      byMessage.set(`${change.rule}\0${change.message}`, [
        ...(byMessage.get(`${change.rule}\0${change.message}`) ?? []),
        change,
      ]);
    const repeated = [...byMessage.values()].filter(
      (group) => group.length >= 3 && group[0]!.rule !== "api/changed",
    );
    const out = repeated.map((group) => {
      const kind = /^(schema|response|parameter) /.exec(group[0]!.where)?.[0];
      const names = group.map((c) =>
        kind && c.where.startsWith(kind) ? c.where.slice(kind.length) : c.where,
      );
      const shown = names.slice(0, 12).join(", ");
      return `- ${group[0]!.message.replace(/\.$/, "")}: ${shown}${names.length > 12 ? `, and ${names.length - 12} more` : ""}.`;
    });
    const list = all.filter((c) => !repeated.some((group) => group.includes(c)));
    const groups = new Map<string, RatedChange[]>();
    for (const change of list) {
      const parent = change.where.replace(/(\.[\w$]+|\[[^\]]+\])$/, "");
      const key = `${change.rule}\0${parent === change.where ? change.where : parent}`;
      groups.set(key, [...(groups.get(key) ?? []), change]);
    }
    return out.concat(
      [...groups.values()].map((group) => {
        const first = group[0]!;
        const what =
          first.rule === "api/changed" ? "type or signature changed" : first.message.replace(/\.$/, "");
        if (group.length === 1) return `- ${first.where}: ${what}.`;
        const parent = first.where.replace(/(\.[\w$]+|\[[^\]]+\])$/, "");
        const names = group.map((c) => c.where.slice(parent.length).replace(/^\./, ""));
        return `- ${parent}: ${names.join(", ")}: ${what}.`;
      }),
    );
  };
  const groups = byImpact(changes, version);
  const counts = groups.map(([title, list]) => `${list.length} ${title.split(" (")[0]!.toLowerCase()}`);
  const out = [
    `${heading ?? `Changes since ${released}${rest ? " that the pending changesets do not cover" : ""}`}, rated by \`npm run changeset:suggest\`: ${counts.join(", ")}.`,
  ];
  const LIMIT = 15;
  for (const [title, list] of groups) {
    if (!list.length) continue;
    const shown = lines(list);
    out.push("", `${title}:`, ...shown.slice(0, LIMIT));
    if (shown.length > LIMIT) out.push(`- … and ${shown.length - LIMIT} more.`);
  }
  return out.join("\n");
}

/** The changes under their headings, breaking first; headings with none left out. */
function byImpact(changes: RatedChange[], version: string): [string, RatedChange[]][] {
  const groups: [string, RatedChange[]][] = [
    [
      /^0\./.test(version) ? "Breaking (a minor bump while below 1.0)" : "Breaking",
      changes.filter((c) => c.impact === "major"),
    ],
    ["Added", changes.filter((c) => c.impact === "minor")],
    ["Fixed or documented", changes.filter((c) => c.impact === "patch")],
  ];
  return groups.filter(([, list]) => list.length);
}

// npm run changeset:suggest [-- --dry-run] [-- --force] [-- --committed]
// Rates every change since the last release, as `npm run check` does, and writes the changeset it
// needs: the bump, and a summary of the changes people can read. The public API is rated from a
// fresh API Extractor report of the working tree (no build needed; `--committed` rates
// api/*.api.md instead). It writes nothing when the pending changesets already ask for enough
// (`--force` writes anyway), and only prints with `--dry-run`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { rateApi, readReports, MIRROR } from "./lib/api-rating.js";
import { reportTrees } from "./lib/api-surface.js";
import { fail } from "./lib/cli.js";
import { formatChanges, gate, neededBump, PACKAGE, readChangesets } from "./lib/gate.js";
import { rank, type RatedChange } from "./lib/impact.js";
import { readRelease, RELEASED_DIR } from "./lib/release.js";
import { bundleSpec, rateSpec } from "./lib/spec-rating.js";

const { values } = parseArgs({
  options: {
    "dry-run": { type: "boolean", default: false },
    force: { type: "boolean", default: false },
    committed: { type: "boolean", default: false },
  },
});

try {
  const release = readRelease();
  if (!release)
    throw new Error(
      `no release is recorded in ${RELEASED_DIR}/; run \`npm run release:record -- --from <git ref>\``,
    );
  const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  const specRating = rateSpec(release.spec, bundleSpec("spec/openapi.yaml"), "redocly.yaml");
  const committed = readReports("api");
  let current = committed;
  let stale: string[] = [];
  if (!values.committed) {
    current = (await reportTrees([process.cwd()])).get(process.cwd())!;
    stale = [...current]
      .filter(([file, text]) => committed.get(file) !== text)
      .map(([file]) => `api/${file}`);
  }
  const spec = await specRating;
  const api = rateApi(release.reports, current);
  const changesets = readChangesets();
  const verdict = gate({ spec, api, changesets, version, released: release.version });

  if (values["dry-run"]) {
    console.log(`Spec (Redocly's diff with our rules), since ${release.version}: ${spec.rating}`);
    console.log(formatChanges(spec.changes).join("\n") || "    no change");
    console.log(
      `Public API (API Extractor ${values.committed ? "reports in api/" : "report of the working tree"}): ${api.rating}`,
    );
    console.log(formatChanges(api.changes).join("\n") || "    no change");
  }
  if (stale.length)
    console.log(
      `\n${stale.join(", ")} no longer match the working tree: \`npm run api:update\` after the changeset.`,
    );
  console.log(`\n${verdict.text.replace(/\n {2}run `npm run changeset:suggest`.*$/, "")}`);

  if (verdict.needed === "none") {
    console.log("changeset:suggest: nothing users would notice changed; no changeset needed.");
  } else if (verdict.ok && !values.force) {
    console.log(
      `changeset:suggest: the pending changesets already ask for ${verdict.asked}; nothing written (--force writes one anyway).`,
    );
  } else {
    // What the new changeset covers: the changes the pending ones do not ask enough for (all of
    // them with --force), described from the spec and the hand-written part of the API.
    const covered = values.force ? "none" : verdict.asked;
    const uncovered = (c: RatedChange) => rank(neededBump(c.impact, version)) > rank(covered);
    const handWritten = (c: RatedChange) => !MIRROR.has(c.where.replace(/^[^:]+: /, "").split(/[.[]/)[0]!);
    const described = [
      ...spec.changes.filter(uncovered),
      ...api.changes.filter((c) => uncovered(c) && handWritten(c)),
    ];
    const bump = verdict.needed;
    const text = `---\n"${PACKAGE}": ${bump}\n---\n\n${summarize(described, release.version, version)}\n`;
    if (values["dry-run"]) {
      console.log(`changeset:suggest: would write a ${bump} changeset:\n\n${text}`);
    } else {
      const file = join(".changeset", `rated-${Date.now().toString(36)}.md`);
      writeFileSync(file, text);
      console.log(
        `changeset:suggest: wrote ${file} (${bump}); edit its summary as you like, then commit it.`,
      );
    }
  }
} catch (error) {
  fail("changeset:suggest: could not rate the changes.", error);
}

/** The changes as people read them: a first line, then the breaking, added and other changes;
 * changes of one rule under one parent (six builder methods of one scheme) on one line. */
function summarize(changes: RatedChange[], released: string, version: string): string {
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
  const groups: [string, RatedChange[]][] = [
    [
      /^0\./.test(version) ? "Breaking (a minor bump while below 1.0)" : "Breaking",
      changes.filter((c) => c.impact === "major"),
    ],
    ["Added", changes.filter((c) => c.impact === "minor")],
    ["Fixed or documented", changes.filter((c) => c.impact === "patch")],
  ];
  const counts = groups
    .filter(([, list]) => list.length)
    .map(([title, list]) => `${list.length} ${title.split(" (")[0]!.toLowerCase()}`);
  const out = [`Changes since ${released}, rated by \`npm run changeset:suggest\`: ${counts.join(", ")}.`];
  const LIMIT = 15;
  for (const [title, list] of groups) {
    if (!list.length) continue;
    const shown = lines(list);
    out.push("", `${title}:`, ...shown.slice(0, LIMIT));
    if (shown.length > LIMIT) out.push(`- … and ${shown.length - LIMIT} more.`);
  }
  return out.join("\n");
}

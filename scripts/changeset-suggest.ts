// npm run changeset:suggest [-- --dry-run] [-- --force] [-- --committed] [-- --mark <file>]
// Rates every change since the last release, as `npm run check` does, and writes a changeset for
// the changes the pending changesets do not cover yet: the bump they need, a summary people can
// read, and the record of what it covers (scripts/release/coverage.ts). The public API is rated
// from a fresh API Extractor report of the working tree (no build needed; `--committed` rates
// api/*.api.md instead). `--force` describes every change since the release, covered or not;
// `--dry-run` only prints; `--mark <file>` writes no changeset but records in <file> (one written
// by hand) that it covers every change not yet covered. While an upstream pull is pending (before
// `upstream:pull -- --accept`), Composio's changes our spec followed each get their line, first.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { format, resolveConfig } from "prettier";
import { rateApi, readReports } from "./release/api-rating.js";
import { reportWorkingTree, staleReports } from "./release/api-surface.js";
import { fail } from "./lib/cli.js";
import { coverageRecord, suggest } from "./release/coverage.js";
import { formatChanges, gate, PACKAGE, readChangesets } from "./release/gate.js";
import { readRelease, RELEASED_DIR } from "./release/release.js";
import { bundleSpec, rateSpec } from "./release/spec-rating.js";
import { BASELINE, followedChanges, readUpstream, UPSTREAM_DIR } from "./upstream/pinned.js";

const { values } = parseArgs({
  options: {
    "dry-run": { type: "boolean", default: false },
    force: { type: "boolean", default: false },
    committed: { type: "boolean", default: false },
    mark: { type: "string" },
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
    current = await reportWorkingTree();
    stale = staleReports(current, committed);
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

  // While an upstream pull is pending: what our spec took from it, each change its own line.
  const upstream = existsSync(join(UPSTREAM_DIR, BASELINE)) ? readUpstream(UPSTREAM_DIR) : undefined;
  const { uncovered, bump, text } = suggest({
    spec,
    api,
    changesets,
    version,
    released: release.version,
    force: values.force,
    ...(upstream?.baseline && {
      upstream: {
        version: upstream.provenance.sources.map((s) => s.version).join(", "),
        changes: followedChanges(bundleSpec("spec/openapi.yaml"), {
          baseline: upstream.baseline,
          copy: upstream.copy,
        }),
      },
    }),
  });
  const count = `${uncovered.length} rated change${uncovered.length === 1 ? "" : "s"}`;
  if (values.mark) {
    if (!uncovered.length)
      console.log(
        `changeset:suggest: the pending changesets cover every rated change; ${values.mark} unchanged.`,
      );
    else {
      const marked = changesets.find((c) => resolve(c.file) === resolve(values.mark!));
      if (!marked)
        throw new Error(`--mark ${values.mark}: not a pending changeset of ${PACKAGE} in .changeset/`);
      appendFileSync(marked.file, `\n${coverageRecord(uncovered)}\n`);
      await formatInPlace(marked.file);
      console.log(`changeset:suggest: recorded in ${marked.file} that it covers ${count}.`);
    }
  } else if (verdict.needed === "none") {
    console.log("changeset:suggest: nothing users would notice changed; no changeset needed.");
  } else if (!text) {
    console.log(
      `changeset:suggest: the pending changesets cover every rated change${uncovered.length ? ` users would notice (${count} of no consequence left)` : ""}; nothing to write.`,
    );
  } else if (values["dry-run"]) {
    console.log(`changeset:suggest: would write a ${bump} changeset for ${count}:\n\n${text}`);
  } else {
    const file = join(".changeset", `rated-${Date.now().toString(36)}.md`);
    writeFileSync(file, text);
    await formatInPlace(file);
    console.log(
      `changeset:suggest: wrote ${file} (${bump}) for ${count}; edit its summary as you like (keep the record at its end), then commit it.`,
    );
  }
} catch (error) {
  fail("changeset:suggest: could not rate the changes.", error);
}

/** Laid out as prettier would, so that `npm run check` (prettier --check) passes on what we write. */
async function formatInPlace(file: string): Promise<void> {
  const options = { ...(await resolveConfig(file)), filepath: file };
  writeFileSync(file, await format(readFileSync(file, "utf8"), options));
}

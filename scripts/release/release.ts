// The record of the last release that every change is rated against: the spec as released, bundled
// into one file, and API Extractor's reports of that release, in api/released/. A recorded copy
// rather than a git tag: the check needs no git history (a shallow CI clone, a tarball, a fork all
// rate the same), the record is reviewed in the release's pull request like any file, and the
// reports are the ones CI checked, not rebuilt later with other tools. `npm run release:version`
// writes it; `npm run release:record -- --from <git ref>` writes it from a past commit.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { readReports } from "./api-rating.js";
import type { Schema } from "../lib/spec.js";

export const RELEASED_DIR = "api/released";
export const RELEASED_SPEC = "openapi.yaml";

export interface Release {
  version: string;
  /** The spec as released, one document (refs between files made local). */
  spec: Schema;
  /** The release's API Extractor reports: `<name>.api.md` → text. */
  reports: Map<string, string>;
}

export function readRelease(root = "."): Release | undefined {
  const dir = join(root, RELEASED_DIR);
  const specFile = join(dir, RELEASED_SPEC);
  if (!existsSync(specFile)) return undefined;
  const spec = parse(readFileSync(specFile, "utf8")) as Schema;
  return { version: String(spec.info?.version), spec, reports: readReports(dir) };
}

/** Writes the record: the bundled spec (with a header saying what it is) and the reports. */
export function recordRelease(
  spec: Schema,
  reportsDir: string,
  root = ".",
  source = "npm run release:version",
): string {
  const dir = join(root, RELEASED_DIR);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const version = String(spec.info?.version);
  const header = [
    `# composio-connected-accounts ${version}: the spec as released, bundled into one file.`,
    `# Recorded by ${source}. Do not edit: \`npm run check\` rates every change of spec/ against it.`,
  ].join("\n");
  writeFileSync(join(dir, RELEASED_SPEC), `${header}\n${stringify(spec, { lineWidth: 0 })}`);
  for (const file of readdirSync(reportsDir)
    .filter((f) => f.endsWith(".api.md"))
    .sort())
    copyFileSync(join(reportsDir, file), join(dir, file));
  return version;
}

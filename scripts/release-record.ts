// npm run release:record [-- --from <git ref>]: records the release every change is rated against
// (api/released/: the spec bundled into one file, and the API Extractor reports). Without --from,
// from the working tree (what `npm run release:version` does after bumping); with --from, from a
// past commit, through `git archive` (the spec and api/ of that commit, nothing else touched).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fail } from "./lib/cli.js";
import { recordRelease, RELEASED_DIR } from "./release/release.js";
import { bundleSpec } from "./release/spec-rating.js";

const { values } = parseArgs({ options: { from: { type: "string" } } });
const scratch = mkdtempSync(join(tmpdir(), "composio-release-record-"));
try {
  let root = ".";
  let source = "npm run release:record";
  if (values.from) {
    const commit = execFileSync("git", ["rev-parse", "--verify", `${values.from}^{commit}`], {
      encoding: "utf8",
    }).trim();
    const archive = join(scratch, "tree.tar");
    execFileSync("git", ["archive", "--output", archive, commit, "spec", "api"]);
    execFileSync("tar", ["-xf", archive, "-C", scratch]);
    root = scratch;
    source = `npm run release:record -- --from ${values.from} (commit ${commit.slice(0, 12)})`;
  }
  const version = recordRelease(bundleSpec(join(root, "spec/openapi.yaml")), join(root, "api"), ".", source);
  console.log(`release:record: ${RELEASED_DIR}/ now holds ${version}: the bundled spec and its API reports.`);
} catch (error) {
  fail("release:record: could not record the release.", error);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

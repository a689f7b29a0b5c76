// npm run release:version: `changeset version` bumps package.json and writes CHANGELOG.md; this
// script then drops changeset:suggest's records from the CHANGELOG, writes the new version into the spec's info.version, the one link between the two
// (`npm run check` fails while they differ), and regenerates. VERSION and the User-Agent follow.
// Last, it records the release in api/released/ (the bundled spec and the API reports): what
// `npm run check` rates every later change against.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { COVERS } from "./release/gate.js";
import { recordRelease, RELEASED_DIR } from "./release/release.js";
import { bundleSpec } from "./release/spec-rating.js";

const SPEC = "spec/openapi.yaml";
// changeset:suggest's records of the changes each changeset covered are for the tools, not readers.
writeFileSync("CHANGELOG.md", readFileSync("CHANGELOG.md", "utf8").replace(COVERS, ""));
const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
const spec = readFileSync(SPEC, "utf8");
const infoVersion = /^(info:\n(?: {2}.*\n|\s*\n)*? {2}version: ).*$/m;
if (!infoVersion.test(spec)) throw new Error(`${SPEC}: no info.version line found`);
writeFileSync(SPEC, spec.replace(infoVersion, `$1${version}`));
execFileSync("npm", ["run", "-s", "generate"], { stdio: "inherit" });
console.log(`version: ${SPEC} info.version is now ${version}`);
// api/*.api.md is the surface as released: `npm run check:api` keeps it current on main.
recordRelease(bundleSpec(SPEC), "api");
console.log(
  `version: recorded ${version} in ${RELEASED_DIR}/ (the bundled spec and api/*.api.md); commit it with the release.`,
);

// npm run release:dry: what `npm publish` would publish (every file and its size, the tarball's
// size) and which version bump the pending changesets make, without publishing anything.
// Run after `npm run build` (the npm script does both).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// --ignore-scripts: the npm script has just built dist/, and `prepare` would build it again.
const [packed] = JSON.parse(
  execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { encoding: "utf8" }),
) as {
  name: string;
  version: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}[];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(`${packed!.name}@${packed!.version}: ${packed!.files.length} files`);
for (const file of packed!.files) console.log(`  ${kb(file.size).padStart(10)}  ${file.path}`);
console.log(`  tarball ${kb(packed!.size)}, unpacked ${kb(packed!.unpackedSize)}`);

const pending = readdirSync(".changeset").filter((f) => f.endsWith(".md") && f !== "README.md");
if (!pending.length) {
  console.log("changesets: none pending; `npm run release:version` would not change the version.");
} else {
  console.log(`changesets: ${pending.length} pending`);
  for (const file of pending) {
    const [, front = "", summary = ""] =
      /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(readFileSync(`.changeset/${file}`, "utf8")) ?? [];
    console.log(`  ${front.trim()}  ${summary.trim().split("\n")[0]}`);
  }
}
console.log("Nothing was published.");

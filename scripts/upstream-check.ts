// npm run upstream:check [-- --spec … --upstream <dir>]: our spec against Composio's own
// description pinned in api/upstream/ (scripts/upstream/pinned.ts). `npm run check` runs it too.
import { fail, readArgs } from "./lib/cli.js";
import { upstreamReport } from "./upstream/pinned.js";

const { specPath, upstreamDir } = readArgs();
try {
  const started = performance.now();
  const report = await upstreamReport({ specPath, dir: upstreamDir });
  const took = `(${(performance.now() - started).toFixed(0)} ms)`;
  if (report.ok) console.log(`${report.text} ${took}`);
  else {
    console.error(`${report.text}\n${took}`);
    process.exitCode = 1;
  }
} catch (error) {
  // What is wrong with the folder is said in its message, with the file; a stack adds nothing.
  fail(
    "upstream:check: could not compare the spec with upstream's.",
    error instanceof Error ? error.message : error,
  );
}

// npm run lint:spec [-- --spec path --config redocly.yaml]: the generate script's lint stage alone.
import { formatTimings, readArgs } from "./lib/cli.js";
import { lintSpec } from "./lib/lint.js";

const { specPath, configPath } = readArgs();
const start = performance.now();
const result = await lintSpec(specPath, configPath);
for (const problem of result.problems) console.error(problem);
console.log(
  `lint:spec: ${result.errors} error(s), ${result.warnings} warning(s)\n${formatTimings([["lint", performance.now() - start]])}`,
);
if (result.errors > 0 || result.warnings > 0) process.exitCode = 1;

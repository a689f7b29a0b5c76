// npm run lint:regex [-- files…]: fails, naming file:line, the pattern, its complexity and an attack,
// on a regular expression in src/ or generated/ (or the files given) that recheck does not prove
// linear (scripts/lib/regex-safety.ts). Verdicts are kept by pattern in node_modules/.cache/.
import { relative, resolve } from "node:path";
import { formatTimings } from "./lib/cli.js";
import { checkPackageRegexes, packageFiles, problemLine } from "./lib/regex-safety.js";

const root = process.cwd();
const given = process.argv.slice(2);
const files = given.length ? given.map((file) => relative(root, resolve(file))) : packageFiles(root);
const start = performance.now();
const { problems, checked, accepted } = await checkPackageRegexes(root, files);
for (const problem of problems) console.error(problemLine(problem));
console.log(
  `lint:regex: ${checked} pattern(s) checked in ${files.length} file(s), ${accepted} accepted (ACCEPTED in scripts/lib/regex-safety.ts), ${problems.length} problem(s)\n${formatTimings([["recheck", performance.now() - start]])}`,
);
if (problems.length) process.exitCode = 1;

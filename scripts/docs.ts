// npm run docs: docs/index.html, a self-contained HTML reference built from the spec.
import { relative, resolve } from "node:path";
import { buildDocs } from "./docs/site.js";

const output = resolve("docs/index.html");
const start = performance.now();
await buildDocs(resolve("spec/openapi.yaml"), output);
console.log(`docs: wrote ${relative(process.cwd(), output)} in ${(performance.now() - start).toFixed(0)} ms`);

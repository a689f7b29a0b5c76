// npm run docs:preview [-- --port 4400]: builds the docs, serves docs/ on 127.0.0.1, rebuilds when
// a file of the spec (any YAML file under spec/) or redocly.yaml changes, and reloads the open page
// after each rebuild.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildDocs } from "./docs/site.js";
import { onChange } from "./lib/watch.js";

const { values } = parseArgs({ options: { port: { type: "string", default: "4400" } } });
const spec = resolve("spec/openapi.yaml");
const output = resolve("docs/index.html");
let build = 0;
// The page asks for /__build every second and reloads when the number moves.
const reloader = `<script>(()=>{let seen;setInterval(async()=>{const n=await(await fetch("/__build")).text();if(seen&&n!==seen)location.reload();seen=n},1000)})()</script>`;

const rebuild = async () => {
  const start = performance.now();
  try {
    await buildDocs(spec, output);
    build++;
    console.log(`docs:preview: rebuilt in ${(performance.now() - start).toFixed(0)} ms`);
  } catch (error) {
    console.error(`docs:preview: ${(error as Error).message}\n(still serving the last good build)`);
  }
};

await rebuild();
createServer((req, res) => {
  if (req.url === "/__build") return res.end(String(build));
  if (req.url !== "/" && req.url !== "/index.html") return res.writeHead(404).end();
  // No page yet (the first build failed): a 500 that says so, not a rejection that ends the preview.
  readFile(output, "utf8").then(
    (html) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html.replace("</body>", `${reloader}</body>`));
    },
    (error: unknown) => res.writeHead(500).end(`docs:preview: no page to serve: ${(error as Error).message}`),
  );
}).listen(Number(values.port), "127.0.0.1", () => {
  console.log(`docs:preview: http://127.0.0.1:${values.port}/ (watching spec/ and redocly.yaml)`);
});
onChange([dirname(spec), resolve("redocly.yaml")], rebuild);

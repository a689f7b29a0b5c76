// npm run generate [-- --spec path --out dir --config redocly.yaml --watch]
// spec → lint → openapi-typescript → ts-morph helpers → ajv validator → prettier → generated/
// (swapped in whole; scripts/lib/generate-folder.ts). With --watch, again on every change of a YAML
// file in the spec's folder (the root and every file it refers to) or of redocly.yaml.
import { dirname, relative } from "node:path";
import { readArgs } from "./lib/cli.js";
import { generateFolder } from "./lib/generate-folder.js";
import { onChange } from "./lib/watch.js";

const startup = performance.now();
const { specPath, outDir, configPath, watch } = readArgs();

async function generate(first: boolean): Promise<void> {
  const { code, stdout, stderr } = await generateFolder({
    specPath,
    outDir,
    configPath,
    ...(first && { startup }),
  });
  if (stdout) console.log(stdout);
  if (stderr) console.error(stderr);
  if (code) process.exitCode = code;
}

await generate(true);
if (watch) {
  process.exitCode = 0;
  const specDir = dirname(specPath);
  console.log(
    `generate: watching ${relative(process.cwd(), specDir) || "."}/ and ${relative(process.cwd(), configPath)}`,
  );
  onChange([specDir, configPath], () => generate(false));
}

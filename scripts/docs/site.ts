// The docs build: Redocly CLI's build-docs with the Redoc scripts inlined, so the page works
// offline (only Redocly's sidebar logo is fetched from its CDN, and fails quietly offline).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const redoclyCli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");

export const DOCS_TITLE = "Composio connected accounts API";

export function buildDocs(specPath: string, output: string, configPath = "redocly.yaml"): Promise<void> {
  const args = [
    redoclyCli,
    "build-docs",
    specPath,
    "--config",
    configPath,
    "--inlineBundle",
    "--title",
    DOCS_TITLE,
    "-o",
    output,
  ];
  const env = { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", REDOCLY_TELEMETRY: "off" };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (chunk) => (log += chunk));
    child.stderr.on("data", (chunk) => (log += chunk));
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0
        ? done()
        : fail(new Error(`build-docs failed (${code}):\n${log.replace(/^.*[║╔╚].*$/gm, "").trim()}`)),
    );
  });
}

// Starts Prism's mock server from our own spec on 127.0.0.1, and stops it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { bundleSpec } from "../../scripts/release/spec-rating.js";
import type { Schema } from "../../scripts/lib/spec.js";
import { freePort } from "./server.js";

const require = createRequire(import.meta.url);
const prismBin = join(dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");

export interface Prism {
  url: string;
  stop(): void;
}

/**
 * The spec as Prism 5.14 can serve it: it splits a comma-joined query value into an array only when
 * the parameter's `type` is the string "array", not `["array", "null"]` (v3.1's nullable filters),
 * and would refuse every such list call. A query string cannot carry null anyway, so null is dropped
 * from query parameters' types here; nothing else changes.
 */
function forPrism(specPath: string, dir: string): string {
  const doc = bundleSpec(specPath);
  for (const item of Object.values<Schema>(doc.paths ?? {}))
    for (const op of [item, ...Object.values<Schema>(item)])
      for (const param of (op?.parameters ?? []) as Schema[]) {
        const type = param.in === "query" ? param.schema?.type : undefined;
        if (Array.isArray(type)) param.schema.type = type.filter((t: string) => t !== "null")[0];
      }
  const path = join(dir, "openapi.json");
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

export async function startPrism(specPath: string): Promise<Prism> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "composio-prism-"));
  const child: ChildProcess = spawn(
    process.execPath,
    [prismBin, "mock", forPrism(specPath, dir), "-h", "127.0.0.1", "-p", String(port)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Prism is listening")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`prism exited with ${code} before listening:\n${log}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

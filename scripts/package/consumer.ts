// How the scripts look at the package as a consumer would: the compiler options of a strict
// consumer, and a browser bundle. Shared by the API report, check:package and the bench.
import { build } from "esbuild";

/** A strict consumer on Node's module resolution, with no @types/node: what browser code sees too. */
export const CONSUMER_COMPILER_OPTIONS = {
  target: "es2022",
  module: "nodenext",
  moduleResolution: "nodenext",
  lib: ["es2022", "dom"],
  strict: true,
  types: [] as string[],
};

/** esbuild --bundle --minify --platform=browser --format=esm of one entry, in memory. */
export async function bundleForBrowser(entry: string, cwd: string): Promise<Uint8Array> {
  const { outputFiles } = await build({
    entryPoints: [entry],
    absWorkingDir: cwd,
    bundle: true,
    minify: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  return outputFiles[0]!.contents;
}

// How the scripts look at the package as a consumer would: the compiler options of a strict
// consumer, and a browser bundle. Shared by the API report, check:package and the bench.
import { build, type BuildOptions } from "esbuild";
import { gzipSync } from "node:zlib";

/** A strict consumer on Node's module resolution, with no @types/node: what browser code sees too. */
export const CONSUMER_COMPILER_OPTIONS = {
  target: "es2022",
  module: "nodenext",
  moduleResolution: "nodenext",
  lib: ["es2022", "dom"],
  strict: true,
  types: [] as string[],
};

/** esbuild --bundle --minify --platform=browser --format=esm, in memory. */
const BROWSER: BuildOptions = {
  bundle: true,
  minify: true,
  platform: "browser",
  format: "esm",
  write: false,
  logLevel: "silent",
};

/** esbuild --bundle --minify --platform=browser --format=esm of one entry, in memory, as one file. */
export async function bundleForBrowser(entry: string, cwd: string): Promise<Uint8Array> {
  const { outputFiles } = await build({ ...BROWSER, entryPoints: [entry], absWorkingDir: cwd });
  return outputFiles![0]!.contents;
}

/** Bytes of a bundle: minified, and minified then gzipped (level 9), each file on its own. */
export interface Size {
  minified: number;
  gzipped: number;
}

/** What an app costs a browser, bundled with esbuild's code splitting as a web app is. */
export interface AppSize {
  /** The entry chunk and the chunks it imports statically: what loads before the app runs. */
  initial: Size;
  /** The chunks only a dynamic `import()` loads: this package's error paths (messages, the redactor). */
  lazy: Size;
  /** The same app bundled into one file, without splitting (a bundler that does not split inlines the lazy parts). */
  single: Size;
  /** Each input's bytes in the initial chunks, largest first (paths relative to `cwd`). */
  modules: [path: string, bytes: number][];
  /** Each input's bytes in the lazy chunks, largest first. */
  lazyModules: [path: string, bytes: number][];
}

/**
 * esbuild --bundle --minify --platform=browser --format=esm --splitting of one entry: the initial
 * chunks (the entry and what it imports statically) apart from the lazy ones, each gzipped on its
 * own as a server sends it, with each input's share; and the same app as one file. `alias` maps a
 * package name to a path under `cwd` (the bench points the package at src/ for the per-module figures).
 */
export async function measureApp(
  entry: string,
  cwd: string,
  alias?: Record<string, string>,
): Promise<AppSize> {
  const options = { ...BROWSER, entryPoints: [entry], absWorkingDir: cwd, ...(alias && { alias }) };
  const split = await build({ ...options, splitting: true, outdir: "out", metafile: true });
  const outputs = split.metafile.outputs;
  const entryOut = Object.keys(outputs).find((file) => outputs[file]!.entryPoint !== undefined)!;
  const initial = new Set<string>();
  const visit = (file: string) => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const i of outputs[file]!.imports) if (i.kind === "import-statement" && !i.external) visit(i.path);
  };
  visit(entryOut);
  const sizes = { initial: { minified: 0, gzipped: 0 }, lazy: { minified: 0, gzipped: 0 } };
  const modules = { initial: new Map<string, number>(), lazy: new Map<string, number>() };
  for (const file of split.outputFiles!) {
    const name = Object.keys(outputs).find((out) => file.path.endsWith(`/${out}`) || file.path === out);
    if (!name || !name.endsWith(".js")) continue;
    const part = initial.has(name) ? "initial" : "lazy";
    sizes[part].minified += file.contents.byteLength;
    sizes[part].gzipped += gzipSync(file.contents, { level: 9 }).byteLength;
    for (const [input, { bytesInOutput }] of Object.entries(outputs[name]!.inputs))
      modules[part].set(input, (modules[part].get(input) ?? 0) + bytesInOutput);
  }
  const single = (await build(options)).outputFiles![0]!.contents;
  const sorted = (map: Map<string, number>) =>
    [...map].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
  return {
    ...sizes,
    single: { minified: single.byteLength, gzipped: gzipSync(single, { level: 9 }).byteLength },
    modules: sorted(modules.initial),
    lazyModules: sorted(modules.lazy),
  };
}

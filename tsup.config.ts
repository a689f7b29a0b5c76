// The build (npm run build): ESM and CommonJS of each entry point, shared code in chunks.
import { defineConfig } from "tsup";

/** The package's entry points (package.json's `exports`). */
const ENTRIES = {
  index: "src/index.ts",
  validate: "src/validate.ts",
  raw: "src/raw.ts",
  testing: "src/testing.ts",
  node: "src/node.ts",
};

export default defineConfig({
  entry: ENTRIES,
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  splitting: true,
  treeshake: true,
  plugins: [
    {
      // What only an error path needs is loaded by `import()` (src/later.ts): a browser bundle keeps
      // it out of the app's first chunk. The CommonJS build loads it with `require` instead: an
      // `import()` there fails where CommonJS runs without ES modules (Jest's default environment).
      name: "require-in-cjs",
      renderChunk(code) {
        if (this.format !== "cjs") return undefined;
        return {
          code: code.replace(
            /\bimport\(("\.\/[\w.-]+\.cjs")\)/g,
            "Promise.resolve().then(() => require($1))",
          ),
        };
      },
    },
  ],
});

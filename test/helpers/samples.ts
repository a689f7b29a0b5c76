// Type-checks Markdown code samples against the package as a user would import it: each sample is
// its own ES module in a temporary folder, all of them in one TypeScript program, with the package's
// names mapped to the source entry points (a fresh clone has no dist/).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** A sample to check: its code, and the line of the Markdown file its first line of code is on. */
export interface Sample {
  line: number;
  code: string;
}

const parsed = new Map<string, ts.SourceFile>();
const root = fileURLToPath(new URL("../..", import.meta.url));

/** The project's compiler options (tsconfig.json), adjusted for a user's module that imports the package. */
function compilerOptions(): ts.CompilerOptions {
  const file = join(root, "tsconfig.json");
  const { config, error } = ts.readConfigFile(file, (path) => ts.sys.readFile(path));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, file);
  return {
    ...options,
    // NodeNext as in tsconfig.json; the folder's package.json says "type": "module", so top-level
    // await is allowed, and every sample is a module even with no import or export.
    moduleDetection: ts.ModuleDetectionKind.Force,
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    paths: {
      "composio-connected-accounts": [join(root, "src", "index.ts")],
      "composio-connected-accounts/node": [join(root, "src", "node.ts")],
      "composio-connected-accounts/raw": [join(root, "src", "raw.ts")],
      "composio-connected-accounts/validate": [join(root, "src", "validate.ts")],
      "composio-connected-accounts/testing": [join(root, "src", "testing.ts")],
      // The README's test sample imports vitest, as a user's test file does.
      vitest: [join(root, "node_modules", "vitest", "dist", "index.d.ts")],
    },
    // A sample shows values to the reader without using them (`const { data, error } = …`): that is
    // a lint preference of this repository, not a mistake a user would copy.
    noUnusedLocals: false,
    noUnusedParameters: false,
    noEmit: true,
  };
}

/**
 * Type-checks the samples in one program and returns one message per problem: where it is in
 * `file` (`README.md:115:7`), its line in the sample, the sample's opening fence line, and the
 * diagnostic with its code line. No problems: an empty array.
 */
export function checkSamples(samples: Sample[], file = "README.md"): string[] {
  const dir = mkdtempSync(join(tmpdir(), "composio-samples-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const bySource = new Map<string, Sample>();
    for (const sample of samples) {
      // Zero-padded, so that diagnostics (sorted by file name) come in README order.
      const path = join(dir, `line-${String(sample.line).padStart(6, "0")}.ts`);
      writeFileSync(path, sample.code);
      bySource.set(path, sample);
    }
    const options = compilerOptions();
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    // The package's sources, lib and @types files parse the same every time: parse them once.
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      if (fileName.startsWith(dir)) return getSourceFile(fileName, languageVersion, ...rest);
      let source = parsed.get(fileName);
      if (!source) {
        source = getSourceFile(fileName, languageVersion, ...rest);
        if (source) parsed.set(fileName, source);
      }
      return source;
    };
    const program = ts.createProgram({ rootNames: [...bySource.keys()], options, host });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const text = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      const source = diagnostic.file;
      if (!source || diagnostic.start === undefined) return text;
      const at = source.getLineAndCharacterOfPosition(diagnostic.start);
      const sample = bySource.get(source.fileName);
      if (!sample) return `${source.fileName}:${at.line + 1}:${at.character + 1} ${text}`;
      const code = source.text.split("\n")[at.line]!.trim();
      return (
        `${file}:${sample.line + at.line}:${at.character + 1}, line ${at.line + 1} of the sample at ` +
        `${file}:${sample.line - 1}: ${text}\n    ${code}`
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

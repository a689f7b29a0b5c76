// The lint stage: Redocly CLI (the same binary `npm run lint:spec` uses) on the spec, as a child
// process so it runs while the other stages work. Every problem comes back as `file:line:col rule`.
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { runNode } from "./cli.js";

export interface LintResult {
  errors: number;
  warnings: number;
  /** One line per problem: `file:line:col severity rule message`. */
  problems: string[];
}

const require = createRequire(import.meta.url);
const redoclyCli = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");

export async function lintSpec(specPath: string, configPath: string): Promise<LintResult> {
  const args = [redoclyCli, "lint", specPath, "--config", configPath, "--format=json"];
  const { stdout, stderr } = await runNode(args);
  try {
    return parseReport(stdout);
  } catch {
    // No JSON report: Redocly could not parse the document. Its stderr says where.
    const said = stderr
      .split("\n")
      .filter((line) => line.trim() && !/[║╔╚]/.test(line))
      .join("\n");
    return {
      errors: 1,
      warnings: 0,
      problems: [`${relative(process.cwd(), specPath)}: redocly ${said.trim()}`],
    };
  }
}

function parseReport(stdout: string): LintResult {
  const report = JSON.parse(stdout.slice(stdout.indexOf("{")));
  const problems = (report.problems as any[]).map((p) => {
    const loc = p.location?.[0];
    const file = loc?.source?.ref ? relative(process.cwd(), resolve(loc.source.ref)) : "?";
    const pos = loc?.start ? `${loc.start.line}:${loc.start.col}` : "1:1";
    return `${file}:${pos} ${p.severity} ${p.ruleId} ${p.message}`;
  });
  return { errors: report.totals.errors, warnings: report.totals.warnings, problems };
}

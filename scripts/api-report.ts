// npm run check:api / npm run api:update: the public API, as API Extractor reports it from the built
// declarations, committed under api/. `check:api` (CI) fails when the report is stale, so every
// change to the exported surface shows in review. `api:update` rewrites it, and refuses to when the
// surface changed without a pending changeset: an API change is a deliberate version bump.
// Run after `npm run build` (the npm scripts do both).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Extractor, ExtractorConfig, ExtractorLogLevel } from "@microsoft/api-extractor";
import { ENTRIES as SOURCE_ENTRIES } from "./release/api-surface.js";
import { CONSUMER_COMPILER_OPTIONS } from "./package/consumer.js";

const { values } = parseArgs({ options: { update: { type: "boolean", default: false } } });
const root = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), "composio-api-report-"));
// The entry points are api-surface's (the same reports, made without a build): src/x.ts → dist/x.d.ts.
const ENTRIES = SOURCE_ENTRIES.map(({ source, report }) => ({
  entry: source.replace(/^src\/(.+)\.ts$/, "dist/$1.d.ts"),
  report,
}));

const pendingChangesets = () =>
  readdirSync(".changeset").filter((f) => f.endsWith(".md") && f !== "README.md");

const changed: { report: string; existed: boolean }[] = [];
try {
  for (const { entry, report } of ENTRIES) {
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: root,
        mainEntryPointFilePath: join(root, entry),
        compiler: { overrideTsconfig: { compilerOptions: CONSUMER_COMPILER_OPTIONS } },
        apiReport: {
          enabled: true,
          reportFileName: report,
          reportFolder: join(root, "api"),
          reportTempFolder: scratch,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          // Everything exported is public: there are no @beta or @internal tiers to tag. And the
          // members of openapi-typescript's interfaces (paths, components …) carry no docs to check.
          extractorMessageReporting: {
            "ae-undocumented": { logLevel: ExtractorLogLevel.None },
            default: { logLevel: ExtractorLogLevel.Warning },
            "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
          },
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(root, "package.json"),
    });
    const problems: string[] = [];
    const result = Extractor.invoke(config, {
      // Never lets API Extractor write api/: this script decides below, after the changeset check.
      localBuild: false,
      messageCallback: (message) => {
        // A stale or missing report is this script's to explain (below); everything else is a problem.
        if (message.messageId.startsWith("console-api-report")) message.handled = true;
        else if (
          message.logLevel === ExtractorLogLevel.Warning ||
          message.logLevel === ExtractorLogLevel.Error
        ) {
          problems.push(message.formatMessageWithLocation(root));
          message.handled = true;
        } else message.handled = true;
      },
    });
    if (problems.length) throw new Error(`${entry}: API Extractor found problems:\n${problems.join("\n")}`);
    if (result.apiReportChanged)
      changed.push({ report, existed: existsSync(join(root, "api", `${report}.api.md`)) });
  }
  const files = changed.map((c) => `api/${c.report}.api.md`).join(", ");
  if (!changed.length) {
    console.log("api: the public API matches api/*.api.md");
  } else if (!values.update) {
    console.error(
      `api: the public API changed: ${files} is stale.\nRun \`npm run changeset:suggest\` to record the version bump (\`npm run check\` says which), then \`npm run api:update\`, and commit both.`,
    );
    process.exitCode = 1;
  } else if (changed.some((c) => c.existed) && !pendingChangesets().length) {
    console.error(
      `api: the public API changed (${files}) but no changeset is pending.\nRun \`npm run changeset:suggest\` to record the version bump first (\`npm run check\` says which).`,
    );
    process.exitCode = 1;
  } else {
    mkdirSync(join(root, "api"), { recursive: true });
    for (const { report } of changed)
      copyFileSync(join(scratch, `${report}.api.md`), join(root, "api", `${report}.api.md`));
    console.log(`api: updated ${files}; commit it with the changeset.`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

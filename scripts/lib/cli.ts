// Argument parsing and failure reporting shared by the scripts.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { SpecError } from "./spec.js";

export function readArgs() {
  const { values } = parseArgs({
    options: {
      spec: { type: "string", default: "spec/openapi.yaml" },
      out: { type: "string", default: "generated" },
      config: { type: "string", default: "redocly.yaml" },
      watch: { type: "boolean", default: false },
      upstream: { type: "string", default: "api/upstream" },
      timings: { type: "boolean", default: false },
    },
  });
  return {
    specPath: resolve(values.spec),
    outDir: resolve(values.out),
    configPath: resolve(values.config),
    watch: values.watch,
    upstreamDir: resolve(values.upstream),
    timings: values.timings,
  };
}

/** What went wrong, for people: no stack for spec problems. */
export function failureText(what: string, error: unknown): string {
  const detail =
    error instanceof SpecError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  return `${what}\n${detail}`;
}

/** Prints what went wrong (failureText) and sets a failing exit code. */
export function fail(what: string, error: unknown): void {
  console.error(failureText(what, error));
  process.exitCode = 1;
}

export const formatTimings = (timings: [string, number][]): string =>
  timings.map(([stage, ms]) => `  ${stage.padEnd(16)} ${ms.toFixed(0).padStart(6)} ms`).join("\n");

/** Runs `node <args>` as a child process (on the other core while this one works) and collects
 * its exit code and output. Redocly's update notice and telemetry are off: scripts stay offline. */
export function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", REDOCLY_TELEMETRY: "off" };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

// A script run in a child Node process of its own (ESM, TypeScript through tsx, from the repository's
// root): for what one process cannot measure about itself inside vitest (its peak memory, a forced
// garbage collection). The child is killed if it outlives `timeoutMs` (HANG_MS unless told).
import { execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

export interface ChildRun {
  /** Its standard output. */
  out: string;
  /** Its exit code, null when it was killed. */
  code: number | null;
}

/**
 * The limit of a child process, and of a test or hook that waits for one (or for Prism, Chromium, a
 * generator run): it only stops a hang. Far above what any load makes of a run, so that a busy
 * machine makes the suite slower, never red.
 */
export const HANG_MS = 600_000;

export function runScript(script: string, nodeFlags: string[] = [], timeoutMs = HANG_MS): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, "--import", "tsx", "--input-type=module", "-e", script],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ out, code });
    }),
  );
}

/** The last line of a child's output that is JSON, parsed. */
export function lastJson<T>(run: ChildRun): T {
  const line = run.out.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`the child (exit code ${run.code}) printed no JSON: ${run.out.slice(-500)}`);
  }
}

/** `scripts/<name>.ts` run as npm runs it (through tsx, this repository's copy, in `options.cwd`),
 * with its exit code and output. */
export async function runRepoScript(
  name: string,
  args: string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", resolve(`scripts/${name}.ts`), ...args],
      { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1", ...options.env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

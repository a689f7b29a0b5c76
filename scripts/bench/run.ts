// npm run bench [-- --smoke]: every figure of the benchmark, side by side in one run, on 127.0.0.1
// only: per-call CPU and requests/s of a create, bundle size, a consumer's type-check cost, and
// codegen time. Prints tables; writes results.json and chart.svg to docs/bench/ (with --smoke, few
// iterations, written to a temporary folder: CI's check that the bench still runs).
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { bundleForBrowser, CONSUMER_COMPILER_OPTIONS } from "../lib/consumer.js";
import { renderChart } from "./chart.js";
import { CONSUMERS, VALIDATOR_CONSUMER } from "./consumers.js";
import { CONTENDERS } from "./contenders.js";
import { stats, table, type Stats } from "./stats.js";

const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false } } });
const root = resolve(".");
const run = promisify(execFile);
const SETTINGS = values.smoke
  ? { rounds: 1, sequential: 200, warmup: 50, concurrency: 32, concurrent: 200, repeats: 1 }
  : { rounds: 5, sequential: 5000, warmup: 1000, concurrency: 32, concurrent: 5000, repeats: 5 };
const FLOOR = "raw fetch";
const names = Object.keys(CONTENDERS);
const outDir = values.smoke ? mkdtempSync(join(tmpdir(), "composio-bench-")) : join(root, "docs", "bench");
const work = join(root, ".bench");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(outDir, { recursive: true });

console.log(
  `bench: node ${process.version}, ${values.smoke ? "smoke run" : "full run"}: ${JSON.stringify(SETTINGS)}`,
);
await run("npm", ["run", "-s", "build"]);

// 1. Per-call cost: a loopback server in its own process; each contender in a fresh process per
// round, the order reversed every other round.
const server = spawn(process.execPath, ["--import", "tsx", "scripts/bench/server.ts"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise<string>((done) =>
  server.stdout.once("data", (chunk: Buffer) => done(chunk.toString().trim())),
);
const cpu: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const rps: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
try {
  for (let round = 0; round < SETTINGS.rounds; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const args = [
        name,
        url,
        SETTINGS.sequential,
        SETTINGS.warmup,
        SETTINGS.concurrency,
        SETTINGS.concurrent,
      ].map(String);
      const { stdout } = await run(process.execPath, [
        "--import",
        "tsx",
        "scripts/bench/contender.ts",
        ...args,
      ]);
      const result = JSON.parse(stdout.trim().split("\n").pop()!) as {
        cpuPerCallUs: number;
        requestsPerSecond: number;
      };
      cpu[name]!.push(result.cpuPerCallUs);
      rps[name]!.push(result.requestsPerSecond);
    }
  }
} finally {
  server.kill();
}

// 2. Bundle size: esbuild --bundle --minify --platform=browser of each consumer.
const bundle: Record<string, { minified: number; gzipped: number }> = {};
for (const [name, source] of [
  ...Object.entries(CONSUMERS),
  ["composio-connected-accounts/validate", VALIDATOR_CONSUMER] as const,
]) {
  const entry = join(work, `${slug(name)}.ts`);
  writeFileSync(entry, source);
  const code = await bundleForBrowser(entry, root);
  bundle[name] = { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

// 3. Type-check cost of the consumer: tsc --noEmit --extendedDiagnostics, skipLibCheck false.
const typecheck: Record<string, { checkMs: Stats; instantiations: number; memoryKb: number }> = {};
for (const name of Object.keys(CONSUMERS)) {
  const config = join(work, `tsconfig.${slug(name)}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { ...CONSUMER_COMPILER_OPTIONS, noEmit: true, skipLibCheck: false },
      files: [`${slug(name)}.ts`],
    }),
  );
  const runs: { checkMs: number; instantiations: number; memoryKb: number }[] = [];
  for (let i = 0; i < SETTINGS.repeats; i++) {
    const { stdout } = await run(process.execPath, [
      join(root, "node_modules/typescript/bin/tsc"),
      "-p",
      config,
      "--extendedDiagnostics",
    ]);
    const field = (label: string) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(stdout)?.[1]);
    runs.push({
      checkMs: field("Check time") * 1000,
      instantiations: field("Instantiations"),
      memoryKb: field("Memory used"),
    });
  }
  typecheck[name] = {
    checkMs: stats(runs.map((r) => r.checkMs)),
    instantiations: runs[0]!.instantiations,
    memoryKb: Math.max(...runs.map((r) => r.memoryKb)),
  };
}

// 4. Codegen: npm run generate (into a scratch folder) per stage and in total, and npm run check.
const stages: Record<string, number[]> = {};
const checkMs: number[] = [];
const scratch = mkdtempSync(join(tmpdir(), "composio-bench-generate-"));
for (let i = 0; i < SETTINGS.repeats; i++) {
  let start = performance.now();
  const { stdout } = await run("npm", ["run", "-s", "generate", "--", "--out", scratch]);
  const wall = performance.now() - start;
  for (const [, stage, ms] of stdout.matchAll(/^ {2}(\S.*?)\s+(\d+) ms$/gm))
    (stages[stage!] ??= []).push(Number(ms));
  (stages["wall (npm run generate)"] ??= []).push(wall);
  start = performance.now();
  await run("npm", ["run", "-s", "check"]);
  checkMs.push(performance.now() - start);
}
rmSync(scratch, { recursive: true, force: true });

// Results
const floorCpu = stats(cpu[FLOOR]!).median;
const floorRps = stats(rps[FLOOR]!).median;
const results = {
  node: process.version,
  settings: SETTINGS,
  perCall: Object.fromEntries(
    names.map((n) => {
      const c = stats(cpu[n]!);
      const r = stats(rps[n]!);
      return [
        n,
        {
          cpuPerCallUs: c,
          cpuRatio: c.median / floorCpu,
          requestsPerSecond: r,
          rpsRatio: r.median / floorRps,
        },
      ];
    }),
  ),
  bundle: Object.fromEntries(
    Object.entries(bundle).map(([n, b]) => [n, { ...b, gzippedRatio: b.gzipped / bundle[FLOOR]!.gzipped }]),
  ),
  typecheck,
  codegen: {
    stages: Object.fromEntries(Object.entries(stages).map(([s, v]) => [s, stats(v)])),
    checkMs: stats(checkMs),
  },
};
writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, "chart.svg"), renderChart(results));
rmSync(work, { recursive: true, force: true });

const f = (n: number, digits = 0) => n.toFixed(digits);
const mmm = (s: Stats, digits = 0) => `${f(s.median, digits)} (${f(s.min, digits)}–${f(s.max, digits)})`;
console.log(
  `\nPer create call (median, min–max over ${SETTINGS.rounds} rounds; ${SETTINGS.sequential} sequential calls, then ${SETTINGS.concurrent} at concurrency ${SETTINGS.concurrency})\n` +
    table(
      ["contender", "CPU µs/call", "× raw fetch", "req/s", "× raw fetch"],
      names.map((n) => {
        const r = results.perCall[n]!;
        return [n, mmm(r.cpuPerCallUs, 1), f(r.cpuRatio, 2), mmm(r.requestsPerSecond), f(r.rpsRatio, 2)];
      }),
    ),
);
console.log(
  `\nBundle (esbuild --bundle --minify --platform=browser; a consumer that builds a client and calls create)\n` +
    table(
      ["contender", "minified B", "min+gz B", "× raw fetch"],
      Object.entries(results.bundle).map(([n, b]) => [
        n,
        String(b.minified),
        String(b.gzipped),
        f(b.gzippedRatio, 1),
      ]),
    ),
);
console.log(
  `\nConsumer type-check (tsc --noEmit --extendedDiagnostics, skipLibCheck false; ${SETTINGS.repeats} runs)\n` +
    table(
      ["contender", "check ms", "instantiations", "memory KB"],
      Object.entries(typecheck).map(([n, t]) => [
        n,
        mmm(t.checkMs),
        String(t.instantiations),
        String(t.memoryKb),
      ]),
    ),
);
console.log(
  `\nCodegen (${SETTINGS.repeats} runs)\n` +
    table(
      ["stage", "ms"],
      [
        ...Object.entries(results.codegen.stages).map(([s, v]) => [s, mmm(v)]),
        ["npm run check (wall)", mmm(results.codegen.checkMs)],
      ],
    ),
);
console.log(`\nbench: wrote ${join(outDir, "results.json")} and chart.svg`);

function slug(name: string): string {
  return name
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}

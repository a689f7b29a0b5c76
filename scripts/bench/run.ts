// npm run bench [-- --smoke]: every figure of the benchmark, side by side in one run, on 127.0.0.1
// only: per-call CPU and requests/s of a create, CPU per retrieve, CPU per walk over a long list,
// how soon a wait notices a connection (simulated clock), bundle size and a consumer's type-check
// cost (a create alone, and the whole journey of a connection), and codegen time next to the bare
// openapi-typescript CLI, and what a retrieve's timeout costs by mechanism (mechanisms.ts). Prints
// tables; writes results.json and chart.svg to docs/bench/.
//
// --smoke: few iterations, written to a temporary folder: CI's check that the bench still runs. It
// runs the sections side by side (their figures mean nothing then) to stay well under a minute.
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { CONSUMER_COMPILER_OPTIONS, measureApp, type Size } from "../package/consumer.js";
import { renderChart } from "./chart.js";
import { BUDGETS, CONSUMERS, FUNCTION_CONSUMERS, JOURNEYS, VALIDATOR_CONSUMER } from "./consumers.js";
import { CONTENDERS } from "./contenders.js";
import { PAGE_SIZE, PAGES } from "./fixtures.js";
import { stats, table, type Stats } from "./stats.js";
import { CASES, POLICIES, simulateWaiting, type WaitFigure } from "./waiting.js";

// --rounds N: the full run with N rounds (and N runs of each repeated step) instead of 5: quicker on
// a shared machine, with a wider spread.
const { values } = parseArgs({
  options: { smoke: { type: "boolean", default: false }, rounds: { type: "string" } },
});
const rounds = values.rounds === undefined ? 5 : Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds > 0))
  throw new Error(`bench: --rounds must be a whole number > 0 (got ${values.rounds})`);
const root = resolve(".");
const run = promisify(execFile);
const SETTINGS = values.smoke
  ? {
      rounds: 1,
      sequential: 200,
      warmup: 50,
      concurrency: 32,
      concurrent: 200,
      walks: 2,
      walkWarmup: 1,
      waitTrials: 500,
      repeats: 1,
      mechanismRounds: 4,
      mechanismBatch: 20,
      coldRuns: 2,
    }
  : {
      rounds,
      sequential: 5000,
      warmup: 1000,
      concurrency: 32,
      concurrent: 5000,
      walks: 40,
      walkWarmup: 10,
      waitTrials: 10_000,
      repeats: rounds,
      mechanismRounds: 150,
      mechanismBatch: 50,
      coldRuns: 2 * rounds,
    };
const FLOOR = "raw fetch";
const OURS = "composio-connected-accounts";
/** Ours on Node: the build the `node` export condition picks (node:http). */
const OURS_NODE = "composio-connected-accounts (node:http)";
const names = Object.keys(CONTENDERS);
const outDir = values.smoke ? mkdtempSync(join(tmpdir(), "composio-bench-")) : join(root, "docs", "bench");
const work = join(root, ".bench");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
mkdirSync(outDir, { recursive: true });

const started = performance.now();
// The machine is shared: its load average (1, 5 and 15 minutes) says how far to trust the figures.
type Load = Record<"1 min" | "5 min" | "15 min", number>;
const load = (): Load => {
  const [one, five, fifteen] = loadavg().map((l) => Number(l.toFixed(2)));
  return { "1 min": one!, "5 min": five!, "15 min": fifteen! };
};
const loadText = (l: Load) => Object.values(l).join(" ");
const machine = { cpus: cpus().length, loadAtStart: load(), loadAtEnd: undefined as Load | undefined };
console.log(
  `bench: node ${process.version}, ${machine.cpus} CPUs, load ${loadText(machine.loadAtStart)}; ${values.smoke ? "smoke run" : "full run"}: ${JSON.stringify(SETTINGS)}`,
);
/** Progress on stderr (which benchmark, which round, time so far): stdout keeps only the figures. */
const progress = (what: string) =>
  process.stderr.write(`bench [${((performance.now() - started) / 1000).toFixed(0)} s] ${what}\n`);
progress("building the package");
await run("npm", ["run", "-s", "build"]);

// 1. Per-call cost: a loopback server in its own process; each contender in a fresh process per
// round (create, then retrieve, then the list walk), the order reversed every other round.
interface PerCallRun {
  cpuPerCallUs: number;
  requestsPerSecond: number;
  retrieveCpuPerCallUs: number;
  listCpuPerWalkUs: number;
}
const perCallRuns: Record<string, PerCallRun[]> = Object.fromEntries(names.map((n) => [n, []]));
/** mechanisms.ts: CPU µs per retrieve of each timeout mechanism, 10th percentile and median. */
let mechanisms: Record<string, { p10: number; median: number }> = {};
async function measurePerCall(): Promise<void> {
  const server = spawn(process.execPath, ["--import", "tsx", "scripts/bench/server.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((done) =>
    server.stdout.once("data", (chunk: Buffer) => done(chunk.toString().trim())),
  );
  try {
    for (let round = 0; round < SETTINGS.rounds; round++) {
      for (const name of round % 2 ? [...names].reverse() : names) {
        progress(`per call: ${name}, round ${round + 1}/${SETTINGS.rounds}`);
        const args = [
          name,
          url,
          SETTINGS.sequential,
          SETTINGS.warmup,
          SETTINGS.concurrency,
          SETTINGS.concurrent,
          SETTINGS.walks,
          SETTINGS.walkWarmup,
        ].map(String);
        const { stdout } = await run(
          process.execPath,
          ["--import", "tsx", "scripts/bench/contender.ts", ...args],
          { maxBuffer: 16 * 1024 * 1024 },
        );
        perCallRuns[name]!.push(JSON.parse(stdout.trim().split("\n").pop()!) as PerCallRun);
      }
    }
    progress("per call: timeout mechanisms");
    const { stdout } = await run(process.execPath, [
      "--import",
      "tsx",
      "scripts/bench/mechanisms.ts",
      url,
      String(SETTINGS.mechanismRounds),
      String(SETTINGS.mechanismBatch),
    ]);
    mechanisms = JSON.parse(stdout.trim().split("\n").pop()!) as typeof mechanisms;
  } finally {
    server.kill();
  }
}

// 1b. Cold start: wall time to import the package and construct a client, in a fresh plain Node
// process (no tsx) per run, as a serverless function's first request pays it; contenders alternate.
const COLD: Record<string, string> = {
  "openapi-fetch": `const { default: createClient } = await import("openapi-fetch");
    createClient({ baseUrl: "http://127.0.0.1:1", headers: { "x-api-key": "ak_bench" } });`,
  "composio-connected-accounts": `const { createComposioClient } = await import("./dist/index.js");
    createComposioClient({ apiKey: "ak_bench", baseUrl: "http://127.0.0.1:1" });`,
  "composio-connected-accounts (node:http)": `const { createComposioClient } = await import("./dist/node.js");
    createComposioClient({ apiKey: "ak_bench", baseUrl: "http://127.0.0.1:1" });`,
  "@composio/client v2": `const { default: Composio } = await import("@composio/client");
    new Composio({ apiKey: "ak_bench", baseURL: "http://127.0.0.1:1" });`,
};
const coldMs: Record<string, number[]> = Object.fromEntries(Object.keys(COLD).map((n) => [n, []]));
async function measureColdStart(): Promise<void> {
  for (let i = 0; i < SETTINGS.coldRuns; i++) {
    progress(`cold start: run ${i + 1}/${SETTINGS.coldRuns}`);
    for (const name of i % 2 ? Object.keys(COLD).reverse() : Object.keys(COLD)) {
      const script = `const start = performance.now(); ${COLD[name]} console.log(performance.now() - start);`;
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
      coldMs[name]!.push(Number(stdout.trim()));
    }
  }
}

// 2. Bundle size: esbuild --bundle --minify --platform=browser --splitting of each consumer, as a
// web app is bundled: one that creates (CONSUMERS), our validator alone, and one that links, waits
// and lists (JOURNEYS, first part). The figure is the first chunk (what loads before the app runs);
// beside it the lazy chunks (this package's error paths) and the app as one file, unsplit. For our
// apps, each module's share of the first chunk too, from a bundle of src/ (the package's dist/
// merges modules into chunks).
const FUNCTIONS = "composio-connected-accounts (functions)";
type AppFigure = Size & { lazy: Size; single: Size };
const bundle: Record<string, AppFigure> = {};
const bundleJourney: Record<string, AppFigure> = {};
/** Our apps' first chunks by module (bytes of minified output), from src/. */
const bundleModules: Record<string, { initial: [string, number][]; lazy: [string, number][] }> = {};
async function measureBundles(): Promise<void> {
  const size = async (file: string, source: string, byModule?: string): Promise<AppFigure> => {
    progress(`bundle: ${file}`);
    const entry = join(work, file);
    writeFileSync(entry, source);
    const app = await measureApp(entry, root);
    if (byModule) {
      const fromSource = await measureApp(entry, root, { [OURS]: "./src/index.ts" });
      bundleModules[byModule] = { initial: fromSource.modules, lazy: fromSource.lazyModules };
    }
    return { ...app.initial, lazy: app.lazy, single: app.single };
  };
  for (const [name, source] of [
    ...Object.entries(CONSUMERS),
    [FUNCTIONS, FUNCTION_CONSUMERS.create] as const,
    ["composio-connected-accounts/validate", VALIDATOR_CONSUMER] as const,
  ])
    bundle[name] = await size(
      `bundle-${slug(name)}.ts`,
      source,
      name === OURS ? BUDGETS.client.app : name === FUNCTIONS ? BUDGETS.create.app : undefined,
    );
  for (const [name, journey] of Object.entries(JOURNEYS))
    bundleJourney[name] = await size(`bundle-link-wait-list-${slug(name)}.ts`, journey(false));
  bundleJourney[FUNCTIONS] = await size(
    "bundle-link-wait-list-functions.ts",
    FUNCTION_CONSUMERS.linkWaitList,
    BUDGETS.linkWaitList.app,
  );
}

// 3. Type-check cost: tsc --noEmit --extendedDiagnostics, skipLibCheck false, of the consumer that
// creates and of the one that goes through the whole journey.
type TypeCheck = { checkMs: Stats; instantiations: number; memoryKb: number };
const typecheck: Record<string, TypeCheck> = {};
const typecheckJourney: Record<string, TypeCheck> = {};
async function measureTypeChecks(): Promise<void> {
  const check = async (file: string, source: string): Promise<TypeCheck> => {
    writeFileSync(join(work, file), source);
    const config = join(work, `tsconfig.${file}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: { ...CONSUMER_COMPILER_OPTIONS, noEmit: true, skipLibCheck: false },
        files: [file],
      }),
    );
    const runs: { checkMs: number; instantiations: number; memoryKb: number }[] = [];
    for (let i = 0; i < SETTINGS.repeats; i++) {
      progress(`type check: ${file}, run ${i + 1}/${SETTINGS.repeats}`);
      // A type error would make the figure meaningless: tsc exits non-zero and the bench stops.
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
    return {
      checkMs: stats(runs.map((r) => r.checkMs)),
      instantiations: runs[0]!.instantiations,
      memoryKb: Math.max(...runs.map((r) => r.memoryKb)),
    };
  };
  for (const [name, source] of Object.entries(CONSUMERS))
    typecheck[name] = await check(`${slug(name)}.ts`, source);
  for (const [name, journey] of Object.entries(JOURNEYS))
    typecheckJourney[name] = await check(`journey-${slug(name)}.ts`, journey(true));
}

// 4. Codegen: npm run generate (into a scratch folder) per stage and in total, the bare
// openapi-typescript CLI on the same spec (its order alternated with generate's), and npm run check.
// The CLI gets a config of its own: with the repository's redocly.yaml (which has `apis:`) it would
// ignore the spec it is given.
const stages: Record<string, number[]> = {};
const cliMs: number[] = [];
const checkMs: number[] = [];
const checkCachedMs: number[] = [];
async function measureCodegen(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "composio-bench-generate-"));
  writeFileSync(join(scratch, "redocly.yaml"), "extends:\n  - minimal\n");
  const generate = async () => {
    const start = performance.now();
    const { stdout } = await run("npm", ["run", "-s", "generate", "--", "--out", join(scratch, "generated")]);
    const wall = performance.now() - start;
    for (const [, stage, ms] of stdout.matchAll(/^ {2}(\S.*?)\s+(\d+) ms$/gm))
      (stages[stage!] ??= []).push(Number(ms));
    (stages["wall (npm run generate)"] ??= []).push(wall);
  };
  const cli = async () => {
    const start = performance.now();
    await run("npx", [
      "openapi-typescript",
      join(root, "spec/openapi.yaml"),
      "-o",
      join(scratch, "schema.ts"),
      "--redocly",
      join(scratch, "redocly.yaml"),
    ]);
    cliMs.push(performance.now() - start);
  };
  // Twice: with the working tree's API report made anew (its cache cleared), then taken from the cache.
  const check = async () => {
    rmSync(join(root, "node_modules/.cache/composio-api-surface"), { recursive: true, force: true });
    for (const times of [checkMs, checkCachedMs]) {
      const start = performance.now();
      await run("npm", ["run", "-s", "check"]);
      times.push(performance.now() - start);
    }
  };
  try {
    for (let i = 0; i < SETTINGS.repeats; i++) {
      progress(`codegen: generate, openapi-typescript and check, round ${i + 1}/${SETTINGS.repeats}`);
      const steps = [...(i % 2 ? [cli, generate] : [generate, cli]), check];
      if (values.smoke) await Promise.all(steps.map((step) => step()));
      else for (const step of steps) await step();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// 5. Waiting: a simulated clock, no I/O (waiting.ts).
const waiting = simulateWaiting(SETTINGS.waitTrials);

const sectionMs: Record<string, number> = {};
const timed = async (section: () => Promise<void>) => {
  const start = performance.now();
  progress(`${section.name.replace(/^measure/, "")}: started`);
  await section();
  progress(`${section.name.replace(/^measure/, "")}: done`);
  sectionMs[section.name.replace(/^measure/, "")] = performance.now() - start;
};
const sections = [measurePerCall, measureColdStart, measureBundles, measureTypeChecks, measureCodegen];
if (values.smoke) await Promise.all(sections.map(timed));
else for (const section of sections) await timed(section);
machine.loadAtEnd = load();
const wallMs = performance.now() - started;

// Results
const ratioTo = <K extends string>(figures: Record<string, Record<K, number>>, key: K) =>
  Object.fromEntries(Object.entries(figures).map(([n, f]) => [n, f[key] / figures[FLOOR]![key]]));
const median = (name: string, key: keyof PerCallRun) => stats(perCallRuns[name]!.map((r) => r[key]));
const floor = (key: keyof PerCallRun) => median(FLOOR, key).median;
const generateWall = stats(stages["wall (npm run generate)"]!);
const cliWall = stats(cliMs);
const results = {
  node: process.version,
  machine,
  wallMs,
  sectionMs,
  settings: SETTINGS,
  perCall: Object.fromEntries(
    names.map((n) => {
      const c = median(n, "cpuPerCallUs");
      const r = median(n, "requestsPerSecond");
      return [
        n,
        {
          cpuPerCallUs: c,
          cpuRatio: c.median / floor("cpuPerCallUs"),
          requestsPerSecond: r,
          rpsRatio: r.median / floor("requestsPerSecond"),
        },
      ];
    }),
  ),
  retrieve: Object.fromEntries(
    names.map((n) => {
      const c = median(n, "retrieveCpuPerCallUs");
      return [n, { cpuPerCallUs: c, cpuRatio: c.median / floor("retrieveCpuPerCallUs") }];
    }),
  ),
  listAll: {
    pages: PAGES,
    pageSize: PAGE_SIZE,
    contenders: Object.fromEntries(
      names.map((n) => {
        const c = median(n, "listCpuPerWalkUs");
        return [n, { cpuPerWalkUs: c, cpuRatio: c.median / floor("listCpuPerWalkUs") }];
      }),
    ),
  },
  coldStartMs: Object.fromEntries(Object.entries(coldMs).map(([n, runs]) => [n, stats(runs)])),
  timeoutMechanisms: Object.fromEntries(
    Object.entries(mechanisms).map(([n, m]) => [
      n,
      {
        ...m,
        p10Ratio: m.p10 / mechanisms["raw fetch"]!.p10,
        medianRatio: m.median / mechanisms["raw fetch"]!.median,
      },
    ]),
  ),
  waiting: {
    trials: SETTINGS.waitTrials,
    policies: Object.fromEntries(Object.entries(POLICIES).map(([n, p]) => [n, p.describe])),
    cases: waiting,
  },
  bundle: withRatios(bundle),
  bundleJourney: withRatios(bundleJourney),
  bundleModules,
  typecheck,
  typecheckJourney,
  codegen: {
    stages: Object.fromEntries(Object.entries(stages).map(([s, v]) => [s, stats(v)])),
    openapiTypescriptCliMs: cliWall,
    generateToCliRatio: generateWall.median / cliWall.median,
    checkMs: stats(checkMs),
    checkCachedMs: stats(checkCachedMs),
  },
};
writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, "chart.svg"), renderChart(results));
rmSync(work, { recursive: true, force: true });

const f = (n: number, digits = 0) => n.toFixed(digits);
const mmm = (s: Stats, digits = 0) => `${f(s.median, digits)} (${f(s.min, digits)}–${f(s.max, digits)})`;
const ours = (target: number, ratio: number) => `${ratio <= target ? "✓" : "✗"} target ≤ ${f(target, 2)}×`;
const roundsText = `median, min–max over ${SETTINGS.rounds} rounds, each contender in a fresh process`;
console.log(
  `\nPer create call (${roundsText}; ${SETTINGS.sequential} sequential calls, then ${SETTINGS.concurrent} at concurrency ${SETTINGS.concurrency})\n` +
    table(
      ["contender", "CPU µs/call", "× raw fetch", "req/s", "× raw fetch"],
      names.map((n) => {
        const r = results.perCall[n]!;
        return [n, mmm(r.cpuPerCallUs, 1), f(r.cpuRatio, 2), mmm(r.requestsPerSecond), f(r.rpsRatio, 2)];
      }),
    ) +
    `\n${OURS_NODE}: CPU ${ours(0.4, results.perCall[OURS_NODE]!.cpuRatio)}; req/s ${results.perCall[OURS_NODE]!.rpsRatio >= 2 ? "✓" : "✗"} target ≥ 2.00×`,
);
console.log(
  `\nPer retrieve call (${roundsText}; ${SETTINGS.sequential} sequential calls after ${SETTINGS.warmup} warm-up)\n` +
    table(
      ["contender", "CPU µs/call", "× raw fetch"],
      names.map((n) => {
        const r = results.retrieve[n]!;
        return [n, mmm(r.cpuPerCallUs, 1), f(r.cpuRatio, 2)];
      }),
    ) +
    `\n${OURS}: ${ours(1.1, results.retrieve[OURS]!.cpuRatio)}; ${OURS_NODE}: ${ours(0.4, results.retrieve[OURS_NODE]!.cpuRatio)}`,
);
console.log(
  `\nEvery account of the list, ${PAGES} pages × ${PAGE_SIZE} (${roundsText}; ${SETTINGS.walks} walks after ${SETTINGS.walkWarmup} warm-up)\n` +
    table(
      ["contender", "how", "CPU ms/walk", "µs/page", "× raw fetch"],
      names.map((n) => {
        const r = results.listAll.contenders[n]!;
        const how = n.startsWith(OURS) ? "for await over list()" : "cursor loop by hand";
        return [
          n,
          how,
          mmm(scale(r.cpuPerWalkUs, 1 / 1000), 1),
          f(r.cpuPerWalkUs.median / PAGES),
          f(r.cpuRatio, 2),
        ];
      }),
    ) +
    `\n${OURS}: ${ours(1.1, results.listAll.contenders[OURS]!.cpuRatio)}; ${OURS_NODE}: ${ours(0.4, results.listAll.contenders[OURS_NODE]!.cpuRatio)}`,
);
console.log(
  `\nCold start: import the package and construct a client (wall ms in a fresh Node process; ${SETTINGS.coldRuns} runs, median, min–max)\n` +
    table(
      ["contender", "ms"],
      Object.entries(results.coldStartMs).map(([n, s]) => [n, mmm(s, 1)]),
    ),
);
console.log(
  `\nA retrieve's timeout, by mechanism (one process, ${SETTINGS.mechanismRounds} interleaved batches of ${SETTINGS.mechanismBatch} calls; CPU µs/call, 10th percentile and median of the batches)\n` +
    table(
      ["variant", "p10", "× raw fetch", "median", "× raw fetch"],
      Object.entries(results.timeoutMechanisms).map(([n, m]) => [
        n,
        f(m.p10),
        f(m.p10Ratio, 2),
        f(m.median),
        f(m.medianRatio, 2),
      ]),
    ),
);
console.log(
  `\nWaiting for a connection (simulated clock, polls take no time; ${SETTINGS.waitTrials} trials, the change ±0.5 s):` +
    ` how long after the change it is noticed, median (min–max), and the polls sent\n` +
    table(
      ["connection", ...Object.keys(POLICIES)],
      Object.keys(CASES).map((label) => [
        label,
        ...Object.keys(POLICIES).map((policy) => describeWait(waiting[label]![policy]!)),
      ]),
    ) +
    "\n" +
    Object.entries(POLICIES)
      .map(([n, p]) => `  ${n}: ${p.describe}`)
      .join("\n"),
);
const sizeRows = (sizes: ReturnType<typeof withRatios>) =>
  Object.entries(sizes).map(([n, b]) => [
    n,
    String(b.minified),
    String(b.gzipped),
    f(b.gzippedRatio, 1),
    b.lazy.gzipped ? String(b.lazy.gzipped) : "",
    String(b.single.gzipped),
  ]);
const sizeHeader = [
  "contender",
  "minified B",
  "min+gz B",
  "× raw fetch",
  "+ lazy, min+gz B",
  "one file, min+gz B",
];
const budget = (app: keyof typeof BUDGETS, gzipped: number) =>
  `${BUDGETS[app].app}: ${gzipped} B, ${gzipped <= BUDGETS[app].target ? "✓" : "✗"} target ≤ ${BUDGETS[app].target} B (check:package's budget ${BUDGETS[app].budget} B)`;
console.log(
  `\nBundle (esbuild --bundle --minify --platform=browser --splitting; the first chunk, the lazy chunks beside it): an app that creates\n` +
    table(sizeHeader, sizeRows(results.bundle)) +
    `\n${budget("create", results.bundle[FUNCTIONS]!.gzipped)}\n${budget("client", results.bundle[OURS]!.gzipped)}`,
);
console.log(
  `\nBundle: an app that links, waits and lists (a hand-written wait and cursor loop where the client has none)\n` +
    table(sizeHeader, sizeRows(results.bundleJourney)) +
    `\n${budget("linkWaitList", results.bundleJourney[FUNCTIONS]!.gzipped)}`,
);
for (const [app, modules] of Object.entries(bundleModules)) {
  const lazy = modules.lazy.map(([m, b]) => `${m.replace(/^src\//, "")} ${b}`).join(", ");
  console.log(
    `\nWhere the first chunk's bytes go (minified, bundled from src/): ${app}\n` +
      table(
        ["module", "bytes"],
        modules.initial.map(([m, b]) => [m, String(b)]),
      ) +
      `\nlazy: ${lazy || "none"}`,
  );
}
const typeRows = (checks: Record<string, TypeCheck>) =>
  Object.entries(checks).map(([n, t]) => [n, mmm(t.checkMs), String(t.instantiations), String(t.memoryKb)]);
console.log(
  `\nConsumer type-check (tsc --noEmit --extendedDiagnostics, skipLibCheck false; ${SETTINGS.repeats} runs): an app that creates\n` +
    table(["contender", "check ms", "instantiations", "memory KB"], typeRows(typecheck)),
);
console.log(
  `\nConsumer type-check: the whole journey (link, wait, list every page, updateStatus, revoke, delete)\n` +
    table(["contender", "check ms", "instantiations", "memory KB"], typeRows(typecheckJourney)),
);
console.log(
  `\nCodegen (${SETTINGS.repeats} runs; generate and the bare CLI alternate)\n` +
    table(
      ["stage", "ms"],
      [
        ...Object.entries(results.codegen.stages).map(([s, v]) => [s, mmm(v)]),
        ["bare openapi-typescript CLI (npx, wall)", mmm(cliWall)],
        ["npm run generate ÷ bare CLI (medians)", `${f(results.codegen.generateToCliRatio, 2)}×`],
        ["npm run check (wall)", mmm(results.codegen.checkMs)],
        ["npm run check again, API report cached (wall)", mmm(results.codegen.checkCachedMs)],
      ],
    ),
);
const timings = Object.entries(sectionMs).map(([s, ms]) => `${s} ${f(ms / 1000, 1)} s`);
const loads = `load ${loadText(machine.loadAtStart)} at start, ${loadText(machine.loadAtEnd)} at end`;
console.log(
  `\nbench: ${f(wallMs / 1000, 1)} s wall (${timings.join(", ")}${values.smoke ? ", side by side" : ""}); ${loads} (${machine.cpus} CPUs)` +
    `\nbench: wrote ${join(outDir, "results.json")} and chart.svg`,
);

function slug(name: string): string {
  return name
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}

function withRatios(sizes: Record<string, AppFigure>): Record<string, AppFigure & { gzippedRatio: number }> {
  const ratios = ratioTo(sizes, "gzipped");
  return Object.fromEntries(Object.entries(sizes).map(([n, b]) => [n, { ...b, gzippedRatio: ratios[n]! }]));
}

function scale(s: Stats, by: number): Stats {
  return { min: s.min * by, median: s.median * by, max: s.max * by };
}

function describeWait(figure: WaitFigure): string {
  const seconds = (ms: number) => `${f(ms / 1000, ms < 10_000 ? 1 : 0)} s`;
  const polls = figure.polls.min === figure.polls.max ? f(figure.polls.median) : mmm(figure.polls);
  if (!figure.delayMs) return `gave up at ${seconds(figure.endedAtMs.median)} · ${polls} polls`;
  const { min, median: mid, max } = figure.delayMs;
  const missed = figure.outcomes.timeout ? `, ${figure.outcomes.timeout} gave up` : "";
  return `${seconds(mid)} (${seconds(min)}–${seconds(max)})${missed} · ${polls} polls`;
}

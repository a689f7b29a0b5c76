// One fuzz run: an entry point called against the hostile server with a generated answer script,
// measured (time to settle, CPU, the longest stall of the event loop, memory), and the invariants
// each property holds it to. A failed invariant throws an Error whose message says which one, the
// entry point, what settled, and what each answer was: fast-check adds the seed, the path and the
// shrunk run.
import { inspect } from "node:util";
import fc from "fast-check";
import { relative } from "node:path";
import { expect, it } from "vitest";
import { ComposioError } from "../../src/index.js";
import {
  buildAnswer,
  GIVEN,
  leakForms,
  SECRET_NAMES,
  type Answer,
  type BuiltAnswer,
  type Form,
  type SecretName,
  type Secrets,
} from "./fuzz-answers.js";
import { entryNamed, type Settings } from "./fuzz-entries.js";
import { startHostileServer, type HostileRequest } from "./fuzz-server.js";
import { recordingLogger } from "./operations.js";
import { nodeFactoriesOver, TRANSPORTS, type TransportCase } from "./transports.js";
import { viewsOf } from "./secrets.js";

/** What fast-check generates for one run. */
export interface Run {
  entry: string;
  settings: Settings;
  secrets: Secrets;
  answers: Answer[];
}

export interface Outcome {
  run: Run;
  settled: "value" | "error" | "hang";
  value?: unknown;
  error?: unknown;
  ms: number;
  deadlineMs: number;
  cpuMs: number;
  /** The longest stretch the event loop ran no timer while the process burned CPU. */
  blockedMs: number;
  /** The highest heap and ArrayBuffer use during the call, above what it was before. */
  peakBytes: number;
  requests: HostileRequest[];
  served: BuiltAnswer[];
  lines: string[];
}

/** Past its deadline a call may still be settling: timers fire late on a loaded machine. */
export const SLACK_MS = 1500;

// ---------------------------------------------------------------------------------------------
// Budgets (see CONTRIBUTING.md, "The fuzzer")

/**
 * CPU per call, and per answer and byte it got. The client's own work on an answer (inflate, decode,
 * JSON.parse) measured 20–50 ns a byte here, up to ~200 on small answers where fixed costs weigh;
 * 500 ns a byte leaves it several times that on a loaded 2-core machine, and an index of every
 * 8-character window of a long string (issue 21, class 2) costs 10 µs a byte and more. The fixed
 * parts cover what is no answer's: the fetch machinery, a GC, making a client, the hostile server
 * writing in the same process, the probe (a call on a plain answer: 3–50 ms). Measured with
 * process.cpuUsage (the whole process: GC helpers and zlib's thread pool count too).
 */
export const CPU_FIXED_MS = 150;
export const CPU_PER_ANSWER_MS = 20;
export const CPU_NS_PER_BYTE = 500;
/** The event loop may be held by one answer for at most this long (the bound). */
export const BLOCK_LIMIT_MS = 100;
/**
 * Memory at the call's peak, above the heap before it (after a full GC: the fuzz project runs with
 * --expose-gc), against the largest answer read (at most maxResponseBytes). JSON.parse alone takes
 * up to ~28 times the bytes (`[[[…]]]`: an array of 56 bytes per two characters); a copy of the
 * body on top of that (issue 21, class 2) takes it past 32. 16 MiB is what a call allocates
 * whatever the answer, and the young generation's slack.
 */
export const MEMORY_FIXED_BYTES = 16 * 1024 * 1024;
export const MEMORY_PER_BYTE = 32;

export function cpuBudgetMs(outcome: Pick<Outcome, "served">): number {
  return (
    CPU_FIXED_MS +
    outcome.served.reduce(
      (sum, a) => sum + CPU_PER_ANSWER_MS + (CPU_NS_PER_BYTE * (a.writes + a.decodedBytes)) / 1e6,
      0,
    )
  );
}

/** The bytes of the largest answer the client may have held: its body decoded, or its head, up to the limit. */
export function largestAnswer(outcome: Pick<Outcome, "served" | "run">): number {
  const limit = outcome.run.settings.maxResponseBytes;
  return Math.max(
    0,
    ...outcome.served.map((a) => Math.max(Math.min(a.decodedBytes, limit), Math.min(a.writes, limit))),
  );
}
export const memoryBudget = (outcome: Pick<Outcome, "served" | "run">) =>
  MEMORY_FIXED_BYTES + MEMORY_PER_BYTE * largestAnswer(outcome);

// ---------------------------------------------------------------------------------------------
// Running

const gc = (globalThis as { gc?: () => void }).gc;

/** A probe of the event loop and memory: a 10 ms interval that notes how late it ran and what it cost. */
function probe() {
  const memory = () => {
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const base = memory();
  let peak = 0;
  let blocked = 0;
  let last = { wall: performance.now(), cpu: cpuMs() };
  const tick = () => {
    const now = { wall: performance.now(), cpu: cpuMs() };
    // A stall counts as far as the process was busy during it: a process the OS did not schedule burns no CPU.
    blocked = Math.max(blocked, Math.min(now.wall - last.wall, now.cpu - last.cpu));
    peak = Math.max(peak, memory() - base);
    last = now;
  };
  const timer = setInterval(tick, 10);
  return {
    stop() {
      tick();
      clearInterval(timer);
      return { blockedMs: blocked, peakBytes: peak };
    },
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs one case over `transport` (fetch by default). `collect`: a full GC first, so that the memory
 * measured is the call's own (property 3).
 */
export async function execute(
  run: Run,
  {
    collect = false,
    transport = TRANSPORTS[0]!.transport,
  }: { collect?: boolean; transport?: TransportCase["transport"] } = {},
): Promise<Outcome> {
  const entry = entryNamed(run.entry);
  const ctx = { secrets: run.secrets, maxResponseBytes: run.settings.maxResponseBytes };
  const built = run.answers.map((answer) => buildAnswer(answer, ctx));
  const server = await startHostileServer(built);
  const { lines, logger } = recordingLogger();
  const deadlineMs = entry.deadlineMs(run.settings);
  if (collect) gc?.();
  const watch = probe();
  const cpu0 = cpuMs();
  const start = performance.now();
  let outcome: Pick<Outcome, "settled" | "value" | "error"> = { settled: "hang" };
  let stopWaiting: () => void = () => {};
  const overNode = transport === "node:http";
  const call = entry
    .call({
      baseUrl: server.url,
      fetch: server.fetch,
      clientFetch: overNode ? undefined : server.fetch,
      factories: overNode ? nodeFactoriesOver(server.agent) : TRANSPORTS[0]!,
      secrets: run.secrets,
      settings: run.settings,
      logger,
    })
    .then(
      (value) => void (outcome = { settled: "value", value }),
      (error: unknown) => void (outcome = { settled: "error", error }),
    );
  const giveUp = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, deadlineMs + SLACK_MS);
    stopWaiting = () => clearTimeout(timer);
  });
  await Promise.race([call, giveUp]);
  stopWaiting();
  const ms = performance.now() - start;
  const cpu = cpuMs() - cpu0;
  const { blockedMs, peakBytes } = watch.stop();
  await server.close();
  // A call that hung is cut loose by the closed server; it gets a moment to settle before the next run.
  await Promise.race([call, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  return {
    run,
    ...outcome,
    ms,
    deadlineMs,
    cpuMs: cpu,
    blockedMs,
    peakBytes,
    requests: server.requests,
    served: server.served,
    lines,
  };
}

/**
 * Calls every entry point once with a plain success, so that no property's first case pays for
 * loading and compiling the client (a first call costs ~150 ms of CPU that no answer caused).
 */
export async function warmUp(
  entries: readonly { name: string; operationId: string }[],
  transport?: TransportCase["transport"],
): Promise<void> {
  const secrets = {
    apiKey: "ak_warm_up_key_1234",
    userApiKey: "uak_warm_up_key_1234",
    requestSecret: "cs_warm_up_1234",
    accessToken: "at_warm_up_1234",
    refreshToken: "rt_warm_up_1234",
    idToken: "it_warm_up_1234",
  };
  for (const entry of entries) {
    const shape = entry.name.includes("onnection") ? "account" : (`answer:${entry.operationId}` as const);
    await execute(
      {
        entry: entry.name,
        settings: {
          credential: "apiKey",
          timeoutMs: 2000,
          totalTimeoutMs: 2000,
          maxResponseBytes: 65_536,
          waitTimeoutMs: 500,
          initialIntervalMs: 10,
        },
        secrets,
        answers: [
          { status: 200, reason: "OK", headers: [], body: { shape }, encoding: "gzip", framing: "length" },
        ],
      },
      { transport },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The invariants

class InvariantError extends Error {
  override name = "InvariantError";
}

/** Fails with the invariant, what happened, and the answers served. */
function fail(invariant: string, outcome: Outcome, what: string): never {
  throw new InvariantError(`${invariant}\n  ${what}\n${describeOutcome(outcome)}`);
}

export function describeOutcome(o: Outcome): string {
  const settled =
    o.settled === "value"
      ? `resolved ${short(inspect(o.value, { depth: 1 }))}`
      : o.settled === "error"
        ? `rejected with ${className(o.error)}: ${short(String((o.error as Error)?.message))}`
        : "did not settle";
  const answers = o.served.map((a, i) =>
    a.kind !== "reply"
      ? `    #${i} ${a.kind}`
      : `    #${i} ${JSON.stringify(a.statusLine.slice(0, 60))} — ${a.writes}/${a.bytes.length} bytes written, then ${a.after}; body ${a.decodedBytes} bytes decoded${a.whole ? "" : " (not whole: the client cannot have read it all)"}`,
  );
  return [
    `  entry: ${o.run.entry}; ${settled}`,
    `  took ${Math.round(o.ms)} ms (deadline ${o.deadlineMs} ms); CPU ${Math.round(o.cpuMs)} ms (budget ${Math.round(cpuBudgetMs(o))} ms); event loop held ${Math.round(o.blockedMs)} ms at most; memory peak ${mib(o.peakBytes)} (budget ${mib(memoryBudget(o))})`,
    `  requests reaching the server: ${o.requests.length}; answers served:`,
    ...answers,
  ].join("\n");
}

const short = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const className = (error: unknown) =>
  error instanceof Error ? `${error.constructor.name} (name ${error.name})` : `a thrown ${typeof error}`;

/** 1. The call settles: a value of the type it promises, or a ComposioError; by its deadline. */
export function expectSettled(o: Outcome): void {
  const invariant = "invariant 1: every call settles, with a typed value or a ComposioError, by its deadline";
  if (o.settled === "hang")
    fail(
      invariant,
      o,
      `no outcome ${Math.round(o.ms)} ms in (deadline ${o.deadlineMs} ms + ${SLACK_MS} ms slack)`,
    );
  if (o.ms > o.deadlineMs + SLACK_MS)
    fail(
      invariant,
      o,
      `settled ${Math.round(o.ms - o.deadlineMs)} ms past its deadline of ${o.deadlineMs} ms`,
    );
  if (o.settled === "error" && !(o.error instanceof ComposioError))
    fail(invariant, o, `rejected with ${className(o.error)}, not a ComposioError`);
  if (o.settled === "value") {
    const wrong = entryNamed(o.run.entry).wrongValue(o.value);
    if (wrong) fail(invariant, o, wrong);
  }
}

/** The secrets a run must not show: those given to the client, and the tokens a whole answer carried under a sensitive key. */
export function secretsOf(o: Outcome): SecretName[] {
  const given: SecretName[] = [o.run.settings.credential, "requestSecret"];
  const received = SECRET_NAMES.filter(
    (name) => !GIVEN.includes(name) && o.served.some((a) => a.carries.has(name)),
  );
  return [...new Set([...given, ...received])];
}

/** Every 8-character run of every form of each secret, with the secret and form it is of. */
export function runsOf(
  secrets: Partial<Secrets>,
  names: readonly string[],
  sent: readonly string[] = names,
): Map<string, { name: string; form: Form; at: number }> {
  const runs = new Map<string, { name: string; form: Form; at: number }>();
  for (const name of names) {
    const secret = secrets[name as SecretName];
    if (!secret) continue;
    for (const [text, form] of leakForms(secret, sent.includes(name)))
      for (let at = 0; at + 8 <= text.length; at++)
        if (!runs.has(text.slice(at, at + 8))) runs.set(text.slice(at, at + 8), { name, form, at });
  }
  return runs;
}

/** The first run of a secret found in any of the texts: where, which secret, which form, and the text around it (the run itself masked). */
export function findLeak(
  texts: Record<string, string>,
  runs: Map<string, { name: string; form: Form; at: number }>,
): string | undefined {
  for (const [where, text] of Object.entries(texts)) {
    for (let i = 0; i + 8 <= text.length; i++) {
      const hit = runs.get(text.slice(i, i + 8));
      if (!hit) continue;
      const around = `${text.slice(Math.max(0, i - 60), i)}⟨${hit.name}[${hit.at}..${hit.at + 8}] as ${hit.form}⟩${text.slice(i + 8, i + 68)}`;
      return `${hit.name} (${hit.form}, characters ${hit.at}–${hit.at + 8}) shows in ${where}: …${JSON.stringify(around).slice(1, -1)}…`;
    }
  }
  return undefined;
}

/** Every view of an error and of its causes, one by one. */
export function errorViews(error: unknown): Record<string, string> {
  const views: Record<string, string> = {};
  let depth = 0;
  for (
    let e = error;
    e !== undefined && e !== null && depth < 8;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const prefix = depth === 0 ? "error" : `error${".cause".repeat(depth)}`;
    if (typeof e !== "object") {
      views[prefix] = inspect(e);
      break;
    }
    for (const [view, text] of Object.entries(viewsOf(e))) views[`${prefix} ${view}`] = text;
  }
  return views;
}

/** 2. No 8-character run of a secret in the error, its causes, a log line, or what /raw hands back as an error. */
export function expectNoSecrets(o: Outcome): void {
  const invariant = "invariant 2: no 8-character run of a secret the client was given or received shows";
  const texts: Record<string, string> = {
    ...(o.settled === "error" ? errorViews(o.error) : {}),
    ...(o.settled === "value" ? (entryNamed(o.run.entry).exposed?.(o.value) ?? {}) : {}),
    ...Object.fromEntries(o.lines.map((line, i) => [`log line ${i}`, line])),
  };
  const names = secretsOf(o);
  // What the client sent is looked for in every form; what it received, in all but base64.
  const leak = findLeak(texts, runsOf(o.run.secrets, names, GIVEN));
  if (leak) fail(invariant, o, `${leak}\n  secrets held to it: ${names.join(", ")}`);
}

/** 3. CPU linear in the answers' bytes, no stall of the event loop past 100 ms, memory a small multiple of the limit. */
export function expectBounded(o: Outcome): void {
  const invariant = "invariant 3: CPU, event-loop stalls and memory per answer stay within budget";
  const cpu = cpuBudgetMs(o);
  if (o.cpuMs > cpu) fail(invariant, o, `CPU ${Math.round(o.cpuMs)} ms > budget ${Math.round(cpu)} ms`);
  if (o.blockedMs > BLOCK_LIMIT_MS)
    fail(invariant, o, `the event loop was held ${Math.round(o.blockedMs)} ms > ${BLOCK_LIMIT_MS} ms`);
  const memory = memoryBudget(o);
  if (o.peakBytes > memory) fail(invariant, o, `memory peak ${mib(o.peakBytes)} > budget ${mib(memory)}`);
}

/**
 * 4. A call that may make something reaches the server at most once unless an answer proved that
 * nothing happened: a refused connection (it never reaches the server) or a 429 (a rate limiter
 * refuses before the API acts; README, "Retries"). Every other request counted here is one the
 * server may have acted on.
 */
export function expectAtMostOnce(o: Outcome): void {
  const invariant =
    "invariant 4: create, link and completeAuth reach the server at most once per call unless an answer proved nothing happened";
  const refused = o.served.filter((a) => a.kind === "reply" && /^HTTP\/1\.1 429\b/.test(a.statusLine)).length;
  if (o.requests.length - refused > 1)
    fail(
      invariant,
      o,
      `the server got ${o.requests.length} requests for one call, ${refused} of them answered 429`,
    );
}

// ---------------------------------------------------------------------------------------------
// Properties, run counts and seeds

/** The seed `npm test` runs with: any fixed number; changed only to run other cases in CI. */
export const CI_SEED = 21;

/**
 * fast-check's parameters: `ciRuns` runs with the fixed seed in `npm test`; with FUZZ_RUNS (npm run
 * fuzz sets it) that many runs, with FUZZ_SEED or a fresh seed; FUZZ_PATH (with its FUZZ_SEED)
 * replays one failure's shrunk case alone.
 */
export function fuzzParams<T>(ciRuns: number): fc.Parameters<T> {
  const env = process.env;
  const long = env.FUZZ_RUNS !== undefined;
  return {
    numRuns: long ? Number(env.FUZZ_RUNS) : ciRuns,
    seed: env.FUZZ_SEED
      ? Number(env.FUZZ_SEED)
      : long
        ? (Date.now() ^ (Math.random() * 2 ** 32)) | 0
        : CI_SEED,
    ...(env.FUZZ_PATH ? { path: env.FUZZ_PATH, endOnFailure: true } : {}),
    // Shrinking a slow failure runs it again and again: it stops after this long (FUZZ_SHRINK_S
    // seconds), with the smallest case found so far.
    skipAllAfterTimeLimit: env.FUZZ_SHRINK_S ? Number(env.FUZZ_SHRINK_S) * 1000 : long ? 180_000 : 20_000,
    includeErrorInReport: true,
  };
}

/**
 * A property as a vitest test, its seed in its name. fast-check's own runner runs it: the wrapper
 * @fast-check/vitest 0.5.0 builds every chain of vitest 4.1's test modifiers when it is imported
 * (2–7 s, and about 240 MB of heap kept in the worker: measured here), which would make each full
 * GC of the memory bound take most of a second. A failure reads as fast-check reports it (seed,
 * path, the shrunk run, the invariant's message), then the command that replays it.
 *
 * FUZZ_MATCH=<regex> counts only failures whose message matches (to shrink one kind of failure
 * while another is known); FUZZ_SURVEY=1 runs every case without stopping or shrinking and ends
 * with one example of each kind of failure found.
 */
export function fuzzProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  { ciRuns, msPerRun }: { ciRuns: number; msPerRun: number },
): void {
  const params = fuzzParams<[T]>(ciRuns);
  const match = process.env.FUZZ_MATCH ? new RegExp(process.env.FUZZ_MATCH) : undefined;
  const survey = process.env.FUZZ_SURVEY ? new Map<string, { count: number; example: string }>() : undefined;
  const checked = async (value: T) => {
    try {
      await predicate(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (match && !match.test(message)) return;
      if (!survey) throw error;
      const kind = signature(message);
      const seen = survey.get(kind) ?? { count: 0, example: `${message}\n  run: ${fc.stringify(value)}` };
      survey.set(kind, { ...seen, count: seen.count + 1 });
    }
  };
  it(
    `${name} (seed ${params.seed})`,
    async () => {
      const details = await fc.check(fc.asyncProperty(arbitrary, checked), params);
      if (survey?.size) {
        const kinds = [...survey].map(([kind, { count, example }]) => `${count} × ${kind}\n${example}`);
        throw new Error(
          `${survey.size} kind(s) of failure in ${details.numRuns} runs:\n\n${kinds.join("\n\n")}`,
        );
      }
      if (!details.failed) return;
      const file = relative(process.cwd(), expect.getState().testPath ?? "");
      const replay = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath} npx vitest run --project fuzz ${file} -t ${JSON.stringify(name.slice(0, 20))}`;
      throw new Error(
        `${await fc.asyncDefaultReportMessage(details)}\n\nReplay the shrunk case alone:\n  ${replay}`,
      );
    },
    params.numRuns! * msPerRun + 60_000,
  );
}

/** A failure's kind: its invariant and what broke, with the numbers and quoted texts of this one case taken out. */
function signature(message: string): string {
  const [invariant = "", what = ""] = message.split("\n");
  const entry = /entry: ([^;]*)/.exec(message)?.[1] ?? /\n {2}(fetch|listen): /.exec(message)?.[1] ?? "";
  const family = /^(fetch|listen)$/.test(entry)
    ? `fake.${entry}`
    : entry.startsWith("raw.")
      ? "raw"
      : entry.startsWith("for await")
        ? "walk"
        : (/waitForConnection|confirmConnection/.exec(entry)?.[0] ??
          (entry.includes("(transport)") ? "standalone" : "client"));
  const kind = what
    .replace(/….*$/, "")
    .replace(/\d+/g, "#")
    .replace(/"[^"]*"/g, '"…"');
  return `${invariant.replace(/:.*$/, "")} (${family}): ${kind.trim()}`;
}

// Where a retrieve's cost over raw fetch lies, and what other timeout mechanisms would cost: each
// variant is a retrieve against the bench's loopback server, in ONE process, in interleaved batches
// (the order reversed every other round), so that the machine's load weighs on all alike. Prints one
// JSON line: per variant, the CPU µs per call (10th percentile and median of the batches).
//
//   node --import tsx scripts/bench/mechanisms.ts <url> <rounds> <batch> [<dist folder of another build>]
//
// The last argument adds that build's retrieve, measured in the same batches: before and after a change.
import { ACCOUNT_ID } from "./fixtures.js";

type Published = typeof import("../../src/index.js");
const DIST = new URL("../../dist/index.js", import.meta.url).href;

const [url, rounds, batch, otherDist] = process.argv.slice(2);
const target = `${url}/api/v3.1/connected_accounts/${ACCOUNT_ID}`;
const { createComposioClient, VERSION } = (await import(DIST)) as Published;
const client = createComposioClient({ apiKey: "ak_bench", baseUrl: url! });
// What the client sends: the same headers, and no redirect followed.
const init = {
  method: "GET",
  headers: {
    accept: "application/json",
    "user-agent": `composio-connected-accounts/${VERSION}`,
    "x-api-key": "ak_bench",
  },
  redirect: "manual",
} satisfies RequestInit;
const TIMEOUT_MS = 60_000;

async function readAll(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}
const shared = new AbortController().signal;

const VARIANTS: Record<string, () => Promise<unknown>> = {
  "raw fetch": async () => (await fetch(target, { headers: { "x-api-key": "ak_bench" } })).json(),
  "+ the client's headers, redirect: manual": async () => (await fetch(target, init)).json(),
  "+ a signal (AbortController)": async () =>
    (await fetch(target, { ...init, signal: new AbortController().signal })).json(),
  "+ signal and timer, per attempt (the client's)": async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await (await fetch(target, { ...init, signal: controller.signal })).json();
    } finally {
      clearTimeout(timer);
    }
  },
  "+ AbortSignal.timeout instead": async () =>
    (await fetch(target, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) })).json(),
  "+ one signal shared by every call": async () => (await fetch(target, { ...init, signal: shared })).json(),
  "signal and timer, body read by a reader (the client's)": async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return JSON.parse(await readAll(await fetch(target, { ...init, signal: controller.signal })));
    } finally {
      clearTimeout(timer);
    }
  },
  "this client's retrieve": () => client.connectedAccounts.retrieve(ACCOUNT_ID),
};
if (otherDist) {
  const other = (await import(
    new URL(`${otherDist}/index.js`, `file://${process.cwd()}/`).href
  )) as Published;
  const otherClient = other.createComposioClient({ apiKey: "ak_bench", baseUrl: url! });
  VARIANTS[`the retrieve of ${otherDist}`] = () => otherClient.connectedAccounts.retrieve(ACCOUNT_ID);
}

const names = Object.keys(VARIANTS);
for (const name of names) for (let i = 0; i < 200; i++) await VARIANTS[name]!();
const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < Number(rounds); round++) {
  for (const name of round % 2 ? [...names].reverse() : names) {
    const before = process.cpuUsage();
    for (let i = 0; i < Number(batch); i++) await VARIANTS[name]!();
    const cpu = process.cpuUsage(before);
    samples[name]!.push((cpu.user + cpu.system) / Number(batch));
  }
}
const at = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * q)]!;
console.log(
  JSON.stringify(
    Object.fromEntries(names.map((n) => [n, { p10: at(samples[n]!, 0.1), median: at(samples[n]!, 0.5) }])),
  ),
);

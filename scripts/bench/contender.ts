// One contender in a fresh process, one workload after the other, each warmed up first:
//   create:   client-process CPU per call over sequential calls, then requests/s at a concurrency;
//   retrieve: CPU per call over sequential calls;
//   list:     CPU per walk over every account of every page (fixtures.ts), walks one after another.
// Prints one JSON line.
import { CONTENDERS } from "./contenders.js";
import { PAGES, PAGE_SIZE } from "./fixtures.js";

const [name, url, sequential, warmup, concurrency, concurrent, walks, walkWarmup] = process.argv.slice(2);
const contender = await CONTENDERS[name!]!(url!);

/** Client-process CPU (user + system) per run of `work`, after `warm` runs not counted. */
async function cpuPer(work: () => Promise<unknown>, runs: number, warm: number): Promise<number> {
  for (let i = 0; i < warm; i++) await work();
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) await work();
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / runs;
}

const cpuPerCallUs = await cpuPer(contender.create, Number(sequential), Number(warmup));

let left = Number(concurrent);
const start = performance.now();
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (left-- > 0) await contender.create();
  }),
);
const requestsPerSecond = Number(concurrent) / ((performance.now() - start) / 1000);

const retrieveCpuPerCallUs = await cpuPer(contender.retrieve, Number(sequential), Number(warmup));

// A walk that missed an item would be cheaper for the wrong reason: check each one.
const walk = async () => {
  const seen = await contender.listAll();
  if (seen !== PAGES * PAGE_SIZE)
    throw new Error(`${name}: the walk saw ${seen} of ${PAGES * PAGE_SIZE} accounts`);
};
const listCpuPerWalkUs = await cpuPer(walk, Number(walks), Number(walkWarmup));

console.log(
  JSON.stringify({ name, cpuPerCallUs, requestsPerSecond, retrieveCpuPerCallUs, listCpuPerWalkUs }),
);

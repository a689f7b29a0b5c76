// One contender in a fresh process: warm up, then client-process CPU per call over sequential
// calls, then requests per second at a fixed concurrency. Prints one JSON line.
import { CONTENDERS } from "./contenders.js";

const [name, url, sequential, warmup, concurrency, concurrent] = process.argv.slice(2);
const call = await CONTENDERS[name!]!(url!);

for (let i = 0; i < Number(warmup); i++) await call();

const cpuBefore = process.cpuUsage();
for (let i = 0; i < Number(sequential); i++) await call();
const cpu = process.cpuUsage(cpuBefore);
const cpuPerCallUs = (cpu.user + cpu.system) / Number(sequential);

let left = Number(concurrent);
const start = performance.now();
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (left-- > 0) await call();
  }),
);
const requestsPerSecond = Number(concurrent) / ((performance.now() - start) / 1000);
console.log(JSON.stringify({ name, cpuPerCallUs, requestsPerSecond }));

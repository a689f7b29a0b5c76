// Runs `work` whenever one of the files changes (editors write in bursts: wait for a quiet moment).
import { watch } from "node:fs";

export function onChange(files: string[], work: () => Promise<void>, quietMs = 150): void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => (running = running.then(work, work)), quietMs);
  };
  for (const file of files) watch(file, schedule);
}

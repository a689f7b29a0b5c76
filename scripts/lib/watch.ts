// Runs `work` whenever one of the watched files changes (editors write in bursts: wait for a quiet
// moment). A folder is watched whole, subfolders included, for its YAML files: a split spec's files
// come and go, and editors that save by renaming would leave a watch on the old file deaf.
import { statSync, watch } from "node:fs";

const SPEC_FILE = /\.ya?ml$/i;

export function onChange(targets: string[], work: () => Promise<void>, quietMs = 150): void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(work, work);
    }, quietMs);
  };
  for (const target of targets) {
    if (statSync(target).isDirectory()) {
      watch(target, { recursive: true }, (_event, name) => {
        if (!name || SPEC_FILE.test(name)) schedule();
      });
    } else {
      watch(target, schedule);
    }
  }
}

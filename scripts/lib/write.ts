// Writes a folder so that readers see either the old one or the new one, never half of each.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeFolderAtomically(outDir: string, files: Map<string, string>): void {
  const parent = dirname(outDir);
  const fresh = join(parent, `.${basename(outDir)}-new-${process.pid}`);
  const old = join(parent, `.${basename(outDir)}-old-${process.pid}`);
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { recursive: true });
  try {
    for (const [name, text] of files) writeFileSync(join(fresh, name), text);
    const hadOld = existsSync(outDir);
    if (hadOld) renameSync(outDir, old);
    try {
      renameSync(fresh, outDir);
    } catch (error) {
      if (hadOld) renameSync(old, outDir);
      throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

/** File name → content of every file in a folder (flat: generated/ has no subfolders). */
export function readFolder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir).sort()) files.set(name, readFileSync(join(dir, name), "utf8"));
  return files;
}

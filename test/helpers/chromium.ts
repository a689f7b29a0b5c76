// The Chromium that browser tests drive, the first found of: the one CHROMIUM_PATH names, a system
// Chrome or Chromium at its usual path, and the one `npm ci` brings (@sparticuz/chromium, a Linux
// x64 build shipped inside the npm package: nothing is downloaded, so it works on a closed network).
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Where the browser comes from, and how to launch it (with playwright-core, headless). */
export interface FoundChromium {
  executablePath: string;
  args: string[];
  source: string;
}

// Flags for a closed network: without the background-networking ones Chromium dials Google at start.
const CLOSED_NETWORK_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// @sparticuz/chromium's args are what its build needs (headless shell, no zygote, one process), plus
// these, which switch the page's web security off: left out, so that the page runs as it would for
// a reader.
const SECURITY_OFF = new Set(["--disable-web-security", "--allow-running-insecure-content"]);

export async function findChromium(): Promise<FoundChromium> {
  const named = process.env.CHROMIUM_PATH;
  if (named) {
    // Asked for by name: a wrong path is an error, not a reason to quietly take another browser.
    if (!existsSync(named)) throw new Error(`CHROMIUM_PATH is ${named}, and there is no such file`);
    return { executablePath: named, args: CLOSED_NETWORK_FLAGS, source: "CHROMIUM_PATH" };
  }
  // A file that is there but cannot be run (a snap stub, a broken install) is no browser.
  const system = systemPaths().find(isExecutable);
  if (system) return { executablePath: system, args: CLOSED_NETWORK_FLAGS, source: "system" };
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(
      `no Chrome or Chromium found at ${systemPaths().join(", ")}; set CHROMIUM_PATH to one ` +
        `(@sparticuz/chromium, the fallback, is built for Linux x64 only)`,
    );
  return bundled();
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function systemPaths(): string[] {
  if (process.platform === "darwin")
    return [
      "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
      "/Applications/Chromium.app/Contents/MacOS/Chromium",
    ];
  if (process.platform === "win32")
    return [process.env.PROGRAMFILES, process.env["PROGRAMFILES(X86)"], process.env.LOCALAPPDATA]
      .filter((root): root is string => Boolean(root))
      .flatMap((root) => [
        join(root, "Google", "Chrome", "Application", "chrome.exe"),
        join(root, "Chromium", "Application", "chrome.exe"),
      ]);
  return [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/snap/bin/chromium",
  ];
}

async function bundled(): Promise<FoundChromium> {
  const { default: chromium } = await import("@sparticuz/chromium");
  const packageDir = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "..");
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    version: string;
  };
  // Unpacked once per version into node_modules/.cache (so `npm ci` starts it afresh).
  const dir = join(packageDir, "..", "..", ".cache", `sparticuz-chromium-${version}`);
  if (!existsSync(join(dir, "chromium"))) await unpack(chromium, dir);
  // No software WebGL (SwiftShader): a docs page needs none, and --disable-gpu asks for none.
  chromium.setGraphicsMode = false;
  const args = chromium.args.filter((arg) => !SECURITY_OFF.has(arg));
  return {
    executablePath: join(dir, "chromium"),
    args: [...new Set([...args, ...CLOSED_NETWORK_FLAGS])],
    source: `@sparticuz/chromium ${version}`,
  };
}

// executablePath() unpacks into os.tmpdir(), and takes any /tmp/chromium already there (another
// version's, or half of one still being written) as done. So it unpacks into a folder of our own,
// which is then moved into place in one step: a concurrent run sees the whole browser or none.
async function unpack(chromium: { executablePath(): Promise<string> }, dir: string): Promise<void> {
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}-`);
  const tmpdir = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    await chromium.executablePath();
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another run moved its own in first: take that one.
    if (!existsSync(join(dir, "chromium"))) throw error;
  } finally {
    if (tmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdir;
  }
}

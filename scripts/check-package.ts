// npm run check:package: publint and attw on the package, then a real consumer: the packed tarball
// installed into a fresh project, imported under Node ESM and required under CommonJS (both making a
// real call to a server on 127.0.0.1), type-checked under node16 and bundler resolution, and bundled
// for the browser (each app's first chunk within its size budget); and every relative link and image of
// the packed README names a file in the tarball.
// Then the installs people make before the name is published, from a clean clone of HEAD: from a
// git+file: URL, and from the tarball `npm pack` makes of the clone unbuilt; each imported under
// ESM and CommonJS, with the same calls. Run after `npm run build` (the npm script does both).
import { execFile } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, posix, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { BUDGETS } from "./bench/consumers.js";
import { bundleForBrowser, CONSUMER_COMPILER_OPTIONS, measureApp } from "./package/consumer.js";
import { readOperations } from "./lib/model.js";
import { loadSpec } from "./lib/spec.js";
import { linkTargets, relativeFile } from "./package/markdown.js";

const root = process.cwd();
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { name: string; version: string };
const bin = (pkgName: string, file: string) => join(root, "node_modules", pkgName, file);
const run = (cmd: string, args: string[], cwd = root, env?: Record<string, string>): Promise<string> =>
  new Promise((done, fail) =>
    execFile(
      cmd,
      args,
      { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: env && { ...process.env, ...env } },
      (error, stdout, stderr) => (error ? fail(Object.assign(error, { stdout, stderr })) : done(stdout)),
    ),
  );
const proved: string[] = [];
/** Strings only the fake of /testing carries: an app's bundle that has one carries the fake. */
const FAKE_MARKERS = ["is not faked yet", "fake.failNext"];
const step = async (what: string, work: () => string | void | Promise<string | void | undefined>) => {
  const started = performance.now();
  try {
    const detail = await work();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    proved.push(`ok   ${what}${detail ? `: ${detail}` : ""} (${seconds} s)`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    console.error(`FAIL ${what}\n${e.stdout ?? ""}${e.stderr ?? ""}${e.stdout || e.stderr ? "" : e.message}`);
    console.error(proved.join("\n"));
    process.exit(1);
  }
};

const work = mkdtempSync(join(tmpdir(), "composio-consumer-"));
// The runtime dependencies packed from node_modules, installed beside the package (see below).
const dependencies = runtimeDependencies();
const packedDependencies: string[] = [];
for (const dir of dependencies) {
  const [dep] = JSON.parse(
    await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], dir),
  ) as { filename: string }[];
  packedDependencies.push(join(work, dep!.filename));
}

// A clean clone of HEAD, as CI has it. Installed from a git URL, npm clones it again, installs its
// devDependencies and runs `prepare` (the build) before packing it; `npm pack` of the unbuilt clone
// runs `prepare` too. The two longest steps here: started now and awaited at (i) and (j), they wait
// on the disk while the other steps use the processor. Each settles at once, so that a failure is
// reported at its step, not as an unhandled rejection.
const clone = join(work, "clone");
const clonePack = join(work, "clone-pack");
const fromGit = join(work, "from-git");
const settled = (running: Promise<string>) => running.catch((error: Error) => error);
let gitInstall: Promise<string | Error> = Promise.resolve("");
let clonePacked: Promise<string | Error> = Promise.resolve("");
await step("a clean clone of HEAD", async () => {
  const head = (await run("git", ["rev-parse", "HEAD"])).trim();
  await run("git", ["clone", "--quiet", "--no-checkout", root, clone]);
  await run("git", ["checkout", "--quiet", head], clone);
  const gitUrl = `git+${pathToFileURL(clone).href}`;
  mkdirSync(fromGit);
  // allowScripts: npm 11 lists a git dependency's `prepare` as an install script not yet reviewed
  // (a later npm will block it); the README tells users to allow it so.
  writeFileSync(
    join(fromGit, "package.json"),
    JSON.stringify({ name: "from-git", private: true, type: "module", allowScripts: { [gitUrl]: true } }),
  );
  gitInstall = settled(
    run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        ...packedDependencies,
        `${gitUrl}#${head}`,
      ],
      fromGit,
    ),
  );
  // The clone has no dist/ and no node_modules: this one's are linked in, where `npm ci` puts them.
  symlinkSync(join(root, "node_modules"), join(clone, "node_modules"), "dir");
  mkdirSync(clonePack);
  clonePacked = settled(run("npm", ["pack", "--json", "--pack-destination", clonePack], clone));
  // CI tests what is committed: a change not committed is in the checks above, not in (i) and (j).
  const uncommitted = (await run("git", ["status", "--porcelain"])).split("\n").filter(Boolean);
  const listed = uncommitted.slice(0, 3).map((line) => line.slice(3));
  return `${head.slice(0, 12)}${
    uncommitted.length
      ? `; NOT in it, so not in (i) and (j): ${uncommitted.length} uncommitted change(s) (${listed.join(", ")}${uncommitted.length > 3 ? " …" : ""})`
      : ", the working tree has no uncommitted change"
  }`;
});

await step("publint --strict", async () =>
  (await run(process.execPath, [bin("publint", "src/cli.js"), "--strict"])).trim().split("\n").pop(),
);
// node16 profile: the package needs Node >= 20.19, and node10 resolution cannot see the ./validate subpath.
// The packs here skip `prepare`: the npm script has just built dist/, and prepare would build it again.
await step("attw --pack --profile node16", async () => {
  await run(
    process.execPath,
    [
      bin("@arethetypeswrong/cli", "dist/index.js"),
      "--pack",
      ".",
      "--profile",
      "node16",
      "--format",
      "table-flipped",
    ],
    root,
    { npm_config_ignore_scripts: "true" },
  );
  return "no problems for node16 (CJS and ESM) and bundler";
});

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://x");
    const answer = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    // Reads: a list of two pages (the cursor and the filters echoed), and an ACTIVE account.
    if (req.method === "GET" && pathname === "/api/v3.1/connected_accounts") {
      const cursor = searchParams.get("cursor");
      return answer(200, {
        items: [{ id: cursor ? "ca_2" : "ca_1", statuses: searchParams.get("statuses") }],
        next_cursor: cursor ? null : "page2",
      });
    }
    if (req.method === "GET") return answer(200, { id: pathname.split("/").pop(), status: "ACTIVE" });
    answer(201, {
      id: "ca_consumer",
      ua: req.headers["user-agent"],
      key: req.headers["x-api-key"],
      sent: JSON.parse(body),
    });
  });
});
try {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const consumer = join(work, "consumer");
  mkdirSync(consumer);
  let tarball = "";
  let packedFiles = new Set<string>();
  await step("npm pack", async () => {
    const [packed] = JSON.parse(
      await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work]),
    ) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = join(work, packed!.filename);
    packedFiles = new Set(packed!.files.map((f) => f.path));
    const stray = [...packedFiles].filter(
      (p) => !/^(dist\/|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(p),
    );
    if (stray.length) throw new Error(`unexpected files in the package: ${stray.join(", ")}`);
    return `${packed!.filename}, ${packed!.files.length} files`;
  });
  // The registry shows the packed README.md with no repository around it: a relative link or image
  // whose file is not in the tarball is broken there.
  await step("every relative link and image of the packed README.md is in the tarball", async () => {
    const readme = await run("tar", ["-xzOf", tarball, "package/README.md"]);
    const targets = linkTargets(readme);
    const relative = targets.flatMap(({ target, line }) => {
      const file = relativeFile(target);
      return file === undefined ? [] : [{ target, line, path: posix.normalize(file) }];
    });
    const missing = relative.filter(({ path }) => !packedFiles.has(path));
    if (missing.length) {
      throw new Error(
        `README.md links to files the package does not ship (broken on the registry's page):\n${missing
          .map(({ target, line }) => `  README.md:${line}: ${target}`)
          .join("\n")}`,
      );
    }
    return `${relative.length} relative (${[...new Set(relative.map((r) => r.path))].join(", ")}), ${targets.length - relative.length} absolute or in-page`;
  });
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  // --offline, and the runtime dependencies packed from node_modules beside the tarball: the npm
  // cache that `npm ci` fills holds their tarballs but not always the registry documents a fresh
  // install asks for, so nothing here depends on what the cache happens to hold.
  const installTarball = (file: string, dir: string) =>
    run(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", ...packedDependencies, file],
      dir,
    );
  await step("install the tarball into a fresh project", async () => {
    await installTarball(tarball, consumer);
    return `with its runtime dependencies: ${dependencies.map((d) => basename(d)).join(", ")}`;
  });

  const call = (load: string) => `
    ${load}
    const client = createComposioClient({ apiKey: "ak_consumer", baseUrl: process.argv[2], maxRetries: 0 });
    const account = await client.connectedAccounts.create({ auth_config: { id: "ac" }, connection: { state: ApiKeyState.active({ api_key: "k" }) } });
    const issues = findIssues("createConnectedAccount", { auth_config: { id: "ac" }, connection: { state: { authScheme: "OAUTH2", val: { status: "ACTIVE" } } } });
    const raw = await createRawClient({ apiKey: "ak_consumer", baseUrl: process.argv[2] }).POST("/api/v3.1/connected_accounts", { body: { auth_config: { id: "ac" }, connection: {} } });
    // The journey's other calls: every page of a list (filters comma-joined), and a wait.
    const listed = [];
    for await (const item of client.connectedAccounts.list({ statuses: ["ACTIVE", "FAILED"] })) listed.push(item.id + ":" + item.statuses);
    const waited = await client.connectedAccounts.waitForConnection("ca_wait", { timeoutMs: 5000 });
    // One class per error across entry points: what /raw throws is a ComposioError of the main entry.
    const shared = (() => { try { createRawClient({ apiKey: "a", userApiKey: "b" }); } catch (error) { return error instanceof ComposioError; } })();
    console.log(JSON.stringify({ shared, id: account.id, ua: account.ua, state: account.sent.connection.state, issue: issues[0].message, raw: raw.data.id, VERSION, listed: listed.join(" "), waited: waited.id + " " + waited.status }));
  `;
  writeFileSync(
    join(consumer, "esm.mjs"),
    call(`import { createComposioClient, ApiKeyState, ComposioError, VERSION } from "${pkg.name}";
          import { findIssues } from "${pkg.name}/validate";
          import { createRawClient } from "${pkg.name}/raw";`),
  );
  writeFileSync(
    join(consumer, "cjs.cjs"),
    `(async () => { ${call(`const { createComposioClient, ApiKeyState, ComposioError, VERSION } = require("${pkg.name}");
          const { findIssues } = require("${pkg.name}/validate");
          const { createRawClient } = require("${pkg.name}/raw");`)} })().catch((e) => { console.error(e); process.exit(1); });`,
  );
  const expectCall =
    (file: string, dir = consumer) =>
    async () => {
      const out = JSON.parse(await run(process.execPath, [file, url], dir)) as Record<string, any>;
      const want = {
        shared: true,
        id: "ca_consumer",
        ua: `${pkg.name}/${pkg.version}`,
        issue: "OAUTH2 ACTIVE requires access_token",
        raw: "ca_consumer",
        VERSION: pkg.version,
        listed: "ca_1:ACTIVE,FAILED ca_2:ACTIVE,FAILED",
        waited: "ca_wait ACTIVE",
      };
      for (const [key, value] of Object.entries(want)) {
        if (out[key] !== value)
          throw new Error(
            `${file}: ${key} is ${JSON.stringify(out[key])}, expected ${JSON.stringify(value)}`,
          );
      }
      if (out.state?.val?.status !== "ACTIVE") throw new Error(`${file}: the builder's state did not arrive`);
      return `created via the client and via /raw, listed two pages, waited for ACTIVE, User-Agent ${out.ua}, /validate loaded, one ComposioError class across entries`;
    };
  await step("(a) Node ESM import + real call to 127.0.0.1", expectCall("esm.mjs"));
  await step("(b) CommonJS require + real call to 127.0.0.1", expectCall("cjs.cjs"));

  // The ESM and the CJS build in one process (an ESM app with a CommonJS dependency using the
  // package): each has its own classes, and the README's `instanceof` checks must hold across them.
  writeFileSync(
    join(consumer, "dual.mjs"),
    `import { createRequire } from "node:module";
     import * as esm from "${pkg.name}";
     import { validateRequest } from "${pkg.name}/validate";
     const cjs = createRequire(import.meta.url)("${pkg.name}");
     const thrown = (run) => { try { run(); } catch (error) { return error; } };
     const fromCjs = thrown(() => cjs.createComposioClient({ apiKey: "a", userApiKey: "b" }));
     const invalid = thrown(() => validateRequest("createConnectedAccount", {}));
     const api = new cjs.ManagedOAuthNotSupportedError(400, new Headers(), {}, "400");
     console.log(JSON.stringify({
       distinct: cjs.ComposioError !== esm.ComposioError,
       cjsErrorIsEsm: fromCjs instanceof esm.ComposioError,
       esmErrorIsCjs: invalid instanceof cjs.ComposioValidationError && invalid instanceof cjs.ComposioError,
       subclass: api instanceof esm.BadRequestError && api instanceof esm.ComposioApiError,
       notOther: !(api instanceof esm.NotFoundError) && !(fromCjs instanceof esm.ComposioApiError),
     }));`,
  );
  // /testing: the fake, loaded as a user's test suite loads it, under ESM and CommonJS: a link the
  // "user" completes, waited for through fake.fetch; then the same API on 127.0.0.1 through listen().
  const fakeRun = (load: string) => `
    ${load}
    const fake = createFakeComposio({ authConfigs: [{ id: "ac_gh", toolkit: "github", authScheme: "OAUTH2", managed: true }] });
    const client = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch });
    const link = await client.connectedAccounts.link({ auth_config_id: "ac_gh", user_id: "u1" });
    fake.complete(link.connected_account_id);
    const account = await client.connectedAccounts.waitForConnection(link.connected_account_id);
    const server = await fake.listen();
    const listed = await createComposioClient({ apiKey: fake.apiKey, baseUrl: server.baseUrl }).connectedAccounts.list();
    await server.close();
    console.log(JSON.stringify({ status: account.status, listed: listed.total_items, requests: fake.requests.map((r) => r.operation).join(" ") }));
  `;
  writeFileSync(
    join(consumer, "fake.mjs"),
    fakeRun(`import { createComposioClient } from "${pkg.name}";
             import { createFakeComposio } from "${pkg.name}/testing";`),
  );
  writeFileSync(
    join(consumer, "fake.cjs"),
    `(async () => { ${fakeRun(`const { createComposioClient } = require("${pkg.name}");
             const { createFakeComposio } = require("${pkg.name}/testing");`)} })().catch((e) => { console.error(e); process.exit(1); });`,
  );
  const expectFake = async (file: string, dir = consumer) => {
    const out = JSON.parse(await run(process.execPath, [file], dir)) as Record<string, unknown>;
    const want = {
      status: "ACTIVE",
      listed: 1,
      requests: "createConnectedAccountLink retrieveConnectedAccount listConnectedAccounts",
    };
    if (JSON.stringify(out) !== JSON.stringify(want))
      throw new Error(`${file}: ${JSON.stringify(out)}, expected ${JSON.stringify(want)}`);
    return "linked and waited through fake.fetch, listed through listen() on 127.0.0.1";
  };
  for (const file of ["fake.mjs", "fake.cjs"]) {
    await step(`(g) /testing under ${file.endsWith(".mjs") ? "Node ESM import" : "CommonJS require"}`, () =>
      expectFake(file),
    );
  }

  await step("(e) ESM and CJS builds in one process: instanceof holds across them", async () => {
    const out = JSON.parse(await run(process.execPath, ["dual.mjs"], consumer)) as Record<string, boolean>;
    const wrong = Object.entries(out).filter(([, ok]) => !ok);
    if (wrong.length) throw new Error(`not as expected: ${wrong.map(([k]) => k).join(", ")}`);
    return "an error of either build is an instance of the other's classes, and only of those it should be";
  });

  const typed = `
    import { createComposioClient, OAuth2State, ComposioApiError, ConnectionFailedError, type CreateConnectedAccountResponse } from "${pkg.name}";
    import { validateRequest } from "${pkg.name}/validate";
    export async function connect(apiKey: string): Promise<string | undefined> {
      const client = createComposioClient({ apiKey, validate: validateRequest });
      // @ts-expect-error OAUTH2 ACTIVE requires access_token
      OAuth2State.active({});
      try {
        const account: CreateConnectedAccountResponse = await client.connectedAccounts.create({
          auth_config: { id: "ac" },
          connection: { state: OAuth2State.initializing() },
        });
        const data = account.connectionData;
        return data.authScheme === "OAUTH2" && data.val.status === "INITIATED" ? data.val.redirectUrl : undefined;
      } catch (error) {
        if (error instanceof ComposioApiError) return error.requestId;
        throw error;
      }
    }
    // The managed-OAuth journey and the management calls, typed as a user writes them.
    export async function journey(apiKey: string, userId: string): Promise<string[]> {
      const client = createComposioClient({ apiKey });
      const link = await client.connectedAccounts.link({ auth_config_id: "ac_1", user_id: userId });
      const url: string = link.redirect_url;
      try {
        await client.connectedAccounts.waitForConnection(link.connected_account_id, { timeoutMs: 60_000 });
      } catch (error) {
        if (error instanceof ConnectionFailedError) return [url, error.status, String(error.statusReason)];
        throw error;
      }
      const ids: string[] = [];
      for await (const account of client.connectedAccounts.list({ user_ids: [userId], statuses: ["ACTIVE"] })) ids.push(account.id);
      await client.connectedAccounts.updateStatus(ids[0]!, { enabled: false });
      await client.connectedAccounts.revoke(ids[0]!);
      await client.connectedAccounts.delete(ids[0]!);
      return ids;
    }
  `;
  writeFileSync(join(consumer, "typed.ts"), typed);
  // /testing's declarations, as a test suite types them (no @types/node here either).
  writeFileSync(
    join(consumer, "typed-testing.ts"),
    `import { createComposioClient, confirmConnection, ConnectionNotConfirmedError } from "${pkg.name}";
     import { createFakeComposio, type FakeRequest, type FakeServer } from "${pkg.name}/testing";
     export async function journey(): Promise<[string, FakeRequest[], FakeServer]> {
       const fake = createFakeComposio({ authConfigs: [{ id: "ac", toolkit: "github", authScheme: "OAUTH2", managed: true }] });
       const client = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch });
       const link = await client.connectedAccounts.link({ auth_config_id: "ac", user_id: "u1", callback_url: "https://app.example.com/cb" });
       fake.failNext("retrieveConnectedAccount", { status: 503, retryAfter: 1 });
       // @ts-expect-error not an operationId of the spec
       fake.failNext("retrieve", "hang");
       const page = await fake.fetch(link.redirect_url, { redirect: "manual" });
       try {
         await confirmConnection(client, page.headers.get("location") ?? "", { userId: "u1" });
       } catch (error) {
         if (error instanceof ConnectionNotConfirmedError) return [error.reason, [...fake.requests], await fake.listen()];
       }
       return ["ok", [...fake.requests], await fake.listen()];
     }`,
  );
  writeFileSync(
    join(consumer, "typed.cts"),
    typed.replace(/^\s*import (.*) from (".*");$/gm, "import $1 from $2;"),
  );
  for (const [name, options] of [
    ["node16", { module: "node16", moduleResolution: "node16" }],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }],
  ] as const) {
    const files =
      name === "node16" ? ["typed.ts", "typed.cts", "typed-testing.ts"] : ["typed.ts", "typed-testing.ts"];
    writeFileSync(
      join(consumer, `tsconfig.${name}.json`),
      JSON.stringify({
        compilerOptions: { ...CONSUMER_COMPILER_OPTIONS, ...options, noEmit: true, skipLibCheck: false },
        files,
      }),
    );
    await step(`(c) tsc, moduleResolution ${name}`, async () => {
      await run(process.execPath, [bin("typescript", "bin/tsc"), "-p", `tsconfig.${name}.json`], consumer);
      return `${files.join(" and ")} type-check with skipLibCheck false`;
    });
  }

  writeFileSync(join(consumer, "browser.ts"), typed);
  await step("(d) esbuild browser bundle", async () => {
    const bytes = await bundleForBrowser(join(consumer, "browser.ts"), consumer);
    // The Node transport takes its built-ins with process.getBuiltinModule, which esbuild would not
    // refuse: its absence shows the `browser` condition kept it out.
    if (new TextDecoder().decode(bytes).includes("getBuiltinModule"))
      throw new Error("the browser bundle carries the Node transport");
    return `${bytes.byteLength} bytes minified, no Node built-ins, no Node transport`;
  });
  await step("(d2) Node picks the node:http build, other conditions the fetch build", async () => {
    const resolve = (...conditions: string[]) =>
      run(
        process.execPath,
        [
          ...conditions.map((c) => `--conditions=${c}`),
          "--input-type=module",
          "-e",
          `console.log(import.meta.resolve("${pkg.name}"), import.meta.resolve("${pkg.name}/node"))`,
        ],
        consumer,
      );
    const [onNode, forced] = (await resolve()).trim().split(" ");
    const [onDeno] = (await resolve("deno")).trim().split(" ");
    if (!onNode?.endsWith("/dist/node.js") || !forced?.endsWith("/dist/node.js"))
      throw new Error(`on Node the package resolves to ${onNode} (and /node to ${forced}), not dist/node.js`);
    if (!onDeno?.endsWith("/dist/index.js")) throw new Error(`with the deno condition: ${onDeno}`);
    return "node → dist/node.js, deno → dist/index.js, /node → dist/node.js";
  });

  // The standalone functions bundle only what is called: a create-only app carries no other
  // operation (each sends its operationId, so its name would be in the bundle) and no pager.
  writeFileSync(
    join(consumer, "create-only.ts"),
    `import { createComposioTransport, createConnectedAccount } from "${pkg.name}";
     export const main = (apiKey: string) =>
       createConnectedAccount(createComposioTransport({ apiKey }), { auth_config: { id: "ac" }, connection: {} });`,
  );
  await step("(f) a create-only app bundles no other operation", async () => {
    const text = new TextDecoder().decode(await bundleForBrowser(join(consumer, "create-only.ts"), consumer));
    const others = [
      ...readOperations(loadSpec("spec/openapi.yaml")).map((op) => `"${op.operationId}"`),
      "next_cursor",
      "waitForConnection",
    ].filter((name) => name !== '"createConnectedAccount"' && text.includes(name));
    if (!text.includes('"createConnectedAccount"'))
      throw new Error("the bundle does not send createConnectedAccount");
    if (others.length) throw new Error(`the create-only bundle carries: ${others.join(", ")}`);
    // Nothing of /testing either: nothing outside it imports it.
    const fake = FAKE_MARKERS.filter((marker) => text.includes(marker));
    if (fake.length) throw new Error(`the create-only bundle carries the fake: ${fake.join(", ")}`);
    return `${text.length} bytes minified (${gzipSync(text).length} gzipped), only createConnectedAccount, nothing of /testing`;
  });

  // Each app's first chunk, bundled as a web app is (esbuild with code splitting), within its budget:
  // size cannot drift again unseen. What only an error path needs is in the lazy chunks beside it.
  // Beside each figure, the modules that make it up (minified bytes, the same app bundled from
  // src/, where modules stay apart: dist/ merges them into chunks), largest first.
  await step("(k) each app's first chunk within its size budget", async () => {
    const figures: string[] = [];
    const over: string[] = [];
    for (const [name, { app, source, budget, target }] of Object.entries(BUDGETS)) {
      const file = join(consumer, `budget-${name}.ts`);
      writeFileSync(file, source);
      const { initial, lazy } = await measureApp(file, consumer);
      const { modules } = await measureApp(file, root, { [pkg.name]: "./src/index.ts" });
      const shares = modules
        .filter(([module]) => !module.startsWith("/") && !module.startsWith(".."))
        .map(([module, bytes]) => `${module.replace(/^src\//, "")} ${bytes}`);
      figures.push(
        `${app} ${initial.gzipped} B (budget ${budget}, target ${target}; lazy ${lazy.gzipped} B)\n       by module, minified B: ${shares.join(", ")}`,
      );
      if (initial.gzipped > budget)
        over.push(
          `${app}: its first chunk is ${initial.gzipped} B min+gz, over its budget of ${budget} B (scripts/bench/consumers.ts BUDGETS); by module, minified B: ${shares.join(", ")}`,
        );
    }
    if (over.length) throw new Error(over.join("\n"));
    return `\n     ${figures.join("\n     ")}`;
  });

  // fake.fetch is for edge runtimes too: an app of /testing that never listens bundles for the
  // browser (esbuild fails on a Node built-in it would have to resolve) and imports none.
  writeFileSync(
    join(consumer, "fake-fetch-only.ts"),
    `import { createComposioClient } from "${pkg.name}";
     import { createFakeComposio } from "${pkg.name}/testing";
     const fake = createFakeComposio({ authConfigs: [{ id: "ac", toolkit: "github", authScheme: "API_KEY" }] });
     export const client = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch });`,
  );
  await step("(h) /testing's fake.fetch bundles for the browser with no Node built-in", async () => {
    const bytes = await bundleForBrowser(join(consumer, "fake-fetch-only.ts"), consumer);
    const text = new TextDecoder().decode(bytes);
    const builtins = text.match(/(?:from\s*|require\(|import\()\s*["']node:[a-z_]+["']/g);
    if (builtins) throw new Error(`the bundle imports Node built-ins: ${builtins.join(", ")}`);
    if (!FAKE_MARKERS.every((marker) => text.includes(marker))) throw new Error("the bundle lacks the fake");
    return `${bytes.byteLength} bytes minified (${gzipSync(bytes).length} gzipped); node:http is loaded by listen() alone`;
  });

  // (i) and (j): the installs from source run the calls of (a), (b) and (g), copied beside them.
  const journeys = ["esm.mjs", "cjs.cjs", "fake.mjs", "fake.cjs"];
  const runJourneys = async (dir: string) => {
    for (const file of journeys) writeFileSync(join(dir, file), readFileSync(join(consumer, file)));
    for (const file of journeys.slice(0, 2)) await expectCall(file, dir)();
    for (const file of journeys.slice(2)) await expectFake(file, dir);
    return "imported under ESM and CommonJS, the calls of (a), (b) and (g) pass";
  };
  const installed = (dir: string) => join(dir, "node_modules", pkg.name);

  let fromGitFiles: string[] = [];
  await step(
    "(i) installed from a git+file: URL of the clone (npm builds it through `prepare`)",
    async () => {
      const out = await gitInstall;
      if (out instanceof Error) throw out;
      fromGitFiles = filesUnder(installed(fromGit));
      const missing = entryFiles(installed(fromGit)).filter((file) => !fromGitFiles.includes(file));
      if (missing.length) throw new Error(`installed from git without: ${missing.join(", ")}`);
      return `${fromGitFiles.length} files; ${await runJourneys(fromGit)}`;
    },
  );

  await step("(j) installed from the tarball `npm pack` makes of the unbuilt clone", async () => {
    const out = await clonePacked;
    if (out instanceof Error) throw out;
    const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path).sort();
    // The same package either way: npm packs a git dependency as `npm pack` does.
    const differ = [
      ...files.filter((f) => !fromGitFiles.includes(f)),
      ...fromGitFiles.filter((f) => !files.includes(f)),
    ];
    if (differ.length) throw new Error(`the tarball and the git install differ in: ${differ.join(", ")}`);
    const dir = join(work, "from-tarball");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "from-tarball", private: true, type: "module" }),
    );
    await installTarball(join(clonePack, packed!.filename), dir);
    return `${files.length} files, the same as from git; ${await runJourneys(dir)}`;
  });
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(`check:package: ${pkg.name}@${pkg.version}\n${proved.join("\n")}`);

/** Every file under `dir`, relative to it, `/`-separated and sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

/** The files the package.json in `dir` names as entry points: main, module, types and every export. */
function entryFiles(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
  const targets: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") targets.push(posix.normalize(value));
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect([manifest.main, manifest.module, manifest.types, manifest.exports]);
  return [...new Set(targets)].sort();
}

/** The folders in node_modules of the package's runtime dependencies, theirs included. */
function runtimeDependencies(): string[] {
  const found = new Map<string, string>();
  const visit = (names: string[]) => {
    for (const name of names) {
      if (found.has(name)) continue;
      const dir = resolve("node_modules", name);
      found.set(name, dir);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      };
      visit(Object.keys(manifest.dependencies ?? {}));
    }
  };
  const own = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies?: Record<string, string> };
  visit(Object.keys(own.dependencies ?? {}));
  return [...found.values()];
}

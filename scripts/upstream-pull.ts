// npm run upstream:pull -- <file-or-url> [--commit <sha>] [--prefix /api/v3.1/connected_accounts]
//   --prefix names the source the document refreshes (needed once several are pinned); a prefix no
//   source has adds the document as a new source (auth configs from another document, say).
//                         [--timeout <seconds>] (how long a URL may take to answer whole; 30 s)
// npm run upstream:pull -- --accept
// Refreshes the pinned copy of Composio's description in api/upstream/ (`--upstream <dir>` for
// another folder) from Composio's openapi.json or from a structural copy, keeping the copy it
// replaces as the baseline that `npm run check` rates the changes against; `--accept` ends that
// once the spec is reconciled. See scripts/upstream/pinned.ts.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { fail } from "./lib/cli.js";
import { accept, DEFAULT_TIMEOUT_MS, pull, readSource, UPSTREAM_DIR } from "./upstream/pinned.js";

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      upstream: { type: "string", default: UPSTREAM_DIR },
      spec: { type: "string", default: "spec/openapi.yaml" },
      commit: { type: "string" },
      prefix: { type: "string" },
      timeout: { type: "string", default: String(DEFAULT_TIMEOUT_MS / 1000) },
      accept: { type: "boolean", default: false },
    },
  });
  const dir = resolve(values.upstream);
  if (values.accept) {
    if (positionals.length) throw new Error("--accept takes no source");
    console.log(accept({ dir, specPath: resolve(values.spec) }));
  } else {
    const [source, ...extra] = positionals;
    if (!source || extra.length)
      throw new Error("give one source: `npm run upstream:pull -- <file-or-url>` (or `-- --accept`)");
    const seconds = Number(values.timeout);
    if (!(seconds > 0))
      throw new Error(`--timeout ${values.timeout}: a number of seconds above 0 is expected`);
    const text = await readSource(source, { timeoutMs: seconds * 1000 });
    const result = pull({
      text,
      source,
      dir,
      ...(values.commit && { commit: values.commit }),
      ...(values.prefix && { prefix: values.prefix }),
    });
    console.log(result.text);
  }
} catch (error) {
  fail("upstream:pull:", error instanceof Error && !(error instanceof TypeError) ? error.message : error);
}

// Composio's real history, replayed: four published versions of its description from 2025
// (test/fixtures/upstream-history/, whole and unchanged), each consecutive pair pinned then pulled as
// a maintainer would (`upstream:pull` of the older, then of the newer), and the check's list of
// what Composio changed held to what a careful engineer reads in the two documents. Every
// expectation below was read by hand from the documents (their connected-accounts parts diffed
// member by member), not copied from the tool: which changes happened, where, and what each means
// for a user of this client (the request they can send, the answer they read, the key they use).
//
// A fact is one change at one place for one union member: `<impact> <field> — <member>: <what>`.
// The check may list a change shared by several members once, naming them all
// (`OAUTH2 · INITIALIZING, ACTIVE: …`); facts() spells each out again.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema } from "../scripts/lib/spec.js";
import type { RatedChange } from "../scripts/release/impact.js";
import { pull, upstreamReport } from "../scripts/upstream/pinned.js";

const ROOT = process.cwd();
const SPEC = join(ROOT, "spec/openapi.yaml");
const HISTORY = join(ROOT, "test/fixtures/upstream-history");
const PREFIX = "/api/v3/connected_accounts";
const scratch = mkdtempSync(join(tmpdir(), "composio-upstream-history-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const VERSIONS = {
  A: {
    file: "A-2025-04-07-814c336.json",
    sha256: "e49f12b63bef81948ef3f7aaa7c1821fc9909d370fb31967cc1a75015505a3a0",
  },
  B: {
    file: "B-2025-04-11-7f6bb1f.yml",
    sha256: "bfc98ad14ab8178dd2d50d010191c9d21d29cddb4cb19dd85478a729aeaebd1f",
  },
  C: {
    file: "C-2025-06-10-98baf5a.json",
    sha256: "c86dbbf433ff8ed9b8eeb2f58b94f0aac33f5bd32d387473705a1836d3083b34",
  },
  D: {
    file: "D-2025-07-28-7a6c794.yml",
    sha256: "039519ecaa1e5bee25e6bed28a74ddbe5bb3f91ae0c7601b84e3062770c97a4b",
  },
} as const;
type Version = keyof typeof VERSIONS;

/** Each document parsed once (D is 977 KB of YAML): a pull copies what it keeps. */
const docs = new Map<Version, Schema>();
function documentOf(version: Version): Schema {
  let doc = docs.get(version);
  if (!doc) {
    const { file, sha256 } = VERSIONS[version];
    const text = gunzipSync(readFileSync(join(HISTORY, `${file}.gz`))).toString("utf8");
    expect(createHash("sha256").update(text).digest("hex"), `${file} is the published document`).toBe(sha256);
    doc = (file.endsWith(".json") ? JSON.parse(text) : parse(text)) as Schema;
    docs.set(version, doc);
  }
  return doc;
}

/** Pins `older` in a fresh folder, pulls `newer` over it, and returns what the check says. */
async function replay(older: Version, newer: Version) {
  const dir = join(scratch, `${older}${newer}`);
  mkdirSync(dir);
  pull({ doc: documentOf(older), source: VERSIONS[older].file, dir, prefix: PREFIX });
  pull({ doc: documentOf(newer), source: VERSIONS[newer].file, dir });
  const report = await upstreamReport({ specPath: SPEC, dir });
  expect(report.change, `${older} → ${newer}: a change is pending`).toBeDefined();
  return { report, changes: report.change!.changes };
}

/** `OAUTH2 · INITIALIZING, ACTIVE; API_KEY · ACTIVE` → each member it names. */
function members(label: string): string[] {
  return label.split("; ").flatMap((group) => {
    const levels = group.split(" · ").map((level) => level.split(", "));
    return levels.reduce<string[]>(
      (names, level) => names.flatMap((name) => level.map((part) => (name ? `${name} · ${part}` : part))),
      [""],
    );
  });
}

/**
 * The facts the changes at `head` (`GET /path response 200`) state, below `field`, sorted:
 * `<impact> <field> — <member>: <what>`, or `<impact> <field> — <what>` outside a union.
 */
function facts(changes: RatedChange[], head: string, field = ""): string[] {
  const out: string[] = [];
  for (const change of changes) {
    if (!change.where.startsWith(`${head}: ${field}`) && change.where !== head) continue;
    const at = change.where.slice(head.length + 2);
    // A union member's change: `<members>: <what>`, the members' names in capitals.
    const m = /^([A-Z][A-Z0-9_]*(?:(?: · |, |; )[A-Z][A-Z0-9_]*)*): (.*)$/.exec(change.message);
    if (m) for (const member of members(m[1]!)) out.push(`${change.impact} ${at} — ${member}: ${m[2]}`);
    else out.push(`${change.impact} ${at} — ${change.message}`);
  }
  return out.sort();
}

/** Every change as one line, for a failing expectation's message. */
const listing = (changes: RatedChange[]) =>
  changes.map((c) => `${c.impact} ${c.where} — ${c.message}`).join("\n");

const V3 = "/api/v3/connected_accounts";
const LIST = `GET ${V3}`;
const CREATE = `POST ${V3}`;
const RETRIEVE = `GET ${V3}/{nanoid}`;
const DELETE = `DELETE ${V3}/{nanoid}`;
const UPDATE_STATUS = `PATCH ${V3}/{nanoId}/status`;
const REFRESH = `POST ${V3}/{nanoid}/refresh`;

/** The one change at `where` whose message matches `says`. */
function named(changes: RatedChange[], where: string, says: RegExp): RatedChange {
  const found = changes.filter((c) => c.where === where && says.test(c.message));
  expect(found, `one change at ${where} saying ${says}, in:\n${listing(changes)}`).toHaveLength(1);
  return found[0]!;
}

describe("A → B (2025-04-07 → 2025-04-11): nothing a client sees", () => {
  let changes: RatedChange[];
  let rating: string;
  beforeAll(async () => {
    const { report } = await replay("A", "B");
    changes = report.change!.changes;
    rating = report.change!.rating;
  });

  it("rates the pair patch: the servers and the operations' tags changed, no request, answer or key", () => {
    expect(rating).toBe("patch");
    expect(named(changes, "servers", /localhost:9901/).impact).toBe("patch");
    for (const change of changes) expect(change.impact, listing([change])).toBe("patch");
  });

  it("lists no change to security: A's root security and B's per operation say the same", () => {
    expect(changes.filter((c) => /security/i.test(`${c.where} ${c.message}`))).toEqual([]);
  });

  it("lists no change to a request or an answer", () => {
    expect(changes.filter((c) => / (request body|response \d+|parameter )/.test(c.where))).toEqual([]);
  });
});

describe("B → C (2025-04-11 → 2025-06-10): the v3 API reshaped", () => {
  let changes: RatedChange[];
  let rating: string;
  beforeAll(async () => {
    const { report } = await replay("B", "C");
    changes = report.change!.changes;
    rating = report.change!.rating;
  });

  it("says which status values the account lost, not only the one it gained", () => {
    for (const where of [`${RETRIEVE} response 200: status`, `${LIST} response 200: items[].status`]) {
      // An answer that no longer carries a value breaks no one: said, minor.
      expect(named(changes, where, /`status` lost INACTIVE, DELETED$/).impact).toBe("minor");
      // A value added where our client lets unknown statuses through: minor.
      expect(named(changes, where, /`status` gained INITIALIZING$/).impact).toBe("minor");
    }
    expect(
      named(changes, `${RETRIEVE} response 200: auth_config.auth_scheme`, /`auth_scheme` lost OAUTH1A$/)
        .impact,
    ).toBe("minor");
  });

  it("names the list's filters renamed as removed (major) and added (minor)", () => {
    for (const [gone, added] of [
      ["status", "statuses"],
      ["toolkit_slug", "toolkit_slugs"],
      ["user_id", "user_ids"],
      ["auth_config_id", "auth_config_ids"],
    ] as const) {
      expect(named(changes, `${LIST} query parameter ${gone}`, /removed/).impact).toBe("major");
      expect(named(changes, `${LIST} query parameter ${added}`, /added \(optional, /).impact).toBe("minor");
    }
    expect(named(changes, `${LIST} query parameter labels`, /added \(optional, /).impact).toBe("minor");
  });

  it("rates the state union added to create's request minor: a request that got looser", () => {
    expect(
      named(
        changes,
        `${CREATE} request body: connection.state`,
        /^`state` added \(optional, a union of 12 members\)$/,
      ).impact,
    ).toBe("minor");
    expect(
      named(changes, `${RETRIEVE} response 200: state`, /^`state` added \(required, a union of 12 members\)$/)
        .impact,
    ).toBe("minor");
  });

  it("names what answers lost: retrieve's uuid, and update-status's whole account", () => {
    expect(named(changes, `${RETRIEVE} response 200: uuid`, /^`uuid` removed$/).impact).toBe("major");
    expect(named(changes, `${UPDATE_STATUS} response 200: uuid`, /^`uuid` removed$/).impact).toBe("major");
    expect(named(changes, `${UPDATE_STATUS} response 200: success`, /^`success` added/).impact).toBe("minor");
  });

  it("rates annotations patch: formats, a default, operation ids, servers, schemes now defined", () => {
    expect(named(changes, `${RETRIEVE} path parameter nanoid`, /format connectedAccountId/).impact).toBe(
      "patch",
    );
    expect(named(changes, `${LIST} query parameter order_by`, /default/).impact).toBe("patch");
    expect(named(changes, "servers", /backend\.composio\.dev/).impact).toBe("patch");
    // B named ApiKeyAuth and CookieAuth in `security` without defining them; C defines them.
    expect(named(changes, "security scheme ApiKeyAuth", /x-api-key/).impact).toBe("patch");
    for (const c of changes.filter((c) => /\bformat\b|operationId|\bdefault\b/.test(c.message)))
      expect(c.impact, listing([c])).toBe("patch");
    // The key this client sends (x-api-key) is taken before and after: no operation's security changed.
    expect(changes.filter((c) => c.where.endsWith(": security"))).toEqual([]);
  });

  it("rates the pair major", () => {
    expect(rating).toBe("major");
  });
});

// The state union as C and D have it at each of its four places (list items, retrieve, create's
// request and answer): members paired by `authScheme`, then `val.status`. Read from the documents:
// SNOWFLAKE gone; API_KEY, BASIC, BEARER_TOKEN and GOOGLE_SERVICE_ACCOUNT lost FAILED and EXPIRED;
// every scheme gained INACTIVE; OAUTH1 ACTIVE, OAUTH2 (every status) and API_KEY ACTIVE changed
// fields. [impact in an answer, impact in a request, field, members, what].
const SCHEMES_C = ["OAUTH1", "OAUTH2", "COMPOSIO_LINK", "API_KEY", "BASIC", "BEARER_TOKEN"].concat([
  "GOOGLE_SERVICE_ACCOUNT",
  "NO_AUTH",
  "CALCOM_AUTH",
  "BILLCOM_AUTH",
  "BASIC_WITH_JWT",
]);
const OAUTH2_ALL = ["INITIALIZING", "INITIATED", "ACTIVE", "FAILED", "EXPIRED"].map((s) => `OAUTH2 · ${s}`);
const STATE_CD: [string, string, string, string[], string][] = [
  // An answer that no longer carries a member breaks no one; a request that can no longer send it does.
  ["minor", "major", "", ["SNOWFLAKE"], "member removed"],
  ...["API_KEY", "BASIC", "BEARER_TOKEN", "GOOGLE_SERVICE_ACCOUNT"].map(
    (scheme): [string, string, string, string[], string] => [
      "minor",
      "major",
      ".val",
      [`${scheme} · FAILED`, `${scheme} · EXPIRED`],
      "member removed",
    ],
  ),
  // Our val unions are x-sdk-open: a new status in an answer is typed UnknownValue already.
  ["minor", "minor", ".val", SCHEMES_C.map((s) => `${s} · INACTIVE`), "member added"],
  [
    "minor",
    "major",
    ".val.oauth_token_secret",
    ["OAUTH1 · ACTIVE"],
    "`oauth_token_secret` added (required, string)",
  ],
  ["minor", "minor", ".val.oauth_verifier", ["OAUTH1 · ACTIVE"], "`oauth_verifier` added (optional, string)"],
  ["minor", "minor", ".val.state_prefix", OAUTH2_ALL, "`state_prefix` added (optional, string)"],
  ["minor", "minor", ".val.long_redirect_url", OAUTH2_ALL, "`long_redirect_url` added (optional, boolean)"],
  // What an answer may now lack or hold in another type breaks the code that reads it.
  ["major", "minor", ".val.token_type", ["OAUTH2 · ACTIVE"], "`token_type` no longer required"],
  [
    "major",
    "minor",
    ".val.refresh_token",
    ["OAUTH2 · ACTIVE"],
    "`refresh_token` now string | null (was string)",
  ],
  [
    "major",
    "minor",
    ".val.expires_in",
    ["OAUTH2 · ACTIVE"],
    "`expires_in` now number | string | null (was number)",
  ],
  ["major", "minor", ".val.scope", ["OAUTH2 · ACTIVE"], "`scope` now string | string[] | null (was string)"],
  ["major", "minor", ".val.api_key", ["API_KEY · ACTIVE"], "`api_key` no longer required"],
  ...["generic_api_key", "bearer_token", "basic_encoded"].map(
    (field): [string, string, string, string[], string] => [
      "minor",
      "minor",
      `.val.${field}`,
      ["API_KEY · ACTIVE"],
      `\`${field}\` added (optional, string)`,
    ],
  ),
];
const stateFacts = (field: string, direction: "answer" | "request") =>
  STATE_CD.flatMap(([answer, request, below, names, what]) =>
    names.map((name) => `${direction === "answer" ? answer : request} ${field}${below} — ${name}: ${what}`),
  ).sort();

describe("C → D (2025-06-10 → 2025-07-28): the auth-state union, member by member", () => {
  let changes: RatedChange[];
  let rating: string;
  let text: string;
  beforeAll(async () => {
    const { report } = await replay("C", "D");
    changes = report.change!.changes;
    rating = report.change!.rating;
    text = report.text;
  });

  it.each([
    [`${RETRIEVE} response 200`, "state", "answer"],
    [`${LIST} response 200`, "items[].state", "answer"],
    [`${CREATE} response 201`, "connectionData", "answer"],
    [`${CREATE} request body`, "connection.state", "request"],
  ] as const)("%s: %s lists every member's change and no other", (head, field, direction) => {
    expect(facts(changes, head, field)).toEqual(stateFacts(field, direction));
  });

  it("names the member a change is in: OAUTH2 · ACTIVE's expires_in, in the check's own words", () => {
    expect(text).toMatch(
      /major +GET \/api\/v3\/connected_accounts\/\{nanoid\} response 200: state\.val\.expires_in — OAUTH2 · ACTIVE: `expires_in` now number \| string \| null \(was number\)/,
    );
  });

  it("lists no change that did not happen: no devKey removed, no scheme becoming another", () => {
    expect(changes.filter((c) => /devKey/.test(c.message))).toEqual([]);
    // Members are paired by their discriminators: none "becomes" another, so no change names one.
    expect(
      changes.filter((c) => /`(authScheme|status)`/.test(c.message) && /state|connectionData/.test(c.where)),
    ).toEqual([]);
    // Neither delete nor update-status changed a request or an answer (their code samples did), nor the servers.
    const untouched = changes.filter((c) => c.where.startsWith(DELETE) || c.where.startsWith(UPDATE_STATUS));
    expect(untouched.map((c) => `${c.impact} ${c.where} — ${c.message.split(":")[0]}`)).toEqual([
      `patch ${DELETE} — x-codeSamples changed`,
      `patch ${UPDATE_STATUS} — x-codeSamples changed`,
    ]);
    expect(changes.filter((c) => c.where === "servers")).toEqual([]);
  });

  it("names the list's changes: a filter's type, a status gained, paging fields, fields left undescribed", () => {
    expect(
      named(changes, `${LIST} query parameter statuses: []`, /^`statuses\[\]` gained INACTIVE$/).impact,
    ).toBe("minor");
    expect(
      named(changes, `${LIST} query parameter cursor`, /^`cursor` now string \| null \(was number \| null\)$/)
        .impact,
    ).toBe("major");
    expect(named(changes, `${LIST} query parameter connected_account_ids`, /added \(optional, /).impact).toBe(
      "minor",
    );
    expect(named(changes, `${LIST} query parameter order_direction`, /added \(optional, /).impact).toBe(
      "minor",
    );
    expect(
      named(changes, `${LIST} response 200: next_cursor`, /^`next_cursor` no longer required$/).impact,
    ).toBe("major");
    expect(
      named(changes, `${LIST} response 200: total_items`, /^`total_items` added \(required, number\)$/)
        .impact,
    ).toBe("minor");
    expect(named(changes, `${LIST} response 200: items[].status`, /^`status` gained INACTIVE$/).impact).toBe(
      "minor",
    );
    // D drops the schemas of these deprecated fields but keeps them in `required`: still sent, any value.
    for (const gone of ["items[].auth_config.auth_scheme", "items[].user_id", "items[].data"])
      expect(
        named(
          changes,
          `${LIST} response 200: ${gone}`,
          /no longer described \(still required, any value; was (string|object)\)$/,
        ).impact,
      ).toBe("major");
    expect(named(changes, `${LIST} response 422`, /added/).impact).toBe("patch");
  });

  it("names create's request fields removed and the answer's fields left undescribed", () => {
    for (const gone of ["connection.data", "connection.redirect_uri", "connection.deprecated_is_v1_rerouted"])
      expect(named(changes, `${CREATE} request body: ${gone}`, /removed$/).impact).toBe("major");
    // Still in the answer's required list, no longer among its properties: any value.
    for (const field of ["status", "redirect_url", "redirect_uri"])
      expect(
        named(changes, `${CREATE} response 201: ${field}`, /no longer described \(still required, any value;/)
          .impact,
      ).toBe("major");
  });

  it("names refresh's new optional inputs minor, and an unused security scheme patch", () => {
    expect(
      named(changes, `${REFRESH} query parameter redirect_url`, /added \(optional, string\)/).impact,
    ).toBe("minor");
    expect(named(changes, `${REFRESH} request body`, /added \(optional\)/).impact).toBe("minor");
    expect(named(changes, "security scheme OrgApiKeyAuth", /used by no operation/).impact).toBe("patch");
  });

  it("rates the pair major", () => {
    expect(rating).toBe("major");
  });
});

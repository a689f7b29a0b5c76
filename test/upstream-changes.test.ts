// What Composio changed between two copies of its description (scripts/upstream/changes.ts), on
// small documents written here: union members paired by their discriminators, a change named by
// member, values lost said, and each change rated by which side of the wire it is on.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Schema } from "../scripts/lib/spec.js";
import { bundleSpec } from "../scripts/release/spec-rating.js";
import { diffUpstream, labelText } from "../scripts/upstream/changes.js";
import {
  clientCredentials,
  COPY,
  followedChanges,
  rateUpstreamChange,
  UPSTREAM_DIR,
} from "../scripts/upstream/pinned.js";

/** A document with one operation: `create` takes `request`, answers `answer`. */
const doc = (answer: Schema, request: Schema = { type: "object" }): Schema => ({
  openapi: "3.0.0",
  info: { title: "t", version: "1" },
  paths: {
    "/api/v3/things": {
      post: {
        requestBody: { required: true, content: { "application/json": { schema: request } } },
        responses: { "200": { content: { "application/json": { schema: answer } } } },
      },
    },
  },
});

const lines = (base: Schema, revision: Schema) =>
  diffUpstream(base, revision).changes.map((c) => `${c.impact} ${c.where} — ${c.message}`);

/** A state union as Composio writes it: a member per scheme, a `val` union per status. */
const member = (scheme: string, statuses: Record<string, Schema>, order = Object.keys(statuses)) => ({
  type: "object",
  required: ["authScheme", "val"],
  properties: {
    authScheme: { type: "string", enum: [scheme] },
    val: {
      oneOf: order.map((status) => ({
        type: "object",
        required: ["status"],
        properties: { status: { type: "string", enum: [status] }, ...statuses[status] },
      })),
    },
  },
});

describe("a union's members", () => {
  const oauth2 = { ACTIVE: { access_token: { type: "string" }, expires_in: { type: "number" } }, FAILED: {} };
  const basic = { ACTIVE: { username: { type: "string" }, password: { type: "string" } } };

  it("are paired by their discriminators, not by position or likeness", () => {
    const before = doc({ oneOf: [member("OAUTH2", oauth2), member("BASIC", basic)] });
    // The same members in another order, statuses reordered too: no change at all.
    const reordered = doc({
      oneOf: [member("BASIC", basic), member("OAUTH2", oauth2, ["FAILED", "ACTIVE"])],
    });
    expect(lines(before, reordered)).toEqual([]);
    // BASIC gains OAUTH2's fields and OAUTH2 loses them: still BASIC and OAUTH2, each named.
    const swapped = doc({
      oneOf: [
        member("BASIC", { ACTIVE: { ...basic.ACTIVE, ...oauth2.ACTIVE } }),
        member("OAUTH2", { ACTIVE: {}, FAILED: {} }),
      ],
    });
    expect(lines(before, swapped)).toEqual([
      "major POST /api/v3/things response 200: val.access_token — OAUTH2 · ACTIVE: `access_token` removed",
      "major POST /api/v3/things response 200: val.expires_in — OAUTH2 · ACTIVE: `expires_in` removed",
      "minor POST /api/v3/things response 200: val.access_token — BASIC · ACTIVE: `access_token` added (optional, string)",
      "minor POST /api/v3/things response 200: val.expires_in — BASIC · ACTIVE: `expires_in` added (optional, number)",
    ]);
  });

  it("are named when added or removed, a request's removal major, an answer's minor", () => {
    const before = doc(
      { oneOf: [member("OAUTH2", oauth2), member("BASIC", basic)] },
      {
        oneOf: [member("OAUTH2", oauth2), member("BASIC", basic)],
      },
    );
    const after = doc(
      { oneOf: [member("OAUTH2", { ...oauth2, INACTIVE: {} })] },
      {
        oneOf: [member("OAUTH2", { ...oauth2, INACTIVE: {} })],
      },
    );
    expect(lines(before, after)).toEqual([
      "major POST /api/v3/things request body — BASIC: member removed",
      "major POST /api/v3/things response 200: val — OAUTH2 · INACTIVE: member added",
      "minor POST /api/v3/things request body: val — OAUTH2 · INACTIVE: member added",
      "minor POST /api/v3/things response 200 — BASIC: member removed",
    ]);
  });

  it("are told apart by discriminator.propertyName when written, and an open union's new member is minor", () => {
    const kind = (k: string, extra: Schema = {}) => ({
      type: "object",
      properties: { kind: { type: "string", const: k }, note: { type: "string", enum: ["x"] }, ...extra },
    });
    const before = doc({
      "x-sdk-open": true,
      oneOf: [kind("a"), kind("b")],
      discriminator: { propertyName: "kind" },
    });
    const after = doc({
      "x-sdk-open": true,
      oneOf: [kind("b", { size: { type: "integer" } }), kind("a"), kind("c")],
      discriminator: { propertyName: "kind" },
    });
    expect(lines(before, after)).toEqual([
      "minor POST /api/v3/things response 200 — c: member added",
      "minor POST /api/v3/things response 200: size — b: `size` added (optional, integer)",
    ]);
  });

  it("share one line per change, naming every member it is in", () => {
    expect(
      labelText([
        ["OAUTH2", "ACTIVE"],
        ["OAUTH2", "FAILED"],
      ]),
    ).toBe("OAUTH2 · ACTIVE, FAILED");
    expect(
      labelText([
        ["A", "INACTIVE"],
        ["B", "INACTIVE"],
      ]),
    ).toBe("A, B · INACTIVE");
    expect(
      labelText([
        ["A", "X"],
        ["A", "Y"],
        ["B", "X"],
        ["B", "Y"],
      ]),
    ).toBe("A, B · X, Y");
    // No product of levels: groups.
    expect(
      labelText([
        ["A", "X"],
        ["B", "Y"],
      ]),
    ).toBe("A · X; B · Y");
    expect(labelText([["SNOWFLAKE"]])).toBe("SNOWFLAKE");
  });

  // Trial 01/02: every way the discriminator can be written, and unions no longer all told apart.
  const scheme = (value: string, fields: Schema = {}, tag: Schema = { type: "string", enum: [value] }) => ({
    type: "object",
    required: ["authScheme"],
    properties: { authScheme: tag, ...fields },
  });
  const pair = (before: Schema[], after: Schema[]) => lines(doc({ oneOf: before }), doc({ oneOf: after }));

  it("are paired by the discriminator however it is written: const or enum of one, through allOf or $ref, titles swapped", () => {
    const before = [
      { ...scheme("OAUTH2", { token: { type: "string" } }), title: "First" },
      { ...scheme("BASIC", { user: { type: "string" } }), title: "Second" },
    ];
    expect(
      pair(before, [
        { ...scheme("BASIC", { user: { type: "string" } }, { const: "BASIC" }), title: "First" },
        {
          title: "Second",
          allOf: [
            {
              type: "object",
              required: ["authScheme"],
              properties: { authScheme: { allOf: [{ const: "OAUTH2" }] } },
            },
            { properties: { token: { type: "string" } } },
          ],
        },
      ]),
    ).toEqual([]);
  });

  it("are paired by the discriminator when a member added in the middle gives it no single value", () => {
    const before = [
      scheme("OAUTH2", { token: { type: "string" } }),
      scheme("BASIC", { user: { type: "string" } }),
    ];
    expect(
      pair(before, [
        scheme("OAUTH2", { token: { type: "string" } }),
        { ...scheme("", {}, { type: "string", enum: ["X", "Y"] }), title: "Other" },
        scheme("BASIC", { user: { type: "string" }, pass: { type: "string" } }),
      ]),
    ).toEqual([
      "major POST /api/v3/things response 200 — Other: member added",
      "major POST /api/v3/things response 200 — members no longer all told apart by `authScheme`",
      "minor POST /api/v3/things response 200: pass — BASIC: `pass` added (optional, string)",
    ]);
  });

  it("never lose a member whose discriminator value another member also gives", () => {
    const before = [
      scheme("OAUTH2", { token: { type: "string" } }),
      scheme("BASIC", { user: { type: "string" } }),
    ];
    expect(
      pair(before, [
        scheme("BASIC", { user: { type: "string" } }),
        scheme("OAUTH2", { token: { type: "string" } }),
        scheme("OAUTH2", { code: { type: "string" } }),
      ]),
    ).toEqual([
      "major POST /api/v3/things response 200 — OAUTH2 #2: member added",
      "major POST /api/v3/things response 200 — members no longer all told apart by `authScheme`",
    ]);
  });

  it("are paired by one discriminator on both sides, the one that still tells them apart", () => {
    const kinded = (value: string, kind: string) => ({
      type: "object",
      required: ["kind", "authScheme"],
      properties: { kind: { const: kind }, authScheme: { const: value }, n: { type: "string" } },
    });
    expect(
      pair([kinded("OAUTH2", "k1"), kinded("BASIC", "k2")], [kinded("BASIC", "v2"), kinded("OAUTH2", "v2")]),
    ).toEqual([
      "major POST /api/v3/things response 200: kind — OAUTH2, BASIC: `kind` gained v2",
      "minor POST /api/v3/things response 200: kind — OAUTH2: `kind` lost k1",
      "minor POST /api/v3/things response 200: kind — BASIC: `kind` lost k2",
    ]);
  });

  it("are paired by discriminator.mapping when the members give no constant, and through a nested union", () => {
    const components = (names: string[]) =>
      Object.fromEntries(
        names.map((n) => [
          n,
          {
            type: "object",
            properties: { authScheme: { type: "string" }, [n.toLowerCase()]: { type: "string" } },
          },
        ]),
      );
    const mapped = (order: string[], rename: Record<string, string> = {}) => ({
      ...doc({
        oneOf: order.map((n) => ({ $ref: `#/components/schemas/${rename[n] ?? n}` })),
        discriminator: {
          propertyName: "authScheme",
          mapping: Object.fromEntries(
            order.map((n) => [n.toUpperCase(), `#/components/schemas/${rename[n] ?? n}`]),
          ),
        },
      }),
      components: { schemas: components(order.map((n) => rename[n] ?? n)) },
    });
    const before = mapped(["Oauth2", "Basic"]);
    expect(lines(before, mapped(["Basic", "Oauth2"]))).toEqual([]);
    // In a union of its own inside the union: still the same members.
    const nested = structuredClone(before) as Schema;
    const schema = nested.paths["/api/v3/things"].post.responses["200"].content["application/json"].schema;
    schema.oneOf = [{ oneOf: schema.oneOf }];
    expect(lines(before, nested)).toEqual([]);
  });

  it("without any discriminator are paired when identical, never by position", () => {
    const plain = (fields: Schema, title?: string) => ({
      type: "object",
      properties: fields,
      ...(title && { title }),
    });
    const a = plain({ a: { type: "string" } });
    const b = plain({ b: { type: "string" } });
    expect(pair([a, b], [b, a])).toEqual([]);
    expect(pair([a, b], [plain({ c: { type: "string" } }), a])).toEqual([
      "major POST /api/v3/things response 200 — #1: member added",
      "minor POST /api/v3/things response 200 — #2: member removed",
    ]);
  });
});

describe("values", () => {
  const status = (values: string[], open = false) => ({
    type: "object",
    properties: { status: { type: "string", enum: values, ...(open && { "x-sdk-open": true }) } },
  });

  it("lost are said: major in a request (a value users send is refused), minor in an answer", () => {
    const before = doc(status(["ACTIVE", "INACTIVE", "DELETED"]), status(["ACTIVE", "INACTIVE", "DELETED"]));
    const after = doc(status(["ACTIVE", "INITIALIZING"]), status(["ACTIVE", "INITIALIZING"]));
    expect(lines(before, after)).toEqual([
      "major POST /api/v3/things request body: status — `status` lost INACTIVE, DELETED",
      "major POST /api/v3/things response 200: status — `status` gained INITIALIZING",
      "minor POST /api/v3/things request body: status — `status` gained INITIALIZING",
      "minor POST /api/v3/things response 200: status — `status` lost INACTIVE, DELETED",
    ]);
  });

  it("gained by an answer's enum the client keeps open are minor", () => {
    expect(lines(doc(status(["A"], true)), doc(status(["A", "B"], true)))).toEqual([
      "minor POST /api/v3/things response 200: status — `status` gained B",
    ]);
  });

  it("reordered are no change", () => {
    expect(lines(doc(status(["A", "B"])), doc(status(["B", "A"])))).toEqual([]);
  });
});

describe("types", () => {
  const field = (schema: Schema) => ({ type: "object", properties: { expires_in: schema } });

  it("a union of scalars is one schema of several types: widened, an answer's is major and a request's minor", () => {
    const before = doc(field({ type: "number" }), field({ type: "number" }));
    const widened = field({ anyOf: [{ type: "number" }, { type: "string" }, { nullable: true }] });
    expect(lines(before, doc(widened, widened))).toEqual([
      "major POST /api/v3/things response 200: expires_in — `expires_in` now number | string | null (was number)",
      "minor POST /api/v3/things request body: expires_in — `expires_in` now number | string | null (was number)",
    ]);
  });

  it("null written three ways is the same type", () => {
    const a = field({ type: "string", nullable: true });
    const b = field({ type: ["string", "null"] });
    const c = field({ anyOf: [{ type: "string" }, { type: "null" }] });
    expect(lines(doc(a, a), doc(b, b))).toEqual([]);
    expect(lines(doc(b, b), doc(c, c))).toEqual([]);
  });
});

// Changes that cannot touch a user of this client, seeded into the pinned copy of v3.1: each is
// listed, saying what it is, and none is major. The keys the client sends are our spec's.
describe("ratings by what a user of this client meets", () => {
  const pinned = JSON.parse(readFileSync(join(UPSTREAM_DIR, COPY), "utf8")) as Schema;
  const credentials = clientCredentials(bundleSpec("spec/openapi.yaml"));
  const V31 = "/api/v3.1/connected_accounts";
  const rate = (change: (doc: Schema) => void) => {
    const revision = structuredClone(pinned);
    change(revision);
    return diffUpstream(pinned, revision, { clientCredentials: credentials });
  };
  const everyOperation = (doc: Schema) =>
    Object.values(doc.paths as Schema).flatMap((item) => Object.values(item as Schema) as Schema[]);

  it.each<[string, (doc: Schema) => void, RegExp]>([
    [
      "servers",
      (doc) => (doc.servers = [{ url: "https://eu.backend.composio.dev" }]),
      /^servers now .*base URL is its own/,
    ],
    [
      "a security scheme renamed, the same header",
      (doc) => {
        doc.components.securitySchemes.ProjectKey = doc.components.securitySchemes.ApiKeyAuth;
        delete doc.components.securitySchemes.ApiKeyAuth;
        for (const op of everyOperation(doc))
          op.security = op.security.map((req: Schema) => ("ApiKeyAuth" in req ? { ProjectKey: [] } : req));
      },
      /^renamed from ApiKeyAuth: the same header x-api-key, used by 10 operations; the client sends the key, not the scheme's name$/,
    ],
    [
      "a header name's case",
      (doc) => (doc.components.securitySchemes.UserApiKeyAuth.name = "X-User-Api-Key"),
      /^header X-User-Api-Key \(was x-user-api-key\): header names are case-insensitive$/,
    ],
    [
      "a format",
      (doc) =>
        (doc.paths[`${V31}/{nanoid}`].get.responses["200"].content[
          "application/json"
        ].schema.properties.id.format = "nanoid"),
      /`id` format nanoid \(was connectedAccountId\): an annotation; the types are the same/,
    ],
    [
      "x-codeSamples",
      (doc) => (doc.paths[V31].get["x-codeSamples"] = [{ lang: "js", source: "client.list()" }]),
      /^x-codeSamples changed: an extension/,
    ],
    [
      "an unused scheme",
      (doc) =>
        (doc.components.securitySchemes.CookieAuth = { type: "apiKey", in: "cookie", name: "authToken" }),
      /^added: cookie authToken, used by no operation$/,
    ],
    [
      "a cookie alternative this client never sends",
      (doc) => {
        doc.components.securitySchemes.CookieAuth = { type: "apiKey", in: "cookie", name: "authToken" };
        doc.paths[V31].post.security.push({ CookieAuth: [] });
      },
      /^now also lists cookie authToken, which this client never sends$|^added: cookie authToken, used by 1 operation$/,
    ],
  ])("%s: patch, and said", (_, change, says) => {
    const { rating, changes } = rate(change);
    expect(rating).toBe("patch");
    expect(changes.length).toBeGreaterThan(0);
    for (const c of changes) {
      expect(c.impact).toBe("patch");
      expect(c.message).toMatch(says);
    }
  });

  it("a security scheme renamed reads as one line, at its new name (trial 18)", () => {
    const { changes } = rate((doc) => {
      doc.components.securitySchemes.ProjectKey = doc.components.securitySchemes.ApiKeyAuth;
      delete doc.components.securitySchemes.ApiKeyAuth;
      for (const op of everyOperation(doc))
        op.security = op.security.map((req: Schema) => ("ApiKeyAuth" in req ? { ProjectKey: [] } : req));
    });
    expect(changes.map((c) => `${c.impact} ${c.where} — ${c.message}`)).toEqual([
      "patch security scheme ProjectKey — renamed from ApiKeyAuth: the same header x-api-key, used by 10 operations; the client sends the key, not the scheme's name",
    ]);
  });

  it("a request that got looser (create's connection.state from any value to a union) is minor, never narrowed", () => {
    const connection = (doc: Schema) =>
      doc.paths[V31].post.requestBody.content["application/json"].schema.properties.connection.properties;
    const untyped = structuredClone(pinned);
    connection(untyped).state = {};
    const union = structuredClone(untyped);
    connection(union).state = {
      oneOf: ["OAUTH2", "API_KEY"].map((scheme) => ({
        type: "object",
        required: ["authScheme"],
        properties: { authScheme: { type: "string", enum: [scheme] } },
      })),
    };
    const { changes } = diffUpstream(untyped, union, { clientCredentials: credentials });
    expect(changes.map((c) => `${c.impact} ${c.where} — ${c.message}`)).toEqual([
      `minor POST ${V31} request body: connection.state — \`state\` now a union of 2 members (was any value)`,
    ]);
  });

  it("a key the client sends, no longer taken, is major; a new one it could send, minor", () => {
    const narrowed = rate((doc) => (doc.paths[V31].get.security = [{ ApiKeyAuth: [] }]));
    expect(narrowed.changes.map((c) => `${c.impact} ${c.message}`)).toEqual([
      "major no longer takes header x-user-api-key: a key users send is refused",
    ]);
    const widened = rate((doc) => doc.paths[V31].post.security.push({ UserApiKeyAuth: [] }));
    expect(widened.changes.map((c) => `${c.impact} ${c.message}`)).toEqual([
      "minor now takes header x-user-api-key",
    ]);
  });
});

describe("limits (trial 05/14)", () => {
  it("a change past the depth the comparison follows is said, not dropped", () => {
    const chain = (last: Schema) => ({
      ...doc({ $ref: "#/components/schemas/C0" }),
      components: {
        schemas: Object.fromEntries(
          Array.from({ length: 50 }, (_, i) => [
            `C${i}`,
            i === 49
              ? last
              : { type: "object", properties: { next: { $ref: `#/components/schemas/C${i + 1}` } } },
          ]),
        ),
      },
    });
    const [line, ...rest] = lines(chain({ type: "string" }), chain({ type: "integer" }));
    expect(rest).toEqual([]);
    expect(line).toMatch(
      /^major POST \/api\/v3\/things response 200: next(\.next){40} — `next` changed 40 levels down or deeper, where this comparison stops: read it in the documents$/,
    );
    // Unchanged, nothing is said.
    expect(lines(chain({ type: "string" }), chain({ type: "string" }))).toEqual([]);
  });
});

describe("names (trial 16)", () => {
  it("that only look alike are told apart: a character outside printable ASCII is shown escaped", () => {
    const lookalike = "user_\u0456d"; // Cyrillic і
    const before = doc({
      type: "object",
      required: ["user_id"],
      properties: { user_id: { type: "string" } },
    });
    const after = doc({
      type: "object",
      required: [lookalike],
      properties: { [lookalike]: { type: "string", enum: ["\u0410CTIVE", "ACTIVE"] } },
    });
    expect(lines(before, after)).toEqual([
      "major POST /api/v3/things response 200: user_id — `user_id` removed",
      "minor POST /api/v3/things response 200: user_\\u0456d — `user_\\u0456d` added (required, string)",
    ]);
    const values = doc({ type: "object", properties: { s: { type: "string", enum: ["ACTIVE"] } } });
    const lookalikes = doc({
      type: "object",
      properties: { s: { type: "string", enum: ["\u0410CTIVE", "ACTIVE\u200b"] } },
    });
    expect(lines(values, lookalikes)).toEqual([
      "major POST /api/v3/things response 200: s — `s` gained \\u0410CTIVE, ACTIVE\\u200b",
      "minor POST /api/v3/things response 200: s — `s` lost ACTIVE",
    ]);
  });
});

// Rated against our spec (pinned.ts, rateUpstreamChange): an answer whose values our spec narrowed on
// purpose (revoke answers REVOKED, a recorded difference) reaches no user when upstream's list grows.
describe("rated against our spec (loop 23)", () => {
  const status = (...values: string[]) =>
    doc({ type: "object", required: ["status"], properties: { status: { type: "string", enum: values } } });
  const rated = (ours: Schema, base: Schema, revision: Schema) =>
    rateUpstreamChange(ours, base, revision).changes.map((c) => `${c.impact} ${c.where} — ${c.message}`);

  it("a value added where our spec answers fewer values, by a recorded narrowing, is minor and says so", () => {
    expect(
      rated(status("REVOKED"), status("ACTIVE", "REVOKED"), status("ACTIVE", "REVOKED", "SUSPENDED")),
    ).toEqual([
      "minor POST /api/v3/things response 200: status — `status` gained SUSPENDED: our spec answers only REVOKED here (a recorded difference)",
    ]);
  });

  it("a value added where our spec lists upstream's values, closed, is still major", () => {
    expect(
      rated(
        status("ACTIVE", "REVOKED"),
        status("ACTIVE", "REVOKED"),
        status("ACTIVE", "REVOKED", "SUSPENDED"),
      ),
    ).toEqual(["major POST /api/v3/things response 200: status — `status` gained SUSPENDED"]);
  });

  it("a status added to every status enum of the pinned copy is minor for our users", () => {
    const pinned = JSON.parse(readFileSync(join(UPSTREAM_DIR, COPY), "utf8")) as Schema;
    // A status neither the copy nor our spec holds, whatever the last pull brought.
    const status = ["SUSPENDED", "PAUSED", "ON_HOLD"].find(
      (name) => !JSON.stringify(pinned).includes(`"${name}"`),
    )!;
    const next = structuredClone(pinned);
    const grow = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(grow);
      if (!node || typeof node !== "object") return;
      const n = node as Schema;
      if (Array.isArray(n.enum) && n.enum.includes("REVOKED") && n.enum.includes("ACTIVE"))
        n.enum.push(status);
      Object.values(n).forEach(grow);
    };
    grow(next);
    const change = rateUpstreamChange(bundleSpec("spec/openapi.yaml"), pinned, next);
    expect(change.changes.length).toBeGreaterThan(1);
    expect(change.rating).toBe("minor");
    expect(change.changes.map((c) => `${c.where} — ${c.message}`)).toContainEqual(
      `POST /api/v3.1/connected_accounts/{nanoid}/revoke response 200: connected_account.status — \`status\` gained ${status}: our spec answers only REVOKED here (a recorded difference)`,
    );
  });
});

describe("rule names (loop 23)", () => {
  it("a value added in a request is 'more accepted', open or not: not an open enum that grew", () => {
    const request = (values: string[], open: boolean) =>
      doc(
        { type: "object" },
        {
          type: "object",
          properties: { scheme: { type: "string", enum: values, ...(open && { "x-sdk-open": true }) } },
        },
      );
    for (const open of [true, false])
      expect(
        diffUpstream(request(["OAUTH2"], open), request(["OAUTH2", "PASSKEY"], open)).changes.map(
          (c) => `${c.impact} ${c.rule} ${c.message}`,
        ),
      ).toEqual(["minor upstream/enum-accepts-more `scheme` gained PASSKEY"]);
  });
});

// changeset:suggest's lines for an upstream sync (loop 23, finding 5): the changes our spec followed.
describe("the changes our spec followed", () => {
  it("are Composio's changes where our spec now says what the copy says; one we did not take is not", () => {
    const pinned = JSON.parse(readFileSync(join(UPSTREAM_DIR, COPY), "utf8")) as Schema;
    const LIST = "/api/v3.1/connected_accounts";
    // Two new filters, by names no list has (whatever a pull brought): our spec takes the first.
    const names = pinned.paths[LIST].get.parameters.map((p: Schema) => p.name) as string[];
    const [taken, left] = ["seen_after", "seen_before", "label_prefix", "label_suffix"].filter(
      (name) => !names.includes(name),
    );
    const next = structuredClone(pinned);
    for (const name of [taken, left])
      next.paths[LIST].get.parameters.push({
        name,
        in: "query",
        required: false,
        schema: { type: "string", nullable: true },
      });
    const ours = bundleSpec("spec/openapi.yaml");
    ours.paths[LIST].get.parameters.push({ name: taken, in: "query", schema: { type: ["string", "null"] } });
    expect(
      followedChanges(ours, { baseline: pinned, copy: next }).map(
        (c) => `${c.impact} ${c.where} — ${c.message}`,
      ),
    ).toEqual([
      `minor GET ${LIST} query parameter ${taken} — query parameter \`${taken}\` added (optional, string | null)`,
    ]);
  });
});

describe("a property dropped from `properties` but still required (loop 23, finding 10)", () => {
  it("is no longer described, not a widened type; described again, it says so", () => {
    const described = doc(
      { type: "object", required: ["user_id"], properties: { user_id: { type: "string" } } },
      { type: "object", required: ["user_id"], properties: { user_id: { type: "string" } } },
    );
    const undescribed = doc(
      { type: "object", required: ["user_id"] },
      { type: "object", required: ["user_id"] },
    );
    expect(lines(described, undescribed)).toEqual([
      "major POST /api/v3/things response 200: user_id — `user_id` no longer described (still required, any value; was string)",
      "minor POST /api/v3/things request body: user_id — `user_id` no longer described (still required, any value; was string)",
    ]);
    expect(lines(undescribed, described)).toEqual([
      "minor POST /api/v3/things request body: user_id — `user_id` now described: string (was required, any value)",
      "minor POST /api/v3/things response 200: user_id — `user_id` now described: string (was required, any value)",
    ]);
  });
});

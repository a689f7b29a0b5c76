// What Composio changed between two copies of its description (scripts/upstream/changes.ts), on
// small documents written here: union members paired by their discriminators, a change named by
// member, values lost said, and each change rated by which side of the wire it is on.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Schema } from "../scripts/lib/spec.js";
import { bundleSpec } from "../scripts/release/spec-rating.js";
import { diffUpstream, labelText } from "../scripts/upstream/changes.js";
import { clientCredentials, COPY, UPSTREAM_DIR } from "../scripts/upstream/pinned.js";

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
      /^(removed \(was header x-api-key\)|added: header x-api-key, used by 10 operations)/,
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

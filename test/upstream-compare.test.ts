// The comparison of our spec with Composio's own description (scripts/upstream/compare.ts), on
// small documents: the union rule (our oneOf against a flattened object), and each thing compared
// with the id it gets. The real pinned copy is in test/upstream.test.ts.
import { describe, expect, it } from "vitest";
import type { Schema } from "../scripts/lib/spec.js";
import { compareSpecs, pathKey } from "../scripts/upstream/compare.js";

const OP = "GET /api/v3.1/things";

/** A document with one operation answering `schema`, under `/api/<version>/things`. */
function doc(schema: Schema, { version = "v3.1", schemas = {}, op = {} } = {}): Schema {
  return {
    openapi: "3.1.0",
    paths: {
      [`/api/${version}/things`]: {
        get: { responses: { "200": { content: { "application/json": { schema } } } }, ...op },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        Key: { type: "apiKey", in: "header", name: "x-api-key" },
        UserKey: { type: "apiKey", in: "header", name: "x-user-api-key" },
        Other: { type: "apiKey", in: "header", name: "x-api-key" },
      },
    },
  };
}

const ids = (ours: Schema, upstream: Schema) => compareSpecs(ours, upstream).map((d) => d.id);
const at = (...parts: string[]) => [OP, "response 200", ...parts].join(" · ");

describe("the union rule: our oneOf against upstream's flattened object", () => {
  // Our two-level shape in small: members told apart by a const tag, each with its own fields.
  const ours = {
    type: "object",
    properties: {
      state: {
        "x-sdk-open": true,
        oneOf: [
          {
            title: "KEY",
            type: "object",
            required: ["kind", "key"],
            properties: { kind: { const: "KEY" }, key: { type: "string" }, expires: { type: "integer" } },
          },
          {
            title: "OAUTH",
            type: "object",
            required: ["kind", "token"],
            properties: { kind: { const: "OAUTH" }, token: { type: "string" }, expires: { type: "integer" } },
          },
        ],
      },
    },
  };
  /** Upstream's flattening of it: every member's field, the tags one enum, required what all share. */
  const flattened = (edit: (props: Schema, state: Schema) => void = () => {}) => {
    const state: Schema = {
      type: "object",
      required: ["kind"],
      properties: {
        kind: { type: "string", enum: ["KEY", "OAUTH"] },
        key: { type: "string" },
        token: { type: "string" },
        expires: { type: "integer" },
      },
    };
    edit(state.properties, state);
    return { type: "object", properties: { state } };
  };

  it("a union that covers every upstream property, type and value differs only in being a union (and open)", () => {
    expect(compareSpecs(doc(ours), doc(flattened()))).toEqual([
      {
        id: at("state", "open"),
        ours: "x-sdk-open: values added later pass, typed UnknownValue",
        upstream: "closed: no mark that values may be added",
      },
      { id: at("state", "union"), ours: "a union of 2 objects (KEY, OAUTH)", upstream: "one object" },
    ]);
  });

  it("a property no member has is named, with upstream's side", () => {
    const upstream = flattened((p) => (p.refresh_token = { type: "string", nullable: true }));
    expect(compareSpecs(doc(ours), doc(upstream))).toContainEqual({
      id: at("state.refresh_token", "property"),
      ours: "absent",
      upstream: "optional string | null",
    });
  });

  it("a property whose members' type is not upstream's is named with both types", () => {
    const upstream = flattened((p) => (p.expires = { type: "string" }));
    expect(compareSpecs(doc(ours), doc(upstream))).toContainEqual({
      id: at("state.expires", "type"),
      ours: "integer",
      upstream: "string",
    });
  });

  it("upstream's enum values must be covered by the members' tags, and ours beyond it are named too", () => {
    const upstream = flattened((p) => (p.kind.enum = ["KEY", "BASIC"]));
    expect(compareSpecs(doc(ours), doc(upstream))).toContainEqual({
      id: at("state.kind", "enum"),
      ours: '["KEY","OAUTH"] (only here: ["OAUTH"])',
      // Sorted, so that a reorder of upstream's values changes no recorded difference.
      upstream: '["BASIC","KEY"] (only here: ["BASIC"])',
    });
  });

  it("names names that only look alike escaped, never two ids that read the same (trial 16)", () => {
    const named = (name: string, values: string[]) =>
      doc({ type: "object", properties: { [name]: { type: "string", enum: values } } });
    expect(compareSpecs(named("status", ["ACTIVE"]), named("st\u0430tus", ["\u0410CTIVE"]))).toEqual([
      { id: at("st\\u0430tus", "property"), ours: "absent", upstream: "optional string" },
      { id: at("status", "property"), ours: "optional string", upstream: "absent" },
    ]);
    expect(compareSpecs(named("status", ["ACTIVE"]), named("status", ["\u0410CTIVE"]))[0]!.upstream).toBe(
      '["\\u0410CTIVE"] (only here: ["\\u0410CTIVE"])',
    );
  });

  it("names values as JSON, so that a value holding a comma is never read as two (trial 07)", () => {
    const enumOf = (values: string[]) =>
      doc({ type: "object", properties: { kind: { type: "string", enum: values } } });
    const [before, after] = [
      ["A", "B, C"],
      ["A, B", "C"],
    ].map(
      (values) =>
        compareSpecs(
          doc({ type: "object", properties: { kind: { type: "string", enum: ["Z"] } } }),
          enumOf(values),
        )[0],
    );
    expect(before).toEqual({
      id: at("kind", "enum"),
      ours: '["Z"] (only here: ["Z"])',
      upstream: '["A","B, C"] (only here: ["A","B, C"])',
    });
    expect(after!.upstream).toBe('["A, B","C"] (only here: ["A, B","C"])');
    // Property names too: `a, b` is one name.
    const names = (props: string[]) =>
      doc({ type: "object", properties: Object.fromEntries(props.map((n) => [n, {}])) });
    const free = doc({ type: "object" });
    expect(compareSpecs(free, names(["a, b"]))[0]!.upstream).toBe('1 properties: ["a, b"]');
    expect(compareSpecs(free, names(["a", "b"]))[0]!.upstream).toBe('2 properties: ["a","b"]');
  });

  it("properties only some members have, that the flattened object lacks, are one difference listing them", () => {
    const upstream = flattened((p) => {
      delete p.key;
      delete p.token;
    });
    expect(compareSpecs(doc(ours), doc(upstream))).toContainEqual({
      id: at("state", "members' own properties"),
      ours: '2 properties of some members: ["key","token"]',
      upstream: "absent from the flattened object",
    });
    // A property EVERY member has stands alone.
    const noExpires = flattened((p) => delete p.expires);
    expect(ids(doc(ours), doc(noExpires))).toContain(at("state.expires", "property"));
  });

  it("required means required in every member: what a flattened object's required list says", () => {
    // `kind` is required in both members and upstream: no difference. `key` only in one member.
    const upstream = flattened((_, state) => (state.required = ["kind", "key"]));
    expect(compareSpecs(doc(ours), doc(upstream))).toContainEqual({
      id: at("state.key", "required"),
      ours: "required in 1 of 2 members",
      upstream: "required",
    });
    const allRequire = flattened((_, state) => (state.required = []));
    expect(compareSpecs(doc(ours), doc(allRequire))).toContainEqual({
      id: at("state.kind", "required"),
      ours: "required",
      upstream: "optional",
    });
  });

  it("properties written beside the oneOf belong to every member", () => {
    const beside = {
      type: "object",
      required: ["common"],
      properties: { common: { type: "string" } },
      oneOf: [
        { title: "A", properties: { a: { type: "string" } } },
        { title: "B", properties: { b: { type: "string" } } },
      ],
    };
    const flat = {
      type: "object",
      required: ["common"],
      properties: { common: { type: "string" }, a: { type: "string" }, b: { type: "string" } },
    };
    expect(ids(doc(beside), doc(flat))).toEqual([`${OP} · response 200 · union`]);
  });

  it("members nested two levels deep (a union in each member) are compared as one list", () => {
    const twoLevels = {
      oneOf: [
        {
          type: "object",
          properties: {
            val: {
              oneOf: [
                { properties: { status: { const: "ACTIVE" }, a: { type: "string" } } },
                { properties: { status: { const: "FAILED" } } },
              ],
            },
          },
        },
        {
          type: "object",
          properties: { val: { oneOf: [{ properties: { status: { const: "REVOKED" } } }] } },
        },
      ],
    };
    const flat = {
      type: "object",
      properties: {
        val: {
          type: "object",
          properties: { status: { type: "string", enum: ["ACTIVE", "FAILED"] }, a: { type: "string" } },
        },
      },
    };
    expect(compareSpecs(doc(twoLevels), doc(flat))).toEqual([
      { id: `${OP} · response 200 · union`, ours: "a union of 2 objects", upstream: "one object" },
      { id: at("val", "union"), ours: "a union of 3 objects", upstream: "one object" },
      {
        id: at("val.status", "enum"),
        ours: '["ACTIVE","FAILED","REVOKED"] (only here: ["REVOKED"])',
        upstream: '["ACTIVE","FAILED"]',
      },
    ]);
  });
});

describe("the comparison", () => {
  it("sees null the same however it is written: type list, 3.0 nullable, a null member, a null value", () => {
    const nullable = [
      { type: ["string", "null"] },
      { type: "string", nullable: true },
      { anyOf: [{ type: "string" }, { type: "null" }] },
      { oneOf: [{ type: "string" }, { type: "null" }] },
    ];
    for (const a of nullable)
      for (const b of nullable)
        expect(ids(doc({ properties: { x: a } }), doc({ properties: { x: b } }))).toEqual([]);
    expect(
      compareSpecs(doc({ properties: { x: { type: "string" } } }), doc({ properties: { x: nullable[1]! } })),
    ).toEqual([{ id: at("x", "nullable"), ours: "not nullable", upstream: "nullable" }]);
    const enums = [{ enum: ["A", null] }, { type: ["string", "null"], enum: ["A"] }];
    expect(ids(doc({ properties: { x: enums[0] } }), doc({ properties: { x: enums[1] } }))).toEqual([]);
  });

  it("merges allOf parts, follows refs, and names a difference inside upstream's named schema by it", () => {
    const ours = doc(
      {
        allOf: [
          { $ref: "#/components/schemas/Base" },
          { properties: { b: { type: "integer" } }, required: ["b"] },
        ],
      },
      { schemas: { Base: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } } },
    );
    const upstream = doc(
      { $ref: "#/components/schemas/Thing" },
      {
        schemas: {
          Thing: {
            type: "object",
            properties: { a: { type: "string" }, b: { type: "number" } },
            required: ["a", "b"],
          },
        },
      },
    );
    expect(compareSpecs(ours, upstream)).toEqual([
      { id: "schema Thing · b · type", ours: "integer", upstream: "number" },
    ]);
  });

  it("matches operations without the version segment, and names the version as one difference", () => {
    const same = { type: "object", properties: { a: { type: "string" } } };
    expect(compareSpecs(doc(same, { version: "v3" }), doc(same))).toEqual([
      { id: `${OP} · path`, ours: "/api/v3/things", upstream: "/api/v3.1/things" },
    ]);
    expect(pathKey("/api/v3/connected_accounts/{nanoid}/status")).toBe(
      pathKey("/api/v3.1/connected_accounts/{nanoId}/status"),
    );
  });

  it("compares security per operation, the root's applying where an operation has none, by header", () => {
    const either = [{ Key: [] }, { UserKey: [] }];
    const ours = { ...doc({}), security: either };
    // Another scheme name for the same header is the same requirement.
    expect(ids(ours, doc({}, { op: { security: [{ UserKey: [] }, { Other: [] }] } }))).toEqual([]);
    // Header names are case-insensitive: another case is the same header.
    const shouted = doc({}, { op: { security: [{ Key: [] }, { UserKey: [] }] } });
    shouted.components.securitySchemes.Key.name = "X-API-KEY";
    expect(ids(ours, shouted)).toEqual([]);
    expect(compareSpecs(ours, doc({}, { op: { security: [{ Key: [] }] } }))).toEqual([
      {
        id: `${OP} · security`,
        ours: "x-api-key (header) | x-user-api-key (header)",
        upstream: "x-api-key (header)",
      },
    ]);
  });

  it("compares parameters with OpenAPI's defaults for style and explode", () => {
    const param = (extra: Schema) => ({
      op: {
        parameters: [
          { name: "ids", in: "query", schema: { type: "array", items: { type: "string" } }, ...extra },
        ],
      },
    });
    expect(ids(doc({}, param({ style: "form", explode: true })), doc({}, param({})))).toEqual([]);
    expect(compareSpecs(doc({}, param({ explode: false })), doc({}, param({ required: true })))).toEqual([
      { id: `${OP} · query parameter ids · explode`, ours: "false", upstream: "true" },
      { id: `${OP} · query parameter ids · required`, ours: "optional", upstream: "required" },
    ]);
    expect(compareSpecs(doc({}, param({})), doc({}))).toEqual([
      { id: `${OP} · query parameter ids`, ours: "optional", upstream: "absent" },
    ]);
  });

  it("names status codes, operations and request bodies one side lacks", () => {
    const upstream = doc({});
    upstream.paths["/api/v3.1/things"].get.responses["404"] = {
      content: { "application/json": { schema: {} } },
    };
    upstream.paths["/api/v3.1/things"].post = {
      requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
      responses: {},
    };
    expect(compareSpecs(doc({}), upstream)).toEqual([
      { id: `${OP} · response 404`, ours: "absent", upstream: "declared" },
      { id: "POST /api/v3.1/things · operation", ours: "absent", upstream: "operation" },
    ]);
  });

  it("names deprecation and the free-form object against a listed one", () => {
    const ours = doc({
      properties: {
        a: { type: "string", deprecated: true },
        data: { type: "object", additionalProperties: true },
      },
    });
    const upstream = doc({
      properties: {
        a: { type: "string" },
        data: { type: "object", properties: { x: { type: "string" }, y: {} } },
      },
    });
    expect(compareSpecs(ours, upstream)).toEqual([
      { id: at("a", "deprecated"), ours: "deprecated", upstream: "not deprecated" },
      {
        id: at("data", "properties"),
        ours: "a free-form object: no property listed",
        upstream: '2 properties: ["x","y"]',
      },
    ]);
  });
});

// The spec against its sources: every field of the seed document (with its description and
// deprecation), every auth scheme, status and required field of ../shared/api-facts.md, and every
// operation of ../shared/api-lifecycle.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SENSITIVE_KEY } from "../generated/meta.js";
import { readBuilderUnions, readMeta, readOperations } from "../scripts/lib/model.js";
import { deref, loadSpec, type Schema } from "../scripts/lib/spec.js";

const spec = loadSpec("spec/openapi.yaml");
const schemas = spec.doc.components.schemas as Record<string, Schema>;

interface SeedField {
  path: string[];
  description: string;
}

/** The fields listed under one heading of the seed, with their nesting from the indentation. */
function seedFields(heading: string): SeedField[] {
  const seed = readFileSync("test/fixtures/seed-create-connected-account.md", "utf8");
  const start = seed.indexOf(heading);
  const section = seed.slice(start, seed.indexOf("**Example", start));
  const stack: string[] = [];
  const fields: SeedField[] = [];
  for (const line of section.split("\n")) {
    const match = /^( *)- `([^`]+)` \([^)]*(?:\([^)]*\))?[^)]*\)(?: \*\(required\)\*)?(?:: (.*))?$/.exec(
      line,
    );
    if (!match || match[2] === "[key: string]") continue;
    const depth = match[1]!.length / 2;
    stack.length = depth;
    stack.push(match[2]!);
    fields.push({ path: [...stack], description: match[3] ?? "" });
  }
  return fields;
}

/** The schemas a field path reaches, through every oneOf/anyOf/allOf branch. */
function reach(schema: Schema, path: string[]): Schema[] {
  const s = deref(spec, schema, []).schema;
  const branches = [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])] as Schema[];
  const here =
    path.length === 0 ? [s] : s.properties?.[path[0]!] ? reach(s.properties[path[0]!], path.slice(1)) : [];
  return [...here, ...branches.flatMap((b) => reach(b, path))];
}

const requestSchema = schemas.CreateConnectedAccountRequest!;
const responseSchema = schemas.CreatedConnectedAccount!;

describe.each([
  ["request", "### Request Body", requestSchema],
  ["response", "**Response Schema:**", responseSchema],
])("every %s field of the seed", (_kind, heading, root) => {
  const fields = seedFields(heading);

  it("was found in the seed (the parser works)", () => {
    expect(fields.length).toBeGreaterThan(_kind === "request" ? 40 : 35);
    expect(fields.map((f) => f.path.join("."))).toContain(
      _kind === "request" ? "connection.state.val.oauth_token_secret" : "connectionData.val.expired_at",
    );
  });

  it("is in the spec, with its description, and deprecated where the seed says so", () => {
    const missing: string[] = [];
    // The seed documents v3; v3.1's 201 no longer carries the deprecated uuids.
    const gone = _kind === "response" ? /^deprecated(\.|$)/ : /^$/;
    expect(fields.some((f) => gone.test(f.path.join(".")))).toBe(_kind === "response");
    for (const field of fields.filter((f) => !gone.test(f.path.join(".")))) {
      const found = reach(root, field.path);
      const name = field.path.join(".");
      if (!found.length) {
        missing.push(`${name}: not in the spec`);
        continue;
      }
      if (
        field.description &&
        !found.some((s) => typeof s.description === "string" && s.description.length > 0)
      ) {
        missing.push(`${name}: no description`);
      }
      if (/DEPRECATED/.test(field.description) && !found.some((s) => s.deprecated === true)) {
        missing.push(`${name}: not deprecated`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("facts beyond the seed", () => {
  it("has the request fields the real API has", () => {
    for (const path of [
      ["connection", "alias"],
      ["connection", "experimental", "account_type"],
      ["connection", "experimental", "acl_config_for_shared", "not_allowed_user_ids"],
    ]) {
      expect(reach(requestSchema, path), path.join(".")).not.toEqual([]);
    }
    const connection = requestSchema.properties.connection.properties;
    expect(connection.user_id.default).toBe("default");
    expect(connection.deprecated_is_v1_rerouted.default).toBe(false);
    const experimental = deref(spec, connection.experimental, []).schema;
    expect(deref(spec, experimental.properties.account_type, []).schema.enum).toEqual(["PRIVATE", "SHARED"]);
  });

  it("requires the five response fields v3.1 sends (no `deprecated`), with the deprecated ones marked and the URLs nullable", () => {
    expect(responseSchema.required).toEqual([
      "id",
      "connectionData",
      "status",
      "redirect_url",
      "redirect_uri",
    ]);
    expect(responseSchema.properties.deprecated).toBeUndefined();
    expect(reach(responseSchema, ["status"]).some((s) => s.deprecated)).toBe(true);
    for (const name of ["redirect_url", "redirect_uri"])
      expect(responseSchema.properties[name].deprecated, name).toBe(true);
    expect(responseSchema.properties.redirect_url.type).toEqual(["string", "null"]);
    expect(reach(responseSchema, ["status"]).find((s) => s.enum)!.enum).toEqual([
      "INITIALIZING",
      "INITIATED",
      "ACTIVE",
      "FAILED",
      "EXPIRED",
      "INACTIVE",
      "REVOKED",
    ]);
  });

  it("uses one error envelope for 400, 401, 404, 422, 500 and 501", () => {
    const responses = spec.doc.paths["/api/v3.1/connected_accounts"].post.responses;
    expect(Object.keys(responses)).toEqual(["201", "400", "401", "404", "422", "500", "501"]);
    for (const code of ["400", "401", "404", "422", "500", "501"]) {
      const response = deref(spec, responses[code], []).schema;
      expect(response.content["application/json"].schema.$ref, code).toBe(
        "#/components/schemas/ErrorEnvelope",
      );
    }
  });

  it("offers x-api-key and x-user-api-key as alternatives", () => {
    expect(spec.doc.security).toEqual([{ ApiKeyAuth: [] }, { UserApiKeyAuth: [] }]);
    expect(spec.doc.components.securitySchemes.ApiKeyAuth.name).toBe("x-api-key");
    expect(spec.doc.components.securitySchemes.UserApiKeyAuth.name).toBe("x-user-api-key");
    expect(spec.doc.servers[0].url).toBe("https://backend.composio.dev");
  });

  it("shares the 22 base strings through one component", () => {
    const base = schemas.StateBase!.properties;
    // At least the facts' 22: one the API adds to every state goes here, and breaks nothing.
    expect(Object.keys(base).length).toBeGreaterThanOrEqual(22);
    const text = spec.files.map((f) => f.text).join("\n");
    expect(text.match(/borneo_dashboard_url:/g)).toHaveLength(1);
  });
});

// The table restates Composio's own description (not our spec) on purpose: it is the source the spec
// is checked against. An operation we add that v3.1 does not have is not in it, and breaks nothing.
describe("every operation of v3.1 (../shared/upstream/README.md's table)", () => {
  const EITHER = [{ ApiKeyAuth: [] }, { UserApiKeyAuth: [] }];
  const API_KEY_ONLY = [{ ApiKeyAuth: [] }];
  // method, path, x-sdk method, security, success status and error statuses, as Composio's own
  // description of v3.1 has them: a user API key is taken by list, retrieve, delete and link only.
  const operations: [string, string, string, object[], string, string[]][] = [
    [
      "post",
      "/api/v3.1/connected_accounts",
      "create",
      API_KEY_ONLY,
      "201",
      ["400", "401", "404", "422", "500", "501"],
    ],
    [
      "post",
      "/api/v3.1/connected_accounts/link",
      "link",
      EITHER,
      "201",
      ["400", "401", "404", "422", "429", "500", "501"],
    ],
    [
      "post",
      "/api/v3.1/connected_accounts/complete_auth",
      "completeAuth",
      API_KEY_ONLY,
      "200",
      ["400", "401", "404", "500"],
    ],
    ["get", "/api/v3.1/connected_accounts", "list", EITHER, "200", ["400", "401", "404", "422", "500"]],
    [
      "get",
      "/api/v3.1/connected_accounts/{nanoid}",
      "retrieve",
      EITHER,
      "200",
      ["400", "401", "403", "404", "500", "501"],
    ],
    [
      "patch",
      "/api/v3.1/connected_accounts/{nanoid}",
      "update",
      API_KEY_ONLY,
      "200",
      ["400", "401", "403", "404", "409", "500"],
    ],
    [
      "patch",
      "/api/v3.1/connected_accounts/{nanoId}/status",
      "updateStatus",
      API_KEY_ONLY,
      "200",
      ["400", "401", "403", "404", "409", "500"],
    ],
    [
      "delete",
      "/api/v3.1/connected_accounts/{nanoid}",
      "delete",
      EITHER,
      "200",
      ["400", "401", "403", "404", "500"],
    ],
    [
      "post",
      "/api/v3.1/connected_accounts/{nanoid}/refresh",
      "refresh",
      API_KEY_ONLY,
      "200",
      ["400", "401", "403", "404", "409", "422", "500"],
    ],
    [
      "post",
      "/api/v3.1/connected_accounts/{nanoid}/revoke",
      "revoke",
      API_KEY_ONLY,
      "200",
      ["400", "401", "403", "404", "409", "500"],
    ],
  ];
  const op = (method: string, path: string): Schema => spec.doc.paths[path]?.[method];
  const param = (method: string, path: string, name: string): Schema =>
    [...(op(method, path).parameters ?? []), ...(spec.doc.paths[path].parameters ?? [])]
      .map((p: Schema) => deref(spec, p, []).schema)
      .find((p: Schema) => p.name === name) as Schema;

  it.each(operations)(
    "%s %s: x-sdk, security, every response with the error envelope",
    (method, path, sdk, security, success, errors) => {
      const operation = op(method, path);
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.operationId).toMatch(/^[A-Za-z_$][A-Za-z0-9_$]*$/);
      expect(operation["x-sdk"]).toEqual({ resource: "connectedAccounts", method: sdk });
      expect(operation.security).toEqual(security);
      expect(operation.tags).toEqual(["Connected accounts"]);
      expect(operation.summary).toBeTruthy();
      expect(operation.description).toBeTruthy();
      expect(Object.keys(operation.responses)).toEqual([success, ...errors]);
      for (const code of errors) {
        const response = deref(spec, operation.responses[code], []).schema;
        expect(response.content["application/json"].schema.$ref, code).toBe(
          "#/components/schemas/ErrorEnvelope",
        );
      }
    },
  );

  it("marks only update, updateStatus and delete as safe to repeat, and only refresh as deprecated", () => {
    const idempotent = operations.filter(([m, p]) => op(m, p)["x-sdk-idempotent"] === true).map((o) => o[2]);
    expect(idempotent).toEqual(["update", "updateStatus", "delete"]);
    for (const [m, p] of operations) expect(op(m, p)["x-sdk-idempotent"] ?? true, `${m} ${p}`).toBe(true);
    const deprecated = operations.filter(([m, p]) => op(m, p).deprecated === true).map((o) => o[2]);
    expect(deprecated).toEqual(["refresh"]);
  });

  it("list: cursor pagination, comma-joined array filters and the query enums with their defaults", () => {
    const path = "/api/v3.1/connected_accounts";
    expect(op("get", path)["x-sdk-pagination"]).toEqual({
      cursorParam: "cursor",
      nextCursor: "next_cursor",
      items: "items",
    });
    for (const name of [
      "toolkit_slugs",
      "statuses",
      "user_ids",
      "auth_config_ids",
      "connected_account_ids",
    ]) {
      const p = param("get", path, name);
      expect(p, name).toMatchObject({
        in: "query",
        style: "form",
        explode: false,
        schema: { type: ["array", "null"] },
      });
      expect(p.required ?? false, name).toBe(false);
    }
    const statuses = deref(spec, param("get", path, "statuses").schema.items, []).schema;
    expect(statuses.enum).toEqual([
      "INITIALIZING",
      "INITIATED",
      "ACTIVE",
      "FAILED",
      "EXPIRED",
      "INACTIVE",
      "REVOKED",
    ]);
    expect(param("get", path, "order_by").schema).toMatchObject({
      enum: ["created_at", "updated_at"],
      default: "created_at",
    });
    expect(param("get", path, "order_direction").schema).toMatchObject({
      enum: ["desc", "asc"],
      default: "desc",
    });
    expect(param("get", path, "account_type").schema).toMatchObject({
      enum: ["PRIVATE", "SHARED", "ALL"],
      default: "PRIVATE",
    });
    expect(param("get", path, "cursor").schema.type).toEqual(["string", "null"]);
    expect(param("get", path, "limit").schema.type).toEqual(["number", "null"]);
    const page = schemas.ConnectedAccountList!;
    expect(page.required).toEqual(["items", "total_pages", "current_page", "total_items"]);
    expect(page.properties.next_cursor.type).toEqual(["string", "null"]);
  });

  it("delete: revoke_on_delete defaults to false; refresh: redirect_url in the query and the body", () => {
    expect(param("delete", "/api/v3.1/connected_accounts/{nanoid}", "revoke_on_delete").schema).toEqual({
      type: ["boolean", "null"],
      default: false,
    });
    const refresh = "/api/v3.1/connected_accounts/{nanoid}/refresh";
    expect(param("post", refresh, "redirect_url").schema).toEqual({ type: "string", format: "uri" });
    expect(op("post", refresh).requestBody.required).toBe(false);
    expect(schemas.RefreshConnectedAccountRequest!.properties.redirect_url.format).toBe("uri");
  });

  it("the account id in every path is `ca_…`, spelt nanoId where the real path does", () => {
    for (const [method, path] of operations.filter(([, path]) => path.includes("{"))) {
      const name = path.includes("{nanoId}") ? "nanoId" : "nanoid";
      const p = param(method, path, name);
      expect(p, `${method} ${path}`).toMatchObject({ in: "path", required: true });
      expect(p.example).toMatch(/^ca_/);
      const schema = deref(spec, p.schema, []).schema;
      expect(new RegExp(schema.pattern).test(p.example)).toBe(true);
      expect(new RegExp(schema.pattern).test("ac_1a2b3c4d5e6f")).toBe(false);
    }
  });

  it("one account schema for list items and retrieve: retrieve adds the deprecated params", () => {
    const account = schemas.ConnectedAccount!;
    expect(schemas.ConnectedAccountList!.properties.items.items.$ref).toBe(
      "#/components/schemas/ConnectedAccount",
    );
    const retrieve = op("get", "/api/v3.1/connected_accounts/{nanoid}").responses["200"];
    expect(retrieve.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/RetrievedConnectedAccount",
    );
    const retrieved = schemas.RetrievedConnectedAccount!;
    expect(retrieved.allOf[0].$ref).toBe("#/components/schemas/ConnectedAccount");
    expect(retrieved.allOf[1].required).toEqual(["params"]);
    expect(retrieved.allOf[1].properties.params.deprecated).toBe(true);
    // Required lists are pinned whole: each entry is a promise the types make to callers (the field
    // is always there). An optional field the API adds does not touch them.
    expect(account.required).toEqual([
      "id",
      "toolkit",
      "auth_config",
      "user_id",
      "status",
      "status_reason",
      "is_disabled",
      "created_at",
      "updated_at",
      "state",
      "data",
      "alias",
      "word_id",
    ]);
    // v3.1 always sends alias and word_id, null when there is none.
    for (const name of ["alias", "word_id"])
      expect(account.properties[name].type).toEqual(["string", "null"]);
    expect(account.properties.params).toBeUndefined();
    // The same two-level union as create's connectionData, by reference: never a copy.
    expect(account.properties.state).toEqual({ $ref: "#/components/schemas/ConnectionState" });
    expect(account.properties.status).toEqual({ $ref: "#/components/schemas/ConnectionStatus" });
    expect(account.properties.status_reason.type).toEqual(["string", "null"]);
    for (const name of ["user_id", "data", "deprecated", "authScheme"])
      expect(account.properties[name].deprecated, name).toBe(true);
    expect(account.properties.auth_config.required).toEqual([
      "id",
      "auth_scheme",
      "is_composio_managed",
      "is_disabled",
    ]);
    expect(account.properties.auth_config.properties.auth_scheme.deprecated).toBe(true);
    expect(
      deref(spec, account.properties.auth_config.properties.auth_scheme.allOf[0], []).schema.enum,
    ).toHaveLength(15);
    for (const name of [
      "alias",
      "word_id",
      "experimental",
      "requested_scopes",
      "requested_user_scopes",
      "test_request_endpoint",
    ])
      expect(account.properties[name], name).toBeDefined();
  });

  it("the 7 statuses are one named enum, which create's deprecated status reuses", () => {
    expect(schemas.ConnectionStatus!.enum).toHaveLength(7);
    expect(schemas.DeprecatedConnectionStatus!.allOf).toEqual([
      { $ref: "#/components/schemas/ConnectionStatus" },
    ]);
    expect(schemas.DeprecatedConnectionStatus!.enum).toBeUndefined();
  });

  it("link: the body and the 201 the facts describe", () => {
    const body = schemas.ConnectedAccountLinkRequest!;
    expect(body.required).toEqual(["auth_config_id", "user_id"]);
    expect(body.properties.user_id.minLength).toBe(1);
    // The fields the facts name; an optional one the API adds later is no decision of ours to pin.
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining([
        "auth_config_id",
        "user_id",
        "callback_url",
        "alias",
        "connection_data",
        "experimental",
      ]),
    );
    expect(schemas.ConnectedAccountLink!.required).toEqual([
      "link_token",
      "redirect_url",
      "expires_at",
      "connected_account_id",
    ]);
  });

  it("update: the 6 updatable schemes; val is v3.1's closed list of 16 nullable credential fields; experimental ACLs", () => {
    const body = schemas.UpdateConnectedAccountRequest!;
    expect(body.required).toBeUndefined();
    expect(body.properties.connection.required).toEqual(["state"]);
    expect(body.properties.connection.properties.state.$ref).toBe(
      "#/components/schemas/UpdateConnectionState",
    );
    const state = schemas.UpdateConnectionState!;
    expect(state.required).toEqual(["authScheme", "val"]);
    expect(state.properties.authScheme.enum).toEqual([
      "BEARER_TOKEN",
      "API_KEY",
      "BASIC",
      "BASIC_WITH_JWT",
      "GOOGLE_SERVICE_ACCOUNT",
      "SERVICE_ACCOUNT",
    ]);
    const val = deref(spec, state.properties.val, []).schema;
    // Pinned whole on purpose: v3.1 closes update's val (additionalProperties: false), so a field
    // added here is a decision about which credentials a caller may send, to be made in this test.
    expect(val.additionalProperties).toBe(false);
    for (const [name, field] of Object.entries<Schema>(val.properties))
      expect(field.type, name).toEqual(["string", "null"]);
    expect(Object.keys(val.properties).sort()).toEqual(
      [
        "token",
        "generic_api_key",
        "api_key",
        "bearer_token",
        "basic_encoded",
        "generic_token",
        "api_key_prefix",
        "generic_secret",
        "generic_id",
        "user_agent",
        "username",
        "password",
        "credentials_json",
        "application_id",
        "installation_id",
        "private_key",
      ].sort(),
    );
    expect(body.properties.experimental.properties.acl_config_for_shared.$ref).toBe(
      "#/components/schemas/SharedAccountAcl",
    );
  });
});

describe("secrets", () => {
  it("every field the spec marks x-sensitive matches the generated SENSITIVE_KEY, and ordinary fields do not", () => {
    const { sensitiveFields } = readMeta(spec, readOperations(spec));
    expect(sensitiveFields).toContain("devKey");
    expect(sensitiveFields.length).toBeGreaterThan(15);
    expect(sensitiveFields.filter((name) => !SENSITIVE_KEY.test(name))).toEqual([]);
    for (const ordinary of [
      "status",
      "redirectUrl",
      "user_id",
      "subdomain",
      "authScheme",
      "alias",
      "region",
    ]) {
      expect(SENSITIVE_KEY.test(ordinary), ordinary).toBe(false);
    }
  });
});

describe("connection.state: 15 auth schemes, their statuses and required fields", () => {
  const six = ["INITIALIZING", "INITIATED", "ACTIVE", "INACTIVE", "FAILED", "EXPIRED"];
  const four = ["INITIALIZING", "INITIATED", "ACTIVE", "INACTIVE"];
  const oauth2Like = { INITIATED: ["redirectUrl"], ACTIVE: ["access_token"], INACTIVE: ["access_token"] };
  // From ../shared/api-facts.md: statuses, and the fields each status requires beyond `status`.
  const facts: Record<string, [string[], Record<string, string[]>]> = {
    OAUTH1: [
      six,
      {
        INITIATED: ["oauth_token", "authUri", "oauth_token_secret", "redirectUrl"],
        ACTIVE: ["oauth_token", "oauth_token_secret"],
        INACTIVE: ["oauth_token", "oauth_token_secret"],
      },
    ],
    OAUTH2: [[...six, "REVOKED"], oauth2Like],
    API_KEY: [four, {}],
    BASIC: [four, { ACTIVE: ["username"], INACTIVE: ["username"] }],
    BILLCOM_AUTH: [
      six,
      { INITIATED: ["redirectUrl"], ACTIVE: ["sessionId", "devKey"], INACTIVE: ["sessionId", "devKey"] },
    ],
    BEARER_TOKEN: [four, { ACTIVE: ["token"], INACTIVE: ["token"] }],
    GOOGLE_SERVICE_ACCOUNT: [
      four,
      { INITIATED: ["redirectUrl"], ACTIVE: ["credentials_json"], INACTIVE: ["credentials_json"] },
    ],
    NO_AUTH: [six, {}],
    BASIC_WITH_JWT: [
      six,
      Object.fromEntries(
        ["ACTIVE", "INACTIVE", "FAILED", "EXPIRED"].map((s) => [s, ["username", "password"]]),
      ),
    ],
    CALCOM_AUTH: [six, {}],
    SERVICE_ACCOUNT: [
      four,
      {
        ACTIVE: ["application_id", "installation_id", "private_key"],
        INACTIVE: ["application_id", "installation_id", "private_key"],
      },
    ],
    SAML: [six, {}],
    DCR_OAUTH: [
      six,
      {
        INITIATED: ["client_id", "redirectUrl"],
        ACTIVE: ["client_id", "access_token"],
        INACTIVE: ["client_id", "access_token"],
      },
    ],
    CIMD_OAUTH: [six, oauth2Like],
    S2S_OAUTH2: [six, { ACTIVE: ["access_token"], INACTIVE: ["access_token"] }],
  };
  const [union] = readBuilderUnions(spec);

  it("has every auth scheme, once", () => {
    expect(union!.name).toBe("ConnectionState");
    expect(union!.members.map((m) => m.value).sort()).toEqual(Object.keys(facts).sort());
  });

  for (const [scheme, [statuses, required]] of Object.entries(facts)) {
    it(`${scheme}: statuses and required fields`, () => {
      const member = union!.members.find((m) => m.value === scheme)!;
      expect(member.variants.map((v) => v.value).sort()).toEqual([...statuses].sort());
      for (const variant of member.variants) {
        expect(variant.requiredFields.sort(), `${scheme} ${variant.value}`).toEqual(
          [...(required[variant.value] ?? [])].sort(),
        );
      }
    });
  }
});

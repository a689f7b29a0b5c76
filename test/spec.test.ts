// The spec against its sources: every field of the seed document (with its description and
// deprecation) and every auth scheme, status and required field of ../shared/api-facts.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SENSITIVE_KEY } from "../generated/meta.js";
import { readBuilderUnions, readMeta } from "../scripts/lib/model.js";
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
    for (const field of fields) {
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
    expect(
      deref(spec, requestSchema.properties.connection.properties.experimental, []).schema.properties
        .account_type.enum,
    ).toEqual(["PRIVATE", "SHARED"]);
  });

  it("requires all six response fields, with the deprecated ones marked and the URLs nullable", () => {
    expect(responseSchema.required).toEqual([
      "id",
      "connectionData",
      "status",
      "redirect_url",
      "redirect_uri",
      "deprecated",
    ]);
    expect(reach(responseSchema, ["status"]).some((s) => s.deprecated)).toBe(true);
    for (const name of ["redirect_url", "redirect_uri", "deprecated"])
      expect(responseSchema.properties[name].deprecated, name).toBe(true);
    expect(responseSchema.properties.redirect_url.type).toEqual(["string", "null"]);
    expect(reach(responseSchema, ["status"])[0]!.enum).toEqual([
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
    const responses = spec.doc.paths["/api/v3/connected_accounts"].post.responses;
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
    expect(Object.keys(base)).toHaveLength(22);
    const text = spec.files.map((f) => f.text).join("\n");
    expect(text.match(/borneo_dashboard_url:/g)).toHaveLength(1);
  });
});

describe("secrets", () => {
  it("every field the spec marks x-sensitive matches the generated SENSITIVE_KEY, and ordinary fields do not", () => {
    const { sensitiveFields } = readMeta(spec);
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

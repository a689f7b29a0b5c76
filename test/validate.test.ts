// The opt-in validator, generated from the spec: bad bodies fail before sending, with the path,
// the rule and the variant; good bodies pass untouched.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { standaloneValidators } from "../scripts/lib/validator.js";
import {
  ApiKeyState,
  ComposioError,
  ComposioValidationError,
  createComposioClient,
  OAuth2State,
  type CreateConnectedAccountParams,
} from "../src/index.js";
import { findIssues, validateRequest } from "../src/validate.js";
import { viewsOf } from "./helpers/secrets.js";
import { createdBody, json, startServer } from "./helpers/server.js";
import { cpuMs, wrongScopes } from "./helpers/validation.js";

const issues = (body: unknown) => findIssues("createConnectedAccount", body);
const state = (authScheme: string, val: object) => ({
  auth_config: { id: "ac" },
  connection: { state: { authScheme, val } },
});

describe("findIssues", () => {
  it("refuses an operation it does not know, instead of finding no issue", () => {
    const typo = () => findIssues("createConnectedAcount" as never, {});
    expect(typo).toThrow(ComposioError);
    expect(typo).toThrow(
      'findIssues: unknown operation "createConnectedAcount"; the operations with a body are createConnectedAccount, createConnectedAccountLink, completeConnectedAccountAuth, updateConnectedAccount, updateConnectedAccountStatus, refreshConnectedAccount.',
    );
    expect(() => validateRequest("nope", {})).toThrow(/^validateRequest: unknown operation "nope";/);
  });

  it("passes every builder's minimal state, and the spec's examples", () => {
    expect(
      issues({ auth_config: { id: "ac" }, connection: { state: ApiKeyState.active({ api_key: "k" }) } }),
    ).toEqual([]);
    expect(
      issues({ auth_config: { id: "ac" }, connection: { user_id: "u", state: OAuth2State.initializing() } }),
    ).toEqual([]);
    expect(issues({ auth_config: { id: "ac" }, connection: {} })).toEqual([]);
  });

  it("names the variant and the missing field", () => {
    expect(issues(state("OAUTH2", { status: "ACTIVE" }))).toEqual([
      { path: "connection.state.val", message: "OAUTH2 ACTIVE requires access_token", rule: "required" },
    ]);
    expect(issues(state("SERVICE_ACCOUNT", { status: "INACTIVE", application_id: "a" }))).toEqual([
      {
        path: "connection.state.val",
        message: "SERVICE_ACCOUNT INACTIVE requires installation_id",
        rule: "required",
      },
      {
        path: "connection.state.val",
        message: "SERVICE_ACCOUNT INACTIVE requires private_key",
        rule: "required",
      },
    ]);
  });

  it("names unknown auth schemes and statuses a scheme does not have", () => {
    expect(issues(state("TELEPATHY", { status: "ACTIVE" }))).toEqual([
      {
        path: "connection.state.authScheme",
        message: 'unknown authScheme "TELEPATHY"',
        rule: "discriminator",
      },
    ]);
    expect(issues(state("API_KEY", { status: "REVOKED" }))).toEqual([
      {
        path: "connection.state.val.status",
        message: 'API_KEY has no status "REVOKED"',
        rule: "discriminator",
      },
    ]);
    expect(issues(state("BASIC", {}))).toEqual([
      { path: "connection.state.val", message: "BASIC requires status", rule: "discriminator" },
    ]);
  });

  it("reports types, enums, lengths and unions, all at once", () => {
    expect(
      issues({
        auth_config: { id: 7 },
        connection: {
          experimental: { account_type: "PUBLIC" },
          state: { authScheme: "OAUTH2", val: { status: "INITIALIZING", state_prefix: "p".repeat(41) } },
        },
      }),
    ).toEqual([
      { path: "auth_config.id", message: "must be string", rule: "type" },
      {
        path: "connection.state.val.state_prefix",
        message: "must be at most 40 characters",
        rule: "maxLength",
      },
      {
        path: "connection.experimental.account_type",
        message: 'must be one of "PRIVATE", "SHARED"',
        rule: "enum",
      },
    ]);
    expect(issues(state("OAUTH2", { status: "ACTIVE", access_token: "t", scope: 3 }))).toEqual([
      { path: "connection.state.val.scope", message: "must be string, array or null", rule: "oneOf" },
    ]);
    expect(issues("body")).toEqual([{ path: "", message: "must be object", rule: "type" }]);
  });

  it("accepts extra keys in val, as the API does", () => {
    expect(issues(state("API_KEY", { status: "ACTIVE", api_key: "k", tenant_hint: "eu" }))).toEqual([]);
  });
});

describe("validateRequest", () => {
  it("throws ComposioValidationError with the issues, and returns on a valid body", () => {
    expect(() => validateRequest("createConnectedAccount", state("OAUTH2", { status: "ACTIVE" }))).toThrow(
      ComposioValidationError,
    );
    expect(
      validateRequest("createConnectedAccount", state("OAUTH2", { status: "ACTIVE", access_token: "t" })),
    ).toBeUndefined();
  });
});

describe("the client with validate: validateRequest", () => {
  it("throws ComposioValidationError before sending, without the secrets of the body", async () => {
    const server = await startServer((_req, res) => json(res, 201, createdBody()));
    try {
      const client = createComposioClient({
        apiKey: "ak_test",
        baseUrl: server.url,
        validate: validateRequest,
      });
      const secret = "rt_PLANTED_refresh_3d9c";
      const bad = state("OAUTH2", {
        status: "ACTIVE",
        refresh_token: secret,
      }) as unknown as CreateConnectedAccountParams;
      const error = await client.connectedAccounts.create(bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComposioValidationError);
      expect((error as Error).message).toBe(
        "Invalid body for createConnectedAccount:\n  connection.state.val: OAUTH2 ACTIVE requires access_token",
      );
      expect((error as ComposioValidationError).issues).toHaveLength(1);
      for (const [view, text] of Object.entries(viewsOf(error)))
        expect(text.includes(secret), view).toBe(false);
      expect(server.requests).toHaveLength(0);
      await client.connectedAccounts.create(
        state("OAUTH2", { status: "ACTIVE", access_token: "t" }) as CreateConnectedAccountParams,
      );
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe("work and reports bounded, whatever the body", () => {
  it("8,000 wrong items: the first 100 issues, then one saying how many more, in linear time", () => {
    const body = wrongScopes(8000);
    const { result: error, ms } = cpuMs(() => {
      try {
        validateRequest("createConnectedAccount", body);
      } catch (thrown) {
        return thrown as ComposioValidationError;
      }
    });
    expect(error).toBeInstanceOf(ComposioValidationError);
    const { issues } = error!;
    expect(issues).toHaveLength(101);
    expect(issues.slice(0, 2)).toEqual([
      { path: "connection.state.val.scope[0]", message: "must be string", rule: "type" },
      { path: "connection.state.val.scope[1]", message: "must be string", rule: "type" },
    ]);
    expect(issues[99]!.path).toBe("connection.state.val.scope[99]");
    // 7,900 more items, and the union's own issue.
    expect(issues[100]).toEqual({
      path: "",
      message: "7901 more issues not listed: only the first 100 are",
      rule: "maxIssues",
    });
    const lines = error!.message.split("\n");
    expect(lines).toHaveLength(102);
    expect(lines.at(-1)).toBe("  (body): 7901 more issues not listed: only the first 100 are");
    expect(error!.message.length).toBeLessThan(8000);
    expect(ms).toBeLessThan(1000);
  });

  it("a body of ~130 KB, every item wrong, is checked in linear time", () => {
    const body = wrongScopes(24_000);
    expect(JSON.stringify(body).length).toBeGreaterThan(120_000);
    const { result: found, ms } = cpuMs(() => findIssues("createConnectedAccount", body));
    expect(found).toHaveLength(101);
    expect(found.at(-1)!.message).toBe("23901 more issues not listed: only the first 100 are");
    expect(ms).toBeLessThan(1000);
  });

  it("exactly 100 issues are all listed, with no line about more", () => {
    const found = findIssues("createConnectedAccount", wrongScopes(99));
    expect(found).toHaveLength(100);
    expect(found.at(-1)).toEqual({
      path: "connection.state.val.scope",
      message: "must be string or null",
      rule: "oneOf",
    });
    expect(findIssues("createConnectedAccount", wrongScopes(100)).at(-1)).toEqual({
      path: "",
      message: "1 more issue not listed: only the first 100 are",
      rule: "maxIssues",
    });
  });

  it("the generated validators gather a named schema's errors in place: 40,000 wrong refs cost linear time", async () => {
    // ajv merges a called validator's errors with concat, a copy of all found so far: once per item
    // of a list whose items are a named schema, n² copies.
    const code = standaloneValidators(
      {
        Item: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
        List: { type: "array", items: { $ref: "#/$defs/Item" } },
      },
      { list: "List" },
    );
    const dir = mkdtempSync(join(tmpdir(), "composio-validators-"));
    try {
      writeFileSync(join(dir, "validators.mjs"), code);
      const { list } = (await import(pathToFileURL(join(dir, "validators.mjs")).href)) as {
        list: ((data: unknown) => boolean) & { errors: { instancePath: string }[] | null };
      };
      const items = Array.from({ length: 40_000 }, () => ({ id: 1 }));
      const { result: valid, ms } = cpuMs(() => list(items));
      expect(valid).toBe(false);
      expect(list.errors).toHaveLength(40_000);
      expect(list.errors!.at(-1)!.instancePath).toBe("/39999/id");
      expect(ms).toBeLessThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

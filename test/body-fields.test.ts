// A body field the operation does not have is refused before anything is sent (issue 22): from
// JavaScript, link's `callbackUrl` (@composio/core's spelling) would be sent, dropped by the API,
// and the user never brought back. Closed objects (the spec lists their properties) take only
// those; open ones (`additionalProperties`, `x-sdk-open` unions) refuse only near misses of the
// names they list. The methods, the standalone functions and /raw all check; so does findIssues.
// Real servers on 127.0.0.1. The type errors for the same calls: test/body-fields.test-d.ts.
import { describe, expect, it } from "vitest";
import { BODY_FIELDS } from "../generated/body-fields.js";
import {
  ApiKeyState,
  ComposioError,
  ComposioValidationError,
  createComposioClient,
  createComposioTransport,
  createConnectedAccount,
  createConnectedAccountLink,
  OAuth2State,
  updateConnectedAccount,
  type ClientOptions,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { findIssues, validateRequest } from "../src/validate.js";
import { createBody, linkBody, updateBody } from "./helpers/operations.js";
import { json, serverPerTest } from "./helpers/server.js";

const KEY = "ak_PLANTED_body_fields_key_3c9e";
const ID = "ca_4f9d2b7c1e0a";
const serve = serverPerTest();

/** A server that answers every call with an account, and the three entries pointed at it. */
async function entries() {
  const server = await serve((_req, res) =>
    json(res, 201, { id: ID, connected_account_id: ID, redirect_url: "https://x.example/r" }),
  );
  const options = { apiKey: KEY, baseUrl: server.url, logger: null } as ClientOptions;
  return {
    server,
    accounts: createComposioClient(options).connectedAccounts,
    transport: createComposioTransport(options),
    raw: createRawClient(options),
  };
}

const LINK_CALLBACK =
  "createConnectedAccountLink: body.callbackUrl is not a field of this request; did you mean `callback_url`? Nothing was sent.";

describe("a field the operation does not have", () => {
  it("link's callbackUrl: refused on the methods, the standalone functions and /raw, naming the field and the right one", async () => {
    const { server, accounts, transport, raw } = await entries();
    const body = { auth_config_id: "ac_1", user_id: "user_42", callbackUrl: "https://app.example/done" };
    await expect(accounts.link(body as never)).rejects.toThrow(LINK_CALLBACK);
    await expect(createConnectedAccountLink(transport, body as never)).rejects.toThrow(LINK_CALLBACK);
    await expect(raw.POST("/api/v3.1/connected_accounts/link", { body })).rejects.toThrow(LINK_CALLBACK);
    const error = await accounts.link(body as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComposioError);
    // Even when its value is undefined (JSON would leave it out): the caller meant it to be sent.
    await expect(accounts.link({ ...body, callbackUrl: undefined } as never)).rejects.toThrow(LINK_CALLBACK);
    expect(server.requests).toHaveLength(0);
    // The fields it has still go, whatever their order.
    await accounts.link({
      callback_url: "https://app.example/done",
      user_id: "user_42",
      auth_config_id: "ac_1",
    });
    await raw.POST("/api/v3.1/connected_accounts/link", { body: linkBody });
    expect(server.requests).toHaveLength(2);
  });

  it("core's other spellings, and a name near none: every name the object has", async () => {
    const { server, accounts } = await entries();
    const refusal = async (body: object) =>
      ((await accounts.link(body as never).catch((e: unknown) => e)) as Error).message;
    expect(await refusal({ authConfigId: "ac_1", user_id: "u" })).toBe(
      "createConnectedAccountLink: body.authConfigId is not a field of this request; did you mean `auth_config_id`? Nothing was sent.",
    );
    expect(await refusal({ auth_config_id: "ac_1", userId: "u" })).toBe(
      "createConnectedAccountLink: body.userId is not a field of this request; did you mean `user_id`? Nothing was sent.",
    );
    expect(await refusal({ ...linkBody, tenant: "acme" })).toBe(
      "createConnectedAccountLink: body.tenant is not a field of this request; known: `auth_config_id`, `user_id`, `callback_url`, `alias`, `connection_data`, `experimental`. Nothing was sent.",
    );
    // A name that is no identifier is quoted, and cut to 40 characters.
    expect(await refusal({ ...linkBody, [`x-${"y".repeat(60)}`]: 1 })).toMatch(
      /^createConnectedAccountLink: body\["x-y{38}…"\] is not a field of this request; /,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("at every level the spec closes: auth_config, connection, experimental and its ACL, update's state and val", async () => {
    const { server, accounts, transport, raw } = await entries();
    const cases: [() => Promise<unknown>, string][] = [
      [
        () =>
          createConnectedAccount(transport, {
            auth_config: { authConfigId: "ac_1" },
            connection: {},
          } as never),
        "createConnectedAccount: body.auth_config.authConfigId is not a field of this request; did you mean `id`?",
      ],
      [
        () => accounts.create({ auth_config: { id: "ac_1" }, connection: { userId: "user_42" } } as never),
        "createConnectedAccount: body.connection.userId is not a field of this request; did you mean `user_id`?",
      ],
      [
        () =>
          accounts.create({
            ...createBody,
            connection: { experimental: { acl_config_for_shared: { allowedUserIds: ["u"] } } },
          } as never),
        "createConnectedAccount: body.connection.experimental.acl_config_for_shared.allowedUserIds is not a field of this request; did you mean `allowed_user_ids`?",
      ],
      [
        () => accounts.link({ ...linkBody, experimental: { accountType: "SHARED" } } as never),
        "createConnectedAccountLink: body.experimental.accountType is not a field of this request; did you mean `account_type`?",
      ],
      [
        () =>
          accounts.update(ID, {
            connection: { state: { authScheme: "API_KEY", val: { apiKey: "k_new_1234" } } },
          } as never),
        "updateConnectedAccount: body.connection.state.val.apiKey is not a field of this request; did you mean `api_key`?",
      ],
      [
        () =>
          updateConnectedAccount(transport, ID, {
            connection: { state: updateBody.connection!.state, scheme: 1 },
          } as never),
        "updateConnectedAccount: body.connection.scheme is not a field of this request; known: `state`.",
      ],
      [
        () => accounts.updateStatus(ID, { enabled: false, reason: "left" } as never),
        "updateConnectedAccountStatus: body.reason is not a field of this request; known: `enabled`.",
      ],
      [
        () => accounts.refresh(ID, { redirectUrl: "https://app.example/again" } as never),
        "refreshConnectedAccount: body.redirectUrl is not a field of this request; did you mean `redirect_url`?",
      ],
      [
        () =>
          raw.POST("/api/v3.1/connected_accounts/complete_auth", {
            body: { user_id: "u", sessionUri: "https://x.example/s/1" } as never,
          }),
        "completeConnectedAccountAuth: body.sessionUri is not a field of this request; did you mean `session_uri`?",
      ],
    ];
    for (const [call, message] of cases) {
      expect(((await call().catch((e: unknown) => e)) as Error).message).toBe(`${message} Nothing was sent.`);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("open objects take names of their own, but not a near miss of one they list", async () => {
    const { server, accounts, raw } = await entries();
    // connection_data pre-fills a toolkit's own form fields; connection.data is free-form too.
    await accounts.link({ ...linkBody, connection_data: { subdomain: "acme", tenantRegion: "eu" } });
    await accounts.create({ ...createBody, connection: { data: { anything: 1 } } });
    // state and val: toolkits add fields, and Composio schemes and statuses (x-sdk-open).
    const withToolkitField = ApiKeyState.active({
      api_key: "k_live_1234",
      instance_url: "https://acme.example",
    } as never);
    await accounts.create({ ...createBody, connection: { state: withToolkitField } });
    expect(server.requests).toHaveLength(3);
    const near: [object, string][] = [
      [{ authScheme: "API_KEY", val: { status: "ACTIVE", apiKey: "k_live_1234" } }, "val.apiKey", "api_key"],
      [
        { authScheme: "API_KEY", val: { status: "ACTIVE", API_KEY: "k_live_1234" } },
        "val.API_KEY",
        "api_key",
      ],
      [
        OAuth2State.active({ access_token: "at_1", acess_token: "at_1" } as never),
        "val.acess_token",
        "access_token",
      ],
      [{ auth_scheme: "API_KEY", val: { status: "ACTIVE" } }, "auth_scheme", "authScheme"],
      [
        OAuth2State.active({ access_token: "at_1", authed_user: { accessToken: "u_1" } } as never),
        "val.authed_user.accessToken",
        "access_token",
      ],
    ].map(([state, path, name]) => [
      { ...createBody, connection: { state } },
      `createConnectedAccount: body.connection.state.${path as string} is not a field the API reads; did you mean \`${name as string}\`? (This object takes fields of its own, but not one this near a listed one.) Nothing was sent.`,
    ]);
    for (const [body, message] of near) {
      await expect(accounts.create(body as never)).rejects.toThrow(message);
      await expect(raw.POST("/api/v3.1/connected_accounts", { body: body as never })).rejects.toThrow(
        message,
      );
    }
    expect(server.requests).toHaveLength(3);
  });
});

describe("with the opt-in validator", () => {
  it("the field check comes first, on every call, and throws a ComposioError; the validator then lists the rest", async () => {
    const server = await serve((_req, res) => json(res, 201, { id: ID }));
    const accounts = createComposioClient({
      apiKey: KEY,
      baseUrl: server.url,
      logger: null,
      validate: validateRequest,
    }).connectedAccounts;
    const stray = await accounts.link({ user_id: "", callbackUrl: "x" } as never).catch((e: unknown) => e);
    expect(stray).toBeInstanceOf(ComposioError);
    expect(stray).not.toBeInstanceOf(ComposioValidationError);
    expect((stray as Error).message).toBe(LINK_CALLBACK);
    const invalid = await accounts.link({ user_id: "" } as never).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ComposioValidationError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("hostile bodies", () => {
  it("a wide open object, a deep one, a long name and a cycle: linear work, bounded by the spec's depth", async () => {
    const { server, accounts } = await entries();
    const wide: Record<string, string> = { status: "ACTIVE", api_key: "k_live_1234" };
    for (let i = 0; i < 100_000; i++) wide[`toolkit_field_${i}`] = "x";
    let deep: object = {};
    for (let i = 0; i < 1_000; i++) deep = { next: deep };
    const cyclic: Record<string, unknown> = { auth_config_id: "ac_1", user_id: "u" };
    cyclic.experimental = cyclic;
    const prefilledCycle: Record<string, unknown> = { auth_config_id: "ac_1", user_id: "u" };
    prefilledCycle.connection_data = prefilledCycle;
    const start = performance.now();
    await accounts.create({
      ...createBody,
      connection: { state: { authScheme: "API_KEY", val: wide } },
    } as never);
    // Nesting the spec does not have is never walked: connection_data is open and lists nothing.
    await accounts.link({ ...linkBody, connection_data: { deep } });
    const long = `${"k".repeat(1_000_000)}`;
    await expect(accounts.link({ ...linkBody, [long]: 1 })).rejects.toThrow(
      /^createConnectedAccountLink: body\.k{40}… is not a field of this request; known: /,
    );
    await expect(
      accounts.create({
        ...createBody,
        connection: { state: { authScheme: "API_KEY", val: { [long]: 1 } } },
      } as never),
    ).resolves.toBeDefined();
    // A cycle: the check stops where the spec does, at its first stray field, or where the spec
    // lists nothing (JSON then refuses the cycle); nothing is sent either way.
    await expect(accounts.link(cyclic as never)).rejects.toThrow(
      "createConnectedAccountLink: body.experimental.auth_config_id is not a field of this request; known: `account_type`, `acl_config_for_shared`. Nothing was sent.",
    );
    await expect(accounts.link(prefilledCycle as never)).rejects.toThrow(/cannot be sent as JSON/);
    expect(performance.now() - start).toBeLessThan(3_000);
    expect(server.requests).toHaveLength(3);
  });
});

describe("findIssues lists them, as the client refuses them", () => {
  it("every stray field with its path and the nearest name, beside the schema's problems", () => {
    expect(findIssues("createConnectedAccountLink", { user_id: "", callbackUrl: "x", userId: "u" })).toEqual([
      {
        path: "callbackUrl",
        message: "is not a field of this request; did you mean `callback_url`?",
        rule: "additionalProperties",
      },
      {
        path: "userId",
        message: "is not a field of this request; did you mean `user_id`?",
        rule: "additionalProperties",
      },
      { path: "", message: "requires auth_config_id", rule: "required" },
      { path: "user_id", message: "must be at least 1 characters", rule: "minLength" },
    ]);
    // Update's val, closed by the spec itself: named once, with the nearest name (ajv's own rule is not repeated).
    expect(
      findIssues("updateConnectedAccount", {
        connection: { state: { authScheme: "API_KEY", val: { apiKey: "k" } } },
      }),
    ).toEqual([
      {
        path: "connection.state.val.apiKey",
        message: "is not a field of this request; did you mean `api_key`?",
        rule: "additionalProperties",
      },
    ]);
    expect(
      findIssues("createConnectedAccount", {
        ...createBody,
        connection: {
          state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "k", apiKey: "k" } },
        },
      }),
    ).toEqual([
      {
        path: "connection.state.val.apiKey",
        message:
          "is not a field the API reads; did you mean `api_key`? (This object takes fields of its own, but not one this near a listed one.)",
        rule: "nearMiss",
      },
    ]);
  });

  it("thousands of them: the first hundred listed, the rest counted", () => {
    const body: Record<string, unknown> = { ...linkBody };
    for (let i = 0; i < 5_000; i++) body[`extra_${i}`] = i;
    const start = performance.now();
    const issues = findIssues("createConnectedAccountLink", body);
    expect(issues).toHaveLength(101);
    expect(issues[100]).toEqual({
      path: "",
      message: "4900 more issues not listed: only the first 100 are",
      rule: "maxIssues",
    });
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

describe("the fields come from the spec", () => {
  it("one entry per operation with a JSON body, closed where the spec lists properties, open where it says so", () => {
    expect(Object.keys(BODY_FIELDS).sort()).toEqual([
      "completeConnectedAccountAuth",
      "createConnectedAccount",
      "createConnectedAccountLink",
      "refreshConnectedAccount",
      "updateConnectedAccount",
      "updateConnectedAccountStatus",
    ]);
    const link = BODY_FIELDS.createConnectedAccountLink!;
    expect(link.open).toBeUndefined();
    // additionalProperties: true, and no names listed: nothing to check inside.
    expect(link.fields.connection_data).toBe(0);
    const connection = BODY_FIELDS.createConnectedAccount!.fields.connection;
    const state = connection ? connection.fields.state : 0;
    expect(state && state.open).toBe(true);
    expect(state && state.fields.val && state.fields.val.open).toBe(true);
  });
});

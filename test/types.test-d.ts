// Type tests: builders and bodies take exactly what their variant takes; responses narrow.
import { describe, expectTypeOf, it } from "vitest";
import {
  ApiKeyState,
  BasicState,
  createComposioClient,
  DcrOAuthState,
  NoAuthState,
  OAuth2State,
  ServiceAccountState,
  type ClientOptions,
  type ComposioClient,
  type components,
  type ConnectionState,
  type CreateConnectedAccountErrorBody,
  type CreateConnectedAccountParams,
  type CreateConnectedAccountResponse,
  type ListConnectedAccountsItem,
  type ListConnectedAccountsResponse,
  type RetrieveConnectedAccountResponse,
  type RevokeConnectedAccountResponse,
  type UnknownValue,
  type UserKeyComposioClient,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { findIssues, type ValidatedOperation } from "../src/validate.js";

const client = createComposioClient({ apiKey: "k" });

describe("state builders", () => {
  it("return the exact variant, usable as connection.state", () => {
    const state = ApiKeyState.active({ api_key: "k" });
    expectTypeOf(state).toEqualTypeOf<{
      authScheme: "API_KEY";
      val: components["schemas"]["ApiKeyActive"];
    }>();
    expectTypeOf(state).toExtend<ConnectionState>();
    expectTypeOf(state.val.status).toEqualTypeOf<"ACTIVE">();
    expectTypeOf(NoAuthState.active)
      .parameter(0)
      .toEqualTypeOf<Omit<components["schemas"]["Active"], "status"> | undefined>();
  });

  it("refuse a missing required field", () => {
    // @ts-expect-error OAUTH2 ACTIVE requires access_token
    OAuth2State.active({ refresh_token: "r" });
    // @ts-expect-error SERVICE_ACCOUNT ACTIVE requires private_key
    ServiceAccountState.active({ application_id: "a", installation_id: "i" });
    // @ts-expect-error BASIC ACTIVE requires username
    BasicState.active({ password: "p" });
    // @ts-expect-error DCR_OAUTH INITIATED requires client_id
    DcrOAuthState.initiated({ redirectUrl: "https://x" });
    // @ts-expect-error OAUTH2 INITIATED takes an argument
    OAuth2State.initiated();
  });

  it("refuse a misspelt field and a status of the caller's", () => {
    // @ts-expect-error api_kye is no field of API_KEY ACTIVE
    ApiKeyState.active({ api_kye: "k" });
    // @ts-expect-error the builder sets status itself
    ApiKeyState.active({ status: "INACTIVE" });
  });

  it("accept the optional and base fields of the variant", () => {
    OAuth2State.active({
      access_token: "a",
      refresh_token: null,
      scope: ["repo"],
      expires_in: "3600",
      subdomain: "acme",
    });
    OAuth2State.initializing();
    ServiceAccountState.active({ application_id: "a", installation_id: "i", private_key: "pem" });
  });
});

describe("request bodies", () => {
  it("refuse a state missing what its variant requires", () => {
    const ok: CreateConnectedAccountParams = {
      auth_config: { id: "ac" },
      connection: { state: { authScheme: "OAUTH2", val: { status: "ACTIVE", access_token: "t" } } },
    };
    expectTypeOf(ok).toExtend<CreateConnectedAccountParams>();
    const missing: CreateConnectedAccountParams = {
      auth_config: { id: "ac" },
      // @ts-expect-error OAUTH2 ACTIVE without access_token
      connection: { state: { authScheme: "OAUTH2", val: { status: "ACTIVE" } } },
    };
    // @ts-expect-error auth_config is required
    const noConfig: CreateConnectedAccountParams = { connection: {} };
    const mismatch: CreateConnectedAccountParams = {
      auth_config: { id: "ac" },
      // @ts-expect-error API_KEY has no REVOKED status
      connection: { state: { authScheme: "API_KEY", val: { status: "REVOKED" } } },
    };
    void [missing, noConfig, mismatch];
  });

  it("make user_id and the deprecated flag optional despite their defaults", () => {
    expectTypeOf<{ auth_config: { id: string }; connection: {} }>().toExtend<CreateConnectedAccountParams>();
  });
});

describe("responses", () => {
  it("create resolves to the 201 body and narrows on authScheme, then status", () => {
    expectTypeOf(client.connectedAccounts.create).returns.toEqualTypeOf<
      Promise<CreateConnectedAccountResponse>
    >();
    const account = {} as CreateConnectedAccountResponse;
    const data = account.connectionData;
    if (data.authScheme === "OAUTH2") {
      expectTypeOf(data.val.status).toEqualTypeOf<
        "INITIALIZING" | "INITIATED" | "ACTIVE" | "INACTIVE" | "FAILED" | "EXPIRED" | "REVOKED" | UnknownValue
      >();
      if (data.val.status === "INITIATED") expectTypeOf(data.val.redirectUrl).toEqualTypeOf<string>();
      if (data.val.status === "ACTIVE") expectTypeOf(data.val.access_token).toEqualTypeOf<string>();
    }
    if (data.authScheme === "API_KEY") {
      // @ts-expect-error API_KEY has no REVOKED status
      void (data.val.status === "REVOKED");
    }
    expectTypeOf(account.redirect_url).toEqualTypeOf<string | null>();
  });

  it("an auth scheme or status added later reaches the default branch of an exhaustive switch", () => {
    const data = {} as CreateConnectedAccountResponse["connectionData"];
    switch (data.authScheme) {
      case "OAUTH1":
      case "OAUTH2":
      case "API_KEY":
      case "BASIC":
      case "BILLCOM_AUTH":
      case "BEARER_TOKEN":
      case "GOOGLE_SERVICE_ACCOUNT":
      case "NO_AUTH":
      case "BASIC_WITH_JWT":
      case "CALCOM_AUTH":
      case "SERVICE_ACCOUNT":
      case "SAML":
      case "DCR_OAUTH":
      case "CIMD_OAUTH":
      case "S2S_OAUTH2":
        break;
      default: {
        // Not `never`: at run time a scheme this client does not know lands here.
        // @ts-expect-error the default branch is reachable
        const unreachable: never = data;
        expectTypeOf(data.authScheme).toEqualTypeOf<UnknownValue>();
        expectTypeOf(data.val).toBeUnknown();
        expectTypeOf(String(data.authScheme)).toBeString();
        void unreachable;
      }
    }
    if (data.authScheme === "API_KEY") {
      switch (data.val.status) {
        case "ACTIVE":
          expectTypeOf(data.val.status).toEqualTypeOf<"ACTIVE">();
          break;
        case "INITIALIZING":
        case "INITIATED":
        case "INACTIVE":
          break;
        default: {
          // @ts-expect-error a status added later lands here too
          const unreachable: never = data.val;
          expectTypeOf(data.val.status).toEqualTypeOf<UnknownValue>();
          void unreachable;
        }
      }
    }
    // The account's own status, and the statuses of every account read, are open the same way.
    expectTypeOf<RetrieveConnectedAccountResponse["status"]>().toEqualTypeOf<
      "INITIALIZING" | "INITIATED" | "ACTIVE" | "FAILED" | "EXPIRED" | "INACTIVE" | "REVOKED" | UnknownValue
    >();
    // Nobody writes an unknown value by hand: a typo is still an error.
    // @ts-expect-error no such scheme
    const typo: CreateConnectedAccountResponse["connectionData"] = { authScheme: "OAUTH3", val: {} };
    void typo;
  });

  it("types the error body and raw's results", async () => {
    expectTypeOf<NonNullable<CreateConnectedAccountErrorBody["error"]>["slug"]>().toEqualTypeOf<
      string | undefined
    >();
    const { data, error } = await createRawClient({ apiKey: "k" }).POST("/api/v3.1/connected_accounts", {
      body: { auth_config: { id: "a" }, connection: {} },
    });
    // openapi-fetch flattens the intersections: the same type, spelt differently.
    expectTypeOf(data).toExtend<CreateConnectedAccountResponse | undefined>();
    expectTypeOf<CreateConnectedAccountResponse>().toExtend<NonNullable<typeof data>>();
    expectTypeOf(error).toEqualTypeOf<CreateConnectedAccountErrorBody | undefined>();
  });
});

describe("client options", () => {
  it("take exactly one credential", () => {
    createComposioClient({ userApiKey: "u", timeoutMs: 1000, maxRetries: 0 });
    // @ts-expect-error both credentials
    createComposioClient({ apiKey: "k", userApiKey: "u" });
    // @ts-expect-error no credential
    createComposioClient({ baseUrl: "http://127.0.0.1:1" });
    // @ts-expect-error an option of no known name (timeoutMs was meant)
    createComposioClient({ apiKey: "k", timeout: 5 });
  });

  it("a client made with userApiKey is typed with only what a user API key may call", () => {
    const asUser = createComposioClient({ userApiKey: "u" });
    expectTypeOf(asUser).toEqualTypeOf<UserKeyComposioClient>();
    expectTypeOf(asUser.connectedAccounts).toHaveProperty("link");
    expectTypeOf(asUser.connectedAccounts).toHaveProperty("waitForConnection");
    // @ts-expect-error create takes the project key only
    void asUser.connectedAccounts.create;
    // @ts-expect-error so does update
    void asUser.connectedAccounts.update;
    expectTypeOf(createComposioClient({ apiKey: "k" })).toEqualTypeOf<ComposioClient>();
    // Options typed as the union could hold either key: the full client, refused at run time where it must be.
    const either = { apiKey: "k" } as ClientOptions;
    expectTypeOf(createComposioClient(either)).toEqualTypeOf<ComposioClient>();
  });
});

describe("findIssues", () => {
  it("takes only the operationIds that have a body", () => {
    expectTypeOf(findIssues).parameter(0).toEqualTypeOf<ValidatedOperation>();
    findIssues("createConnectedAccount", {});
    // @ts-expect-error a typo is no operation
    findIssues("createConnectedAcount", {});
  });
});

describe("list", () => {
  it("returns a PagePromise that goes where a Promise of the first page is expected", () => {
    const page: Promise<ListConnectedAccountsResponse> = client.connectedAccounts.list();
    expectTypeOf(page).resolves.toEqualTypeOf<ListConnectedAccountsResponse>();
    expectTypeOf(client.connectedAccounts.list()).toExtend<AsyncIterable<ListConnectedAccountsItem>>();
  });
});

describe("v3.1's bodies and answers, as Composio describes them", () => {
  it("types the request bodies v3.1 takes", () => {
    // update: the sharing ACLs that @composio/core's updateAcl sends, and the five newer credential fields
    void client.connectedAccounts.update("ca_1", {
      experimental: { acl_config_for_shared: { allow_all_users: false, allowed_user_ids: ["user_7"] } },
    });
    void client.connectedAccounts.update("ca_1", {
      connection: {
        state: {
          authScheme: "API_KEY",
          val: {
            generic_token: "t",
            api_key_prefix: "Token",
            generic_secret: null,
            generic_id: "id",
            user_agent: "app/1",
          },
        },
      },
    });
    // list's array filters and cursor may be null; so may delete's revoke_on_delete
    void client.connectedAccounts.list({ statuses: null, user_ids: null, toolkit_slugs: null, cursor: null });
    void client.connectedAccounts.list({ auth_config_ids: null, connected_account_ids: null, limit: null });
    void client.connectedAccounts.delete("ca_1", { revoke_on_delete: null });
  });

  it("types the answers v3.1 sends", () => {
    // @ts-expect-error create's 201 has no `deprecated` in v3.1
    type _Gone = CreateConnectedAccountResponse["deprecated"];
    expectTypeOf<NonNullable<CreateConnectedAccountResponse["experimental"]>["account_type"]>().toEqualTypeOf<
      "PRIVATE" | "SHARED"
    >();
    expectTypeOf<ListConnectedAccountsItem["alias"]>().toEqualTypeOf<string | null>();
    expectTypeOf<ListConnectedAccountsItem["word_id"]>().toEqualTypeOf<string | null>();
    expectTypeOf<ListConnectedAccountsItem>().toHaveProperty("authScheme");
    type OAuth2Active = Extract<
      components["schemas"]["OAuth2Active"],
      { status: "ACTIVE" }
    >["extra_token_data"];
    expectTypeOf<OAuth2Active>().toEqualTypeOf<{ [key: string]: unknown } | undefined>();
    expectTypeOf<components["schemas"]["S2SOAuth2Active"]["expires_at"]>().toEqualTypeOf<
      string | undefined
    >();
    expectTypeOf<RevokeConnectedAccountResponse["revoked_tokens"][number]>().toEqualTypeOf<
      UnknownValue | "access_token" | "refresh_token" | "credential"
    >();
    // An error body may lack every field (a proxy's `{}`, an envelope without slug).
    const bare: CreateConnectedAccountErrorBody = {};
    const noSlug: CreateConnectedAccountErrorBody = { error: { message: "m", code: 1, status: 400 } };
    void [bare, noSlug];
  });
});

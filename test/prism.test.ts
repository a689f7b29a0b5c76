// The client against Prism's mock of our own spec: the spec, its examples and the client agree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiKeyState,
  AuthenticationError,
  BadRequestError,
  ComposioError,
  createComposioClient,
  UnprocessableEntityError,
  type ComposioApiError,
  type ConnectedAccounts,
  type CreateConnectedAccountParams,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { startPrism, type Prism } from "./helpers/prism.js";

let prism: Prism;
beforeAll(async () => {
  prism = await startPrism("spec/openapi.yaml");
});
afterAll(() => prism?.stop());

const body: CreateConnectedAccountParams = {
  auth_config: { id: "ac_1a2b3c4d5e6f" },
  connection: { state: ApiKeyState.active({ api_key: "svc_key" }) },
};

describe("against Prism mocking spec/openapi.yaml", () => {
  it("a valid request gets the spec's 201 example, with the OAuth redirect URL in reach", async () => {
    const client = createComposioClient({ apiKey: "ak_test", baseUrl: prism.url, maxRetries: 0 });
    const account = await client.connectedAccounts.create(body);
    expect(account.id).toBe("ca_4f9d2b7c1e0a");
    const data = account.connectionData;
    expect(
      data.authScheme === "OAUTH2" && data.val.status === "INITIATED" ? data.val.redirectUrl : null,
    ).toMatch(/^https:\/\//);
  });

  it("accepts x-user-api-key as the alternative credential where the spec allows it", async () => {
    const client = createComposioClient({ userApiKey: "uak_test", baseUrl: prism.url, maxRetries: 0 });
    await expect(
      client.connectedAccounts.link({ auth_config_id: "ac_1a2b3c4d5e6f", user_id: "user_42" }),
    ).resolves.toMatchObject({ connected_account_id: expect.any(String) });
  });

  it("a body the spec rejects comes back as UnprocessableEntityError", async () => {
    const client = createComposioClient({ apiKey: "ak_test", baseUrl: prism.url, maxRetries: 0 });
    const wrong = {
      connection: { state: { authScheme: "API_KEY", val: { status: "ACTIVE" } } },
    } as unknown as CreateConnectedAccountParams;
    const error = (await client.connectedAccounts.create(wrong).catch((e: unknown) => e)) as ComposioApiError;
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.status).toBe(422);
  });

  it("the spec's 400 example reads as a BadRequestError with every field", async () => {
    const client = createComposioClient({ apiKey: "ak_test", baseUrl: prism.url, maxRetries: 0 });
    const error = (await client.connectedAccounts
      .create(body, { headers: { prefer: "code=400" } })
      .catch((e: unknown) => e)) as ComposioApiError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.slug).toBe("ConnectedAccount_BadRequest");
    expect(error.code).toBe(600);
    expect(error.requestId).toBe("req_8f14e45fceea167a");
    expect(error.message).toMatch(
      /^400 ConnectedAccount_BadRequest: Creating connections .* — Call POST .*\(request_id req_8f14e45fceea167a\)$/,
    );
  });

  it("raw without a valid credential gets the spec's 401", async () => {
    const raw = createRawClient({ apiKey: "ak_test", baseUrl: prism.url, maxRetries: 0 });
    const { error, response } = await raw.POST("/api/v3.1/connected_accounts", {
      body,
      headers: { "x-api-key": null },
    });
    expect(response.status).toBe(401);
    expect(error?.error?.slug).toBe("Unauthorized");
    const typed = await createComposioClient({
      apiKey: "ak_test",
      baseUrl: prism.url,
      headers: { prefer: "code=401" },
    })
      .connectedAccounts.create(body)
      .catch((e: unknown) => e);
    expect(typed).toBeInstanceOf(AuthenticationError);
  });

  it("every other operation of the split spec answers its example through the client", async () => {
    const client = createComposioClient({ apiKey: "ak_test", baseUrl: prism.url, maxRetries: 0 });
    const accounts = client.connectedAccounts;
    const id = "ca_4f9d2b7c1e0a";
    const link = await accounts.link({ auth_config_id: "ac_9z8y7x6w5v4u", user_id: "user_42" });
    expect(link.connected_account_id).toMatch(/^ca_/);
    const page = await accounts.list({ order_by: "updated_at", limit: 20 });
    expect(page.items[0]!.state.authScheme).toBe("API_KEY");
    expect(page.next_cursor).toBeNull();
    const account = await accounts.retrieve(id);
    expect(account.id).toBe(id);
    expect(account.status).toBe("ACTIVE");
    await expect(
      accounts.update(id, { connection: { state: { authScheme: "API_KEY", val: { api_key: null } } } }),
    ).resolves.toMatchObject({ success: true });
    await expect(accounts.updateStatus(id, { enabled: false })).resolves.toEqual({ success: true });
    await expect(accounts.delete(id, { revoke_on_delete: true })).resolves.toMatchObject({ success: true });
    await expect(accounts.refresh(id)).resolves.toMatchObject({ status: "INITIATED" });
    const revoked = await accounts.revoke(id);
    expect(revoked.connected_account.status).toBe("REVOKED");
    // update, status and refresh take x-api-key only: Prism refuses the user key for them …
    const response = await fetch(`${prism.url}/api/v3.1/connected_accounts/${id}/status`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "x-user-api-key": "uak_test" },
      body: JSON.stringify({ enabled: true }),
    });
    expect(response.status).toBe(401);
    // … so the client does not send them with a user key at all.
    const asUser = createComposioClient({ userApiKey: "uak_test", baseUrl: prism.url, maxRetries: 0 });
    const refused = await (asUser.connectedAccounts as ConnectedAccounts)
      .updateStatus(id, { enabled: true })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ComposioError);
    expect(refused).not.toBeInstanceOf(AuthenticationError);
    await expect(asUser.connectedAccounts.retrieve(id)).resolves.toMatchObject({ id });
  });
});

// The client against Prism's mock of our own spec: the spec, its examples and the client agree.
import { describe, expect, it } from "vitest";
import {
  AccountNotOwnedError,
  ApiKeyState,
  AuthenticationError,
  BadRequestError,
  ComposioError,
  confirmConnection,
  ConnectionNotConfirmedError,
  createComposioClient,
  forUser,
  UnprocessableEntityError,
  type ComposioApiError,
  type ConnectedAccounts,
  type CreateConnectedAccountParams,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { sharedPrism } from "./helpers/services.js";

// The run's Prism mocking spec/openapi.yaml (test/helpers/services.ts).
const prism = sharedPrism();

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

describe("forUser against Prism: the requests it sends fit the spec, and its checks read the answers", () => {
  // Prism answers every list with its example (ca_7c3e9a1b5d2f of user_42) whatever the filters, as
  // a server that ignored them would: the checks must hold on what the answer says.
  const LISTED = "ca_7c3e9a1b5d2f";
  const client = (key: "apiKey" | "userApiKey" = "apiKey") => {
    const sent: string[] = [];
    const composio = createComposioClient({
      ...(key === "apiKey" ? { apiKey: "ak_test" } : { userApiKey: "uak_test" }),
      baseUrl: prism.url,
      maxRetries: 0,
      fetch: (input, init) => {
        const request = new Request(input, init);
        const url = new URL(request.url);
        sent.push(`${request.method} ${url.pathname}${decodeURIComponent(url.search)}`);
        return fetch(request);
      },
    });
    return { composio, sent };
  };
  const check = `GET /api/v3.1/connected_accounts?user_ids=user_42&connected_account_ids=${LISTED}&account_type=ALL&limit=1`;

  it("a write on an account the user's list holds: the list, then the write", async () => {
    const { composio, sent } = client();
    const user = forUser(composio, "user_42");
    await expect(user.delete(LISTED, { revoke_on_delete: true })).resolves.toMatchObject({ success: true });
    await expect(user.updateStatus(LISTED, { enabled: false })).resolves.toEqual({ success: true });
    expect(sent).toEqual([
      check,
      `DELETE /api/v3.1/connected_accounts/${LISTED}?revoke_on_delete=true`,
      check,
      `PATCH /api/v3.1/connected_accounts/${LISTED}/status`,
    ]);
  });

  it("another user's, or an id the answer does not hold: refused after the list, the write never sent", async () => {
    const { composio, sent } = client();
    const other = await forUser(composio, "user_7")
      .revoke(LISTED)
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(AccountNotOwnedError);
    expect(other).toMatchObject({ reason: "not-listed" });
    const unlisted = await forUser(composio, "user_42")
      .update("ca_4f9d2b7c1e0a", { alias: "work" })
      .catch((e: unknown) => e);
    expect(unlisted).toMatchObject({ reason: "not-listed", accountId: "ca_4f9d2b7c1e0a" });
    expect(sent.map((line) => line.split("?")[0])).toEqual([
      "GET /api/v3.1/connected_accounts",
      "GET /api/v3.1/connected_accounts",
    ]);
    expect(sent[0]).toContain("user_ids=user_7&");
  });

  it("retrieve checks the answer's user; link and create send this user's id (the spec requires it for link)", async () => {
    const { composio, sent } = client();
    await expect(forUser(composio, "user_42").retrieve("ca_4f9d2b7c1e0a")).resolves.toMatchObject({
      user_id: "user_42",
    });
    await expect(forUser(composio, "user_7").retrieve("ca_4f9d2b7c1e0a")).rejects.toMatchObject({
      reason: "other-user",
    });
    const user = forUser(composio, "user_42");
    await expect(user.link({ auth_config_id: "ac_9z8y7x6w5v4u" })).resolves.toMatchObject({
      connected_account_id: expect.any(String),
    });
    await expect(user.create(body)).resolves.toMatchObject({ id: "ca_4f9d2b7c1e0a" });
    await expect(user.waitForConnection(LISTED)).resolves.toMatchObject({ status: "ACTIVE" });
    expect(sent.slice(2)).toEqual([
      "POST /api/v3.1/connected_accounts/link",
      "POST /api/v3.1/connected_accounts",
      check,
      `GET /api/v3.1/connected_accounts/${LISTED}`,
    ]);
  });

  it("linkOrReuse: its list of the session's pending link fits the spec; an answer of another account makes a link", async () => {
    const { composio, sent } = client();
    // Prism's example is ACTIVE, and not the session's pending account: nothing to reuse.
    const link = await forUser(composio, "user_42").linkOrReuse(
      { auth_config_id: "ac_9z8y7x6w5v4u", callback_url: "https://app.example.com/connected" },
      { pendingAccountId: "ca_4f9d2b7c1e0a" },
    );
    expect(link).toMatchObject({ reused: false, link_token: expect.any(String) });
    expect(sent).toEqual([
      "GET /api/v3.1/connected_accounts?user_ids=user_42&connected_account_ids=ca_4f9d2b7c1e0a&auth_config_ids=ac_9z8y7x6w5v4u&statuses=INITIATED&limit=1",
      "POST /api/v3.1/connected_accounts/link",
    ]);
  });

  it("cleanUp: its list fits the spec; an answer of an ACTIVE account deletes nothing, and it stops", async () => {
    const { composio, sent } = client();
    await expect(forUser(composio, "user_42").cleanUp()).resolves.toEqual({ deleted: [], more: false });
    const list =
      "GET /api/v3.1/connected_accounts?user_ids=user_42&statuses=FAILED,EXPIRED&account_type=ALL&limit=50";
    expect(sent).toEqual([list, list]);
  });

  it("a user API key's client: list, retrieve, delete and link, with x-user-api-key", async () => {
    const { composio, sent } = client("userApiKey");
    const user = forUser(composio, "user_42");
    await expect(user.delete(LISTED)).resolves.toMatchObject({ success: true });
    await expect(user.retrieve("ca_4f9d2b7c1e0a")).resolves.toMatchObject({ id: "ca_4f9d2b7c1e0a" });
    await expect(user.link({ auth_config_id: "ac_9z8y7x6w5v4u" })).resolves.toBeDefined();
    expect(sent.map((line) => line.split("?")[0])).toEqual([
      "GET /api/v3.1/connected_accounts",
      `DELETE /api/v3.1/connected_accounts/${LISTED}`,
      "GET /api/v3.1/connected_accounts/ca_4f9d2b7c1e0a",
      "POST /api/v3.1/connected_accounts/link",
    ]);
  });

  it("confirmConnection with expectedAccountId: the callback of this session's link is confirmed", async () => {
    const { composio, sent } = client();
    const url = "https://app.example.com/connected?status=success&connectedAccountId=ca_4f9d2b7c1e0a";
    await expect(
      confirmConnection(composio, url, { userId: "user_42", expectedAccountId: "ca_4f9d2b7c1e0a" }),
    ).resolves.toMatchObject({ status: "ACTIVE" });
    const error = await confirmConnection(composio, url, {
      userId: "user_42",
      expectedAccountId: LISTED,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionNotConfirmedError);
    expect(error).toMatchObject({ reason: "other-link" });
    expect(sent).toEqual(["GET /api/v3.1/connected_accounts/ca_4f9d2b7c1e0a"]);
  });
});

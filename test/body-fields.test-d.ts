// Type tests: a body field the operation does not have is a type error where the spec closes the
// object (the run-time check, test/hostile-outcomes.test.ts, refuses the same from JavaScript), on
// the methods and the standalone functions (not /raw's: see below); open objects take fields of
// their own.
import { describe, it } from "vitest";
import {
  createComposioClient,
  createComposioTransport,
  createConnectedAccount,
  createConnectedAccountLink,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";

const client = createComposioClient({ apiKey: "k" });
const transport = createComposioTransport({ apiKey: "k" });
const raw = createRawClient({ apiKey: "k" });
const link = { auth_config_id: "ac_1", user_id: "user_42" };

describe("unknown body fields", () => {
  it("@composio/core's spelling, callbackUrl, is no field of link", async () => {
    await client.connectedAccounts.link({ ...link, callback_url: "https://app.example/done" });
    // @ts-expect-error callbackUrl is not callback_url
    await client.connectedAccounts.link({ ...link, callbackUrl: "https://app.example/done" });
    // @ts-expect-error so on the standalone function
    await createConnectedAccountLink(transport, { ...link, callbackUrl: "https://app.example/done" });
    // Not on /raw: openapi-fetch infers its init as a type parameter, which TypeScript checks for
    // assignability only, not for excess properties. The run-time check refuses it there.
    await raw.POST("/api/v3.1/connected_accounts/link", {
      body: { auth_config_id: "ac_1", user_id: "user_42", callbackUrl: "https://app.example/done" },
    });
  });

  it("nested objects the spec closes refuse them too", async () => {
    await createConnectedAccount(transport, {
      // @ts-expect-error authConfigId is not id
      auth_config: { authConfigId: "ac_1" },
      connection: {},
    });
    await client.connectedAccounts.create({
      auth_config: { id: "ac_1" },
      // @ts-expect-error userId is not user_id
      connection: { userId: "user_42" },
    });
  });

  it("an open object (connection_data pre-fills a toolkit's own fields) takes any name", async () => {
    await client.connectedAccounts.link({
      ...link,
      connection_data: { subdomain: "acme", tenantRegion: "eu" },
    });
  });
});

// What the bundle and type-check figures measure: for each contender, a small consumer that builds
// a client and calls create once with a typed body, as a user's code would.
export const CONSUMERS: Record<string, string> = {
  "raw fetch": `
    export async function main(apiKey: string) {
      const response = await fetch("https://backend.composio.dev/api/v3/connected_accounts", {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify({ auth_config: { id: "ac_1" }, connection: { state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "k" } } } }),
      });
      return (await response.json()) as { id: string };
    }`,
  "openapi-fetch": `
    import createClient from "openapi-fetch";
    import type { paths } from "composio-connected-accounts/raw";
    export async function main(apiKey: string) {
      const client = createClient<paths>({ baseUrl: "https://backend.composio.dev", headers: { "x-api-key": apiKey } });
      const { data } = await client.POST("/api/v3/connected_accounts", {
        body: { auth_config: { id: "ac_1" }, connection: { state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "k" } } } },
      });
      return data?.id;
    }`,
  "composio-connected-accounts": `
    import { createComposioClient } from "composio-connected-accounts";
    export async function main(apiKey: string) {
      const client = createComposioClient({ apiKey });
      const account = await client.connectedAccounts.create({
        auth_config: { id: "ac_1" }, connection: { state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "k" } } },
      });
      return account.id;
    }`,
  "@composio/client v2": `
    import Composio from "@composio/client";
    export async function main(apiKey: string) {
      const client = new Composio({ apiKey });
      const account = await client.connectedAccounts.create({ auth_config: { id: "ac_1" }, connection: { state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "k" } } } });
      return account.id;
    }`,
};

/** Bundled on its own: our validator subpath, to show what opting in costs. */
export const VALIDATOR_CONSUMER = `
  import { findIssues } from "composio-connected-accounts/validate";
  export const main = (body: unknown) => findIssues("createConnectedAccount", body);`;

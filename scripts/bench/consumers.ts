// What the bundle and type-check figures measure: for each contender, a small consumer that builds
// a client and calls create once with a typed body, as a user's code would.
export const CONSUMERS: Record<string, string> = {
  "raw fetch": `
    export async function main(apiKey: string) {
      const response = await fetch("https://backend.composio.dev/api/v3.1/connected_accounts", {
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
      const { data } = await client.POST("/api/v3.1/connected_accounts", {
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

/**
 * Bundled only: the same apps written with our standalone functions (createComposioTransport and
 * one function per operation), which bundle only the operations they call.
 */
export const FUNCTION_CONSUMERS = {
  create: `
    import { createComposioTransport, createConnectedAccount } from "composio-connected-accounts";
    export async function main(apiKey: string) {
      const composio = createComposioTransport({ apiKey });
      const account = await createConnectedAccount(composio, {
        auth_config: { id: "ac_1" }, connection: { state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "k" } } },
      });
      return account.id;
    }`,
  linkWaitList: `
    import { createComposioTransport, createConnectedAccountLink, listConnectedAccounts, waitForConnection } from "composio-connected-accounts";
    export async function main(apiKey: string, send: (url: string) => void) {
      const composio = createComposioTransport({ apiKey });
      const link = await createConnectedAccountLink(composio, { auth_config_id: "ac_1", user_id: "user_42" });
      send(link.redirect_url);
      const account = await waitForConnection(composio, link.connected_account_id);
      const ids: string[] = [];
      for await (const item of listConnectedAccounts(composio, { user_ids: ["user_42"] })) ids.push(item.id);
      return { account: account.id, ids };
    }`,
};

/**
 * Our apps' first chunk, min+gz (esbuild with code splitting, from the packed package): the target
 * issue 24 set, and the budget `check:package` fails past. The targets are not met yet; each
 * budget is what was reached plus 2%, rounded up to the next 100 B (see docs/bench.md).
 */
export const BUDGETS = {
  create: {
    app: "the create-only app of functions",
    source: FUNCTION_CONSUMERS.create,
    target: 5000,
    budget: 8_100,
  },
  client: {
    app: "the create-only app of the client",
    source: CONSUMERS["composio-connected-accounts"]!,
    target: 6500,
    budget: 11_100,
  },
  linkWaitList: {
    app: "the link + wait + list app of functions",
    source: FUNCTION_CONSUMERS.linkWaitList,
    target: 7000,
    budget: 10_200,
  },
} as const;

/** Bundled on its own: our validator subpath, to show what opting in costs. */
export const VALIDATOR_CONSUMER = `
  import { findIssues } from "composio-connected-accounts/validate";
  export const main = (body: unknown) => findIssues("createConnectedAccount", body);`;

/**
 * The journey of a connection: link, send the user to the link, wait until the account is ACTIVE,
 * list every account of the user with every page. With `full`, then also disable, revoke and
 * delete it (what the type-check figure measures; the bundle figure takes the first part: link,
 * wait, list). Where a client has no wait or no page iterator, the consumer writes the loop, as its
 * users must: poll every second for up to ten minutes, follow `next_cursor`.
 */
export const JOURNEYS: Record<string, (full: boolean) => string> = {
  "raw fetch": (full) => `
    type Account = { id: string; status: string };
    export async function main(apiKey: string, send: (url: string) => void) {
      const headers = { "content-type": "application/json", "x-api-key": apiKey };
      const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const response = await fetch("https://backend.composio.dev" + path, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!response.ok) throw new Error(response.status + " " + (await response.text()));
        return (await response.json()) as T;
      };
      const link = await call<{ redirect_url: string; connected_account_id: string }>(
        "POST", "/api/v3.1/connected_accounts/link", { auth_config_id: "ac_1", user_id: "user_42" });
      send(link.redirect_url);
      const id = encodeURIComponent(link.connected_account_id);
      for (const deadline = Date.now() + 600_000; ; await new Promise((done) => setTimeout(done, 1000))) {
        const account = await call<Account>("GET", "/api/v3.1/connected_accounts/" + id);
        if (account.status === "ACTIVE") break;
        if (["FAILED", "EXPIRED", "REVOKED", "INACTIVE"].includes(account.status) || Date.now() > deadline)
          throw new Error(account.id + " is " + account.status);
      }
      const ids: string[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await call<{ items: Account[]; next_cursor?: string | null }>(
          "GET", "/api/v3.1/connected_accounts?user_ids=user_42" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
        for (const item of page.items) ids.push(item.id);
        cursor = page.next_cursor;
      } while (cursor);${
        full
          ? `
      await call("PATCH", "/api/v3.1/connected_accounts/" + id + "/status", { enabled: false });
      await call("POST", "/api/v3.1/connected_accounts/" + id + "/revoke");
      await call("DELETE", "/api/v3.1/connected_accounts/" + id);`
          : ""
      }
      return ids;
    }`,
  "openapi-fetch": (full) => `
    import createClient from "openapi-fetch";
    import type { paths } from "composio-connected-accounts/raw";
    export async function main(apiKey: string, send: (url: string) => void) {
      const client = createClient<paths>({ baseUrl: "https://backend.composio.dev", headers: { "x-api-key": apiKey } });
      const link = await client.POST("/api/v3.1/connected_accounts/link", { body: { auth_config_id: "ac_1", user_id: "user_42" } });
      if (!link.data) throw new Error("link failed");
      send(link.data.redirect_url);
      const nanoid = link.data.connected_account_id;
      for (const deadline = Date.now() + 600_000; ; await new Promise((done) => setTimeout(done, 1000))) {
        const { data: account } = await client.GET("/api/v3.1/connected_accounts/{nanoid}", { params: { path: { nanoid } } });
        if (!account) throw new Error("retrieve failed");
        if (account.status === "ACTIVE") break;
        if (["FAILED", "EXPIRED", "REVOKED", "INACTIVE"].includes(String(account.status)) || Date.now() > deadline)
          throw new Error(nanoid + " is " + String(account.status));
      }
      const ids: string[] = [];
      let cursor: string | null | undefined;
      do {
        const { data: page } = await client.GET("/api/v3.1/connected_accounts", {
          params: { query: { user_ids: ["user_42"], ...(cursor ? { cursor } : {}) } },
        });
        if (!page) throw new Error("list failed");
        for (const item of page.items) ids.push(item.id);
        cursor = page.next_cursor;
      } while (cursor);${
        full
          ? `
      await client.PATCH("/api/v3.1/connected_accounts/{nanoId}/status", { params: { path: { nanoId: nanoid } }, body: { enabled: false } });
      await client.POST("/api/v3.1/connected_accounts/{nanoid}/revoke", { params: { path: { nanoid } } });
      await client.DELETE("/api/v3.1/connected_accounts/{nanoid}", { params: { path: { nanoid } } });`
          : ""
      }
      return ids;
    }`,
  "composio-connected-accounts": (full) => `
    import { createComposioClient } from "composio-connected-accounts";
    export async function main(apiKey: string, send: (url: string) => void) {
      const client = createComposioClient({ apiKey });
      const link = await client.connectedAccounts.link({ auth_config_id: "ac_1", user_id: "user_42" });
      send(link.redirect_url);
      const account = await client.connectedAccounts.waitForConnection(link.connected_account_id);
      const ids: string[] = [];
      for await (const item of client.connectedAccounts.list({ user_ids: ["user_42"] })) ids.push(item.id);${
        full
          ? `
      await client.connectedAccounts.updateStatus(account.id, { enabled: false });
      await client.connectedAccounts.revoke(account.id);
      await client.connectedAccounts.delete(account.id);`
          : ""
      }
      return { account: account.id, ids };
    }`,
  "@composio/client v2": (full) => `
    import Composio from "@composio/client";
    export async function main(apiKey: string, send: (url: string) => void) {
      const client = new Composio({ apiKey });
      const link = await client.link.create({ auth_config_id: "ac_1", user_id: "user_42" });
      send(link.redirect_url);
      const id = link.connected_account_id;
      for (const deadline = Date.now() + 600_000; ; await new Promise((done) => setTimeout(done, 1000))) {
        const account = await client.connectedAccounts.retrieve(id);
        if (account.status === "ACTIVE") break;
        if (["FAILED", "EXPIRED", "REVOKED", "INACTIVE"].includes(account.status) || Date.now() > deadline)
          throw new Error(id + " is " + account.status);
      }
      const ids: string[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await client.connectedAccounts.list({ user_ids: ["user_42"], ...(cursor ? { cursor } : {}) });
        for (const item of page.items) ids.push(item.id);
        cursor = page.next_cursor;
      } while (cursor);${
        full
          ? `
      await client.connectedAccounts.updateStatus(id, { enabled: false });
      await client.connectedAccounts.revoke(id);
      await client.connectedAccounts.delete(id);`
          : ""
      }
      return ids;
    }`,
};

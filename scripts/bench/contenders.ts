// The contenders of the per-call benchmark: each makes a create call, a retrieve call, and a walk
// over every account of the list, as its users would write them. Ours is measured as published
// (dist/, built by the bench), with its default options.
import Composio from "@composio/client";
import createClient from "openapi-fetch";
import type { components, paths } from "../../generated/schema.js";
import { ACCOUNT_ID, LIST_QUERY } from "./fixtures.js";

// dist/ exists only once the bench has built it, and `tsc -p .` must pass on a fresh clone: so it is
// loaded at run time, when our contender is made, and typed by src/, which it is built from.
type Published = typeof import("../../src/index.js");
const DIST = new URL("../../dist/index.js", import.meta.url).href;
/** The build the `node` export condition picks: the same API, sending through node:http. */
const NODE_DIST = new URL("../../dist/node.js", import.meta.url).href;

// What ApiKeyState.active({ api_key }) makes.
export const body: components["schemas"]["CreateConnectedAccountRequest"] = {
  auth_config: { id: "ac_1a2b3c4d5e6f" },
  connection: {
    user_id: "user_42",
    state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "svc_bench_key" } },
  },
};

export type Call = () => Promise<unknown>;

export interface Contender {
  /** One create call. */
  create: Call;
  /** One retrieve call. */
  retrieve: Call;
  /** Every account of every page, in order; resolves how many it saw. */
  listAll: () => Promise<number>;
}

interface Page {
  items: { id: string }[];
  next_cursor?: string | null;
}

export const CONTENDERS: Record<string, (url: string) => Contender | Promise<Contender>> = {
  // The floor: what a careful hand-written call does and no more.
  "raw fetch": (url) => {
    const headers = { "content-type": "application/json", "x-api-key": "ak_bench" };
    const getHeaders = { "x-api-key": "ak_bench" };
    const get = async (target: string) => {
      const response = await fetch(target, { headers: getHeaders });
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    };
    const listUrl = `${url}/api/v3.1/connected_accounts?user_ids=${LIST_QUERY.user_ids.join(",")}&limit=${LIST_QUERY.limit}`;
    return {
      create: async () => {
        const response = await fetch(`${url}/api/v3.1/connected_accounts`, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
        });
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      },
      retrieve: () => get(`${url}/api/v3.1/connected_accounts/${encodeURIComponent(ACCOUNT_ID)}`),
      listAll: async () => {
        let seen = 0;
        let cursor: string | null | undefined;
        do {
          const page = (await get(
            cursor ? `${listUrl}&cursor=${encodeURIComponent(cursor)}` : listUrl,
          )) as Page;
          for (const item of page.items) if (item.id) seen++;
          cursor = page.next_cursor;
        } while (cursor);
        return seen;
      },
    };
  },
  "openapi-fetch": (url) => {
    const client = createClient<paths>({ baseUrl: url, headers: { "x-api-key": "ak_bench" } });
    return {
      create: async () => {
        const { data, error } = await client.POST("/api/v3.1/connected_accounts", { body });
        if (error) throw new Error("error");
        return data;
      },
      retrieve: async () => {
        const { data, error } = await client.GET("/api/v3.1/connected_accounts/{nanoid}", {
          params: { path: { nanoid: ACCOUNT_ID } },
        });
        if (error) throw new Error("error");
        return data;
      },
      listAll: async () => {
        let seen = 0;
        let cursor: string | null | undefined;
        do {
          const { data, error } = await client.GET("/api/v3.1/connected_accounts", {
            params: { query: { ...LIST_QUERY, ...(cursor ? { cursor } : {}) } },
          });
          if (error) throw new Error("error");
          for (const item of data.items) if (item.id) seen++;
          cursor = data.next_cursor;
        } while (cursor);
        return seen;
      },
    };
  },
  // The fetch build (browsers, edge runtimes, Deno, Bun, or given a `fetch`), and the Node build.
  "composio-connected-accounts": async (url) => ours((await import(DIST)) as Published, url),
  "composio-connected-accounts (node:http)": async (url) => ours((await import(NODE_DIST)) as Published, url),
  // Its list answers one page (no iterator): the cursor loop is the user's to write.
  "@composio/client v2": (url) => {
    const client = new Composio({ apiKey: "ak_bench", baseURL: url });
    return {
      create: () => client.connectedAccounts.create(body as never),
      retrieve: () => client.connectedAccounts.retrieve(ACCOUNT_ID),
      listAll: async () => {
        let seen = 0;
        let cursor: string | null | undefined;
        do {
          const page = await client.connectedAccounts.list({ ...LIST_QUERY, ...(cursor ? { cursor } : {}) });
          for (const item of page.items) if (item.id) seen++;
          cursor = page.next_cursor;
        } while (cursor);
        return seen;
      },
    };
  },
};

function ours({ createComposioClient }: Published, url: string): Contender {
  const client = createComposioClient({ apiKey: "ak_bench", baseUrl: url });
  return {
    create: () => client.connectedAccounts.create(body),
    retrieve: () => client.connectedAccounts.retrieve(ACCOUNT_ID),
    listAll: async () => {
      let seen = 0;
      for await (const item of client.connectedAccounts.list(LIST_QUERY)) if (item.id) seen++;
      return seen;
    },
  };
}

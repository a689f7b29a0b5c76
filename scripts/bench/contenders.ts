// The contenders of the per-call benchmark: each makes one create call, as its users would.
// Ours is measured as published (dist/, built by the bench), with its default options.
import Composio from "@composio/client";
import createClient from "openapi-fetch";
import type { components, paths } from "../../generated/schema.js";

// dist/ exists only once the bench has built it, and `tsc -p .` must pass on a fresh clone: so it is
// loaded at run time, when our contender is made, and typed by src/, which it is built from.
type Published = typeof import("../../src/index.js");
const DIST = new URL("../../dist/index.js", import.meta.url).href;

// What ApiKeyState.active({ api_key }) makes.
export const body: components["schemas"]["CreateConnectedAccountRequest"] = {
  auth_config: { id: "ac_1a2b3c4d5e6f" },
  connection: {
    user_id: "user_42",
    state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "svc_bench_key" } },
  },
};

export type Call = () => Promise<unknown>;

export const CONTENDERS: Record<string, (url: string) => Call | Promise<Call>> = {
  "raw fetch": (url) => {
    const target = `${url}/api/v3/connected_accounts`;
    const headers = { "content-type": "application/json", "x-api-key": "ak_bench" };
    return async () => {
      const response = await fetch(target, { method: "POST", headers, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    };
  },
  "openapi-fetch": (url) => {
    const client = createClient<paths>({ baseUrl: url, headers: { "x-api-key": "ak_bench" } });
    return async () => {
      const { data, error } = await client.POST("/api/v3/connected_accounts", { body });
      if (error) throw new Error("error");
      return data;
    };
  },
  "composio-connected-accounts": async (url) => {
    const { createComposioClient } = (await import(DIST)) as Published;
    const client = createComposioClient({ apiKey: "ak_bench", baseUrl: url });
    return () => client.connectedAccounts.create(body);
  },
  "@composio/client v2": (url) => {
    const client = new Composio({ apiKey: "ak_bench", baseURL: url });
    return () => client.connectedAccounts.create(body as never);
  },
};

// Planted secrets, and the check that none of them shows in anything an error or a log exposes.
import type { ServerResponse } from "node:http";
import { inspect } from "node:util";
import { expect } from "vitest";
import { OAuth2State, type CreateConnectedAccountParams } from "../../src/index.js";
import { json, type SeenRequest } from "./server.js";

// No 8-character run of a planted secret is part of a field name: the keys of what an error shows
// are scrubbed too (a server may echo a secret as a key), so `access_token` inside a token would
// blank the key `access_token` itself.
export const SECRETS = {
  apiKey: "ak_PLANTED_project_key_5d1e9c",
  accessToken: "at_PLANTED_acc_tkn_73f0aa",
  refreshToken: "rt_PLANTED_rfr_tkn_2b8e41",
  proxyPassword: "pp_PLANTED_prx_pw_9c3d",
  webhookSignature: "ws_PLANTED_whk_sig_0e7f12",
  unlistedSecret: "us_PLANTED_unl_cs_44aa",
};

/** A create body carrying secrets in listed fields and in a key the spec does not list. */
export const secretBody: CreateConnectedAccountParams = {
  auth_config: { id: "ac_1a2b3c4d5e6f" },
  connection: {
    user_id: "user_42",
    state: OAuth2State.active({
      access_token: SECRETS.accessToken,
      refresh_token: SECRETS.refreshToken,
      proxy_password: SECRETS.proxyPassword,
      webhook_signature: SECRETS.webhookSignature,
      // vals accept extra keys; this one is no field of the spec
      ...({ custom_client_secret: SECRETS.unlistedSecret } as object),
    }),
  },
};

/** Every view of an error a program or a person may get. */
export function viewsOf(error: unknown): Record<string, string> {
  const e = error as Error & { toJSON?: () => unknown };
  return {
    message: String(e.message),
    stack: String(e.stack),
    toJSON: JSON.stringify(e),
    inspect: inspect(e, { depth: Infinity, showHidden: true }),
    string: String(e),
  };
}

/** Asserts that no planted secret appears in any view of the error, nor in any log line. */
export function expectNoSecrets(error: unknown, logLines: string[] = []): number {
  const views = { ...viewsOf(error), ...Object.fromEntries(logLines.map((line, i) => [`log ${i}`, line])) };
  let checks = 0;
  for (const [where, text] of Object.entries(views)) {
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(text.includes(secret), `${name} leaked in ${where}`).toBe(false);
      checks++;
    }
  }
  return checks;
}

/** The request as a careless server quotes it back: method, URL, headers and body. */
export const echo = (req: SeenRequest): string =>
  `${req.method} ${req.url} ${JSON.stringify(req.headers)} ${req.body}`;

/** The key a request carried, whichever header it went in. */
const keyOf = (req: SeenRequest) => String(req.headers["x-api-key"] ?? req.headers["x-user-api-key"]);

/**
 * What a careless server sends back: the request itself (method, URL, headers, body) inside its
 * error envelope, in the message, the details, the suggested fix and a field of its own.
 */
export function echoEnvelope(
  res: ServerResponse,
  status: number,
  req: SeenRequest,
  headers: Record<string, string> = {},
): void {
  json(
    res,
    status,
    {
      error: {
        message: `Failed for ${echo(req)}`,
        code: 10000 + status,
        slug: `Http_${status}`,
        status,
        request_id: `req_${status}`,
        errors: [req.body, keyOf(req)],
        suggested_fix: `Resend ${req.body} with ${keyOf(req)}`,
        request: { headers: req.headers, body: req.body ? JSON.parse(req.body) : null },
      },
    },
    headers,
  );
}

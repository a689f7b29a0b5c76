// Redirects: the client follows none. Two origins on 127.0.0.1 (two ports): the API's answers
// every request with a redirect to the other, which must never see a request — not the key, not
// the body with its service credentials — for any 3xx, either credential, on the client and /raw.
import { describe, expect, it } from "vitest";
import { ComposioApiError, RedirectError, type ClientOptions } from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { expectNoSecrets, SECRETS, secretBody } from "./helpers/secrets.js";
import { createdBody, json, serverPerTest } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  const STATUSES = [301, 302, 303, 307, 308];
  const CREDENTIALS: Pick<ClientOptions, "apiKey" | "userApiKey">[] = [
    { apiKey: SECRETS.apiKey },
    { userApiKey: SECRETS.apiKey },
  ];

  const serve = serverPerTest();

  /** The other origin, and the API's, which redirects there; the Location carries the key it got. */
  async function redirecting(status: number, sameOrigin = false) {
    const elsewhere = await serve((_req, res) => json(res, 201, createdBody({ id: "ca_from_elsewhere" })));
    const api = await serve((req, res) => {
      const key = String(req.headers["x-api-key"] ?? req.headers["x-user-api-key"]);
      const target = sameOrigin ? "" : elsewhere.url;
      res.writeHead(status, {
        location: `${target}/leak/${key}?token=${key}`,
        "content-type": "application/json",
      });
      res.end(JSON.stringify({ moved: true, echo: req.body }));
    });
    return { api, elsewhere };
  }

  /** A link that pre-fills the form with credentials: what a user API key may send (create takes the project key only). */
  const secretLinkBody = {
    auth_config_id: "ac_9z8y7x6w5v4u",
    user_id: "user_42",
    connection_data: { api_key: SECRETS.accessToken, client_secret: SECRETS.unlistedSecret },
  };

  const clients = {
    client: (options: ClientOptions) =>
      "userApiKey" in options
        ? createComposioClient(options).connectedAccounts.link(secretLinkBody)
        : createComposioClient(options).connectedAccounts.create(secretBody),
    raw: (options: ClientOptions) =>
      "userApiKey" in options
        ? createRawClient(options).POST("/api/v3.1/connected_accounts/link", { body: secretLinkBody })
        : createRawClient(options).POST("/api/v3.1/connected_accounts", { body: secretBody }),
  };

  describe.each(Object.entries(clients))("%s: no redirect is followed", (_name, send) => {
    for (const status of STATUSES) {
      it.each(CREDENTIALS)(`${status} to another origin, with %o`, async (credential) => {
        const { api, elsewhere } = await redirecting(status);
        const error = await send({ ...credential, baseUrl: api.url, logger: null } as ClientOptions).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(elsewhere.requests, "the other origin received a request").toHaveLength(0);
        expect(api.requests, "a redirect is not retried").toHaveLength(1);
        expect(error).toBeInstanceOf(RedirectError);
        expect(error).toBeInstanceOf(ComposioApiError);
        const redirect = error as RedirectError;
        expect(redirect.status).toBe(status);
        expect(redirect.location).toBe(`${elsewhere.url}/leak/[redacted]`);
        expect(redirect.message).toBe(
          `${status} redirect to ${elsewhere.url}/leak/[redacted] not followed: the key and request bodies go to ${api.url} only. Is \`baseUrl\` the API's address?`,
        );
        expectNoSecrets(error);
      });
    }

    it("a same-origin redirect is refused too", async () => {
      const { api } = await redirecting(307, true);
      const error = await send({ apiKey: SECRETS.apiKey, baseUrl: api.url }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedirectError);
      expect((error as RedirectError).location).toBe(`${api.url}/leak/[redacted]`);
      expect(api.requests).toHaveLength(1);
    });
  });

  describe("a fetch that follows redirects anyway", () => {
    it("does not pass the other origin's answer off as the API's", async () => {
      const { api, elsewhere } = await redirecting(302);
      const following: typeof fetch = (input, init) =>
        fetch(new Request(input, { ...init, redirect: "follow" }));
      const error = await clients
        .client({ apiKey: SECRETS.apiKey, baseUrl: api.url, fetch: following })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedirectError);
      expect((error as Error).message).toBe(
        `The \`fetch\` given followed a redirect to ${elsewhere.url}/leak/[redacted], despite \`redirect: "manual"\`; the key and request bodies go to ${api.url} only. Is \`baseUrl\` the API's address?`,
      );
      expectNoSecrets(error);
    });
  });
});

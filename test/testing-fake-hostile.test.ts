// composio-connected-accounts/testing against a hostile test author: whatever a request holds (a
// callback that is no web address, a malformed escape, a body nested without end or failing the
// spec in thousands of places, a raw request line no client sends), the fake answers it as the
// API would, in Composio's envelope, in time linear in its size; it never throws instead, never
// lets one request break the next, and records no secret in `fake.requests`.
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { BadRequestError } from "../src/index.js";
import { createFakeComposio } from "../src/testing.js";
import {
  MANAGED_GITHUB,
  OWN_GMAIL,
  SERPAPI,
  openPage,
  useFake,
  type Transport,
} from "./helpers/testing-fake.js";
import { cpuMsAsync, wrongScopes } from "./helpers/validation.js";

const setup = useFake();
const TRANSPORTS: Transport[] = ["fetch", "listen"];
const ACCOUNTS = "/api/v3.1/connected_accounts";

/** A request as a test's own code sends it, with the fake's project key unless `headers` say otherwise. */
function request(
  { fake, fetch, baseUrl }: { fake: { apiKey: string }; fetch: typeof globalThis.fetch; baseUrl: string },
  path: string,
  {
    method = "GET",
    body,
    headers,
  }: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: headers ?? { "x-api-key": fake.apiKey, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

async function envelope(response: Response) {
  return { status: response.status, ...((await response.json()) as { error: Record<string, unknown> }) };
}

describe.each(TRANSPORTS)("the callback is an http(s) URL, through %s", (transport) => {
  const REFUSED = [
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "/connected",
    "not a url",
  ];

  it("link refuses any other callback_url with a 400 naming it, and makes no account", async () => {
    const { fake, composio, fetch, baseUrl } = await setup(transport);
    for (const callback_url of REFUSED) {
      const answer = await envelope(
        await request({ fake, fetch, baseUrl }, `${ACCOUNTS}/link`, {
          method: "POST",
          body: { auth_config_id: MANAGED_GITHUB, user_id: "u1", callback_url },
        }),
      );
      expect(answer.status, callback_url).toBe(400);
      expect(answer.error.message, callback_url).toMatch(
        /^callback_url must be an absolute http or https URL/,
      );
    }
    const error = await composio.connectedAccounts
      .link({ auth_config_id: MANAGED_GITHUB, user_id: "u1", callback_url: "javascript:alert(1)" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain("callback_url must be an absolute http or https URL");
    expect((await composio.connectedAccounts.list({})).total_items).toBe(0);

    // http and https pass, a local app's port included.
    for (const callback_url of ["http://localhost:3000/cb", "https://app.example.com/connected?x=1"]) {
      const link = await composio.connectedAccounts.link({
        auth_config_id: MANAGED_GITHUB,
        user_id: "u1",
        callback_url,
      });
      const page = await openPage(fetch, link.redirect_url);
      expect(page.status).toBe(302);
      expect(new URL(page.location!).protocol).toMatch(/^https?:$/);
    }
  });

  it("create refuses one in callback_url or redirect_uri, naming the field", async () => {
    const { fake, fetch, baseUrl } = await setup(transport);
    for (const field of ["callback_url", "redirect_uri"]) {
      const answer = await envelope(
        await request({ fake, fetch, baseUrl }, ACCOUNTS, {
          method: "POST",
          body: { auth_config: { id: OWN_GMAIL }, connection: { [field]: "javascript:alert(1)" } },
        }),
      );
      expect(answer.status).toBe(400);
      expect(answer.error.message).toMatch(new RegExp(`^${field} must be an absolute http or https URL`));
    }
    expect(fake.requests).toHaveLength(2);
    const list = await request({ fake, fetch, baseUrl }, ACCOUNTS);
    expect(((await list.json()) as { total_items: number }).total_items).toBe(0);
  });

  it("refresh refuses one in redirect_url, in the body or the query, and leaves the account as it was", async () => {
    const { fake, composio, fetch, baseUrl } = await setup(transport);
    const created = await composio.connectedAccounts.create({
      auth_config: { id: OWN_GMAIL },
      connection: {},
    });
    fake.complete(created.id);
    const refresh = `${ACCOUNTS}/${created.id}/refresh`;
    for (const [path, body] of [
      [`${refresh}?redirect_url=${encodeURIComponent("javascript:alert(1)")}`, undefined],
      [refresh, { redirect_url: "data:text/html,x" }],
    ] as const) {
      const answer = await envelope(await request({ fake, fetch, baseUrl }, path, { method: "POST", body }));
      expect(answer.status).toBe(400);
      expect(answer.error.message).toMatch(/^redirect_url must be an absolute http or https URL/);
    }
    expect((await composio.connectedAccounts.retrieve(created.id)).status).toBe("ACTIVE");
  });
});

describe("faults and keys", () => {
  it("a request without a valid key gets its 401 and leaves the queued fault for the next one", async () => {
    const { fake, fetch, baseUrl } = await setup();
    fake.failNext("listConnectedAccounts", { status: 503 });
    const keyless = await request({ fake, fetch, baseUrl }, ACCOUNTS, { headers: {} });
    expect(keyless.status).toBe(401);
    const wrongKey = await request({ fake, fetch, baseUrl }, ACCOUNTS, {
      headers: { "x-api-key": "ak_wrong" },
    });
    expect(wrongKey.status).toBe(401);
    expect((await request({ fake, fetch, baseUrl }, ACCOUNTS)).status).toBe(503);
    expect((await request({ fake, fetch, baseUrl }, ACCOUNTS)).status).toBe(200);
  });
});

describe.each(TRANSPORTS)("ids and paths, through %s", (transport) => {
  it("a malformed % escape in an id is the API's 404, not a thrown URIError", async () => {
    const { fake, fetch, baseUrl } = await setup(transport);
    for (const id of ["%E0%A4%A", "%", "%zz"]) {
      const answer = await envelope(await request({ fake, fetch, baseUrl }, `${ACCOUNTS}/${id}`));
      expect(answer, id).toMatchObject({ status: 404, error: { slug: "ConnectedAccount_NotFound" } });
      const deleted = await request({ fake, fetch, baseUrl }, `${ACCOUNTS}/${id}`, { method: "DELETE" });
      expect(deleted.status).toBe(404);
    }
  });
});

describe("a body no test should send", () => {
  it("nested 100,000 levels deep is a 400, and the fake goes on answering (it stored nothing)", async () => {
    const { fake, fetch, baseUrl } = await setup();
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const body = `{"auth_config":{"id":"${SERPAPI}"},"connection":{"state":{"authScheme":"API_KEY","val":{"status":"ACTIVE","api_key":"k","extra":${deep}}}}}`;
    const answer = await envelope(
      await request({ fake, fetch, baseUrl }, ACCOUNTS, { method: "POST", body }),
    );
    expect(answer).toMatchObject({
      status: 400,
      error: { message: "The body is nested deeper than 64 levels" },
    });
    const list = await request({ fake, fetch, baseUrl }, ACCOUNTS);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { total_items: number }).total_items).toBe(0);
  });

  it("8,000 wrong items: a 400 listing the first 100 and how many more, in linear time", async () => {
    const { fake, fetch, baseUrl } = await setup();
    const { result: answer, ms } = await cpuMsAsync(async () =>
      envelope(
        await request({ fake, fetch, baseUrl }, ACCOUNTS, { method: "POST", body: wrongScopes(8000) }),
      ),
    );
    expect(ms).toBeLessThan(1000);
    expect(answer.status).toBe(400);
    const errors = answer.error.errors as string[];
    expect(errors).toHaveLength(101);
    expect(errors[0]).toBe("connection.state.val.scope[0]: must be string");
    expect(errors[100]).toBe("(body): 7901 more issues not listed: only the first 100 are");
  });

  it("a ~130 KB body, every item wrong, costs linear time", async () => {
    const { fake } = await setup();
    const body = JSON.stringify(wrongScopes(24_000));
    expect(body.length).toBeGreaterThan(120_000);
    const { result: answer, ms } = await cpuMsAsync(async () =>
      envelope(
        await fake.fetch(`https://backend.composio.dev${ACCOUNTS}`, {
          method: "POST",
          headers: { "x-api-key": fake.apiKey, "content-type": "application/json" },
          body,
        }),
      ),
    );
    expect(ms).toBeLessThan(1000);
    expect(answer.error.errors).toHaveLength(101);
  });
});

describe("fake.fetch, as fetch", () => {
  it("refuses a URL no HTTP server receives, as fetch does (a TypeError), and records nothing", async () => {
    const fake = createFakeComposio({ authConfigs: [] });
    for (const url of ["foo://x/api/v3.1/connected_accounts", "file:///api/v3.1/connected_accounts"]) {
      const error = await fake.fetch(url, { headers: { "x-api-key": fake.apiKey } }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(TypeError);
      expect(String((error as Error).cause)).toMatch(/only http: and https: URLs reach the fake/);
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe("what fake.requests keeps", () => {
  it("query values under sensitive names are redacted, and a secret the request carries is scrubbed wherever it is", async () => {
    const { fake, fetch, baseUrl } = await setup();
    const planted = "ak_PLANTED_query_secret_51c0";
    await request(
      { fake, fetch, baseUrl },
      `${ACCOUNTS}?api_key=${planted}&access_token=tok_PLANTED_0c7b2d&user_ids=${fake.apiKey}&limit=5`,
    );
    await request({ fake, fetch, baseUrl }, `${ACCOUNTS}/${fake.apiKey}`);
    const [list, retrieve] = fake.requests;
    expect(list!.query).toEqual({
      api_key: "[redacted]",
      access_token: "[redacted]",
      user_ids: "[redacted]",
      limit: "5",
    });
    expect(retrieve!.path).toBe(`${ACCOUNTS}/[redacted]`);
    const recorded = JSON.stringify(fake.requests);
    for (const secret of [planted, "tok_PLANTED_0c7b2d", fake.apiKey]) expect(recorded).not.toContain(secret);
  });
});

describe("fake.listen(), from a raw socket", () => {
  /** Sends `text` as it is and reads the answer's status line and body; the connection is closed after. */
  function raw(port: number, text: string): Promise<{ status: string; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let got = "";
      socket.on("data", (chunk) => {
        got += chunk;
        if (/\r\n\r\n[\s\S]*\}/.test(got) || /^HTTP\/1\.1 \d+[^\r]*\r\n[\s\S]*\r\n\r\n$/.test(got))
          socket.end();
      });
      socket.on("error", reject);
      // An answer that never comes fails the test in seconds, not at the test's timeout.
      socket.setTimeout(3000, () => socket.destroy());
      socket.on("close", () =>
        resolve({ status: got.split("\r\n")[0]!, body: got.slice(got.indexOf("\r\n\r\n") + 4) }),
      );
      socket.write(text);
    });
  }

  it("a request target no URL parser takes is a 400, not an exception that ends the test run", async () => {
    const fake = createFakeComposio({ authConfigs: [] });
    const server = await fake.listen();
    const thrown: unknown[] = [];
    const onError = (error: unknown) => thrown.push(error);
    process.on("uncaughtException", onError);
    try {
      const port = Number(new URL(server.baseUrl).port);
      const answer = await raw(
        port,
        `GET http://[::1/ HTTP/1.1\r\nHost: x\r\nx-api-key: ${fake.apiKey}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status).toBe("HTTP/1.1 400 Bad Request");
      expect(answer.body).toContain('"slug":"BadRequest"');
      // A path that starts with two slashes is a path, not another host's address.
      const twoSlashes = await raw(
        port,
        `GET //evil.example${ACCOUNTS} HTTP/1.1\r\nHost: x\r\nx-api-key: ${fake.apiKey}\r\nConnection: close\r\n\r\n`,
      );
      expect(twoSlashes.status).toBe("HTTP/1.1 404 Not Found");
      expect(thrown).toEqual([]);
    } finally {
      process.off("uncaughtException", onError);
      await server.close();
    }
  });
});

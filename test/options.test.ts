// Construction-time and request-time checks: plain http, credentials in URLs, header injection.
import { describe, expect, it } from "vitest";
import { ApiKeyState, ComposioError, createComposioClient, type ClientOptions } from "../src/index.js";
import { messageOf } from "./helpers/operations.js";
import { createRawClient } from "../src/raw.js";
import { checkSamples } from "./helpers/samples.js";
import { viewsOf } from "./helpers/secrets.js";
import { createdBody, json, startServer } from "./helpers/server.js";

const KEY = "ak_PLANTED_options_key_77e1";
const make = (options: Partial<ClientOptions>) => () =>
  createComposioClient({ apiKey: KEY, ...options } as ClientOptions);

describe("baseUrl", () => {
  it("refuses plain http to a host that is not loopback", () => {
    expect(make({ baseUrl: "http://api.example.com" })).toThrow(
      "createComposioClient: `baseUrl` http://api.example.com is plain http, so the key would travel unencrypted. Use https, or `allowInsecureHttp: true`.",
    );
  });

  it("allows plain http to loopback, and elsewhere when the caller opts in", () => {
    for (const baseUrl of [
      "http://127.0.0.1:8080",
      "http://localhost:3000",
      "http://[::1]:9000",
      "http://127.1.2.3",
    ]) {
      expect(make({ baseUrl }), baseUrl).not.toThrow();
    }
    expect(make({ baseUrl: "http://api.example.com", allowInsecureHttp: true })).not.toThrow();
    expect(make({ baseUrl: "https://api.example.com" })).not.toThrow();
  });

  it("refuses what is not an http(s) URL, and URLs carrying credentials", () => {
    expect(make({ baseUrl: "backend.composio.dev" })).toThrow(
      'createComposioClient: `baseUrl` is not a URL (got the string "backend.composio.dev").',
    );
    expect(make({ baseUrl: "ftp://127.0.0.1" })).toThrow(/must be http\(s\), not ftp:/);
    expect(make({ baseUrl: "https://me:hunter22@api.example.com" })).toThrow(
      /may not carry a user name or password/,
    );
  });
});

describe("header injection", () => {
  it("refuses CR or LF in the key, naming the option but never the value", () => {
    const error = (() => {
      try {
        createComposioClient({ apiKey: `${KEY}\n` });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ComposioError);
    expect((error as Error).message).toBe(
      "createComposioClient: `apiKey` has a line break (CR or LF) or NUL; was it read with a trailing newline?",
    );
    for (const [view, text] of Object.entries(viewsOf(error))) expect(text.includes(KEY), view).toBe(false);
  });

  it("refuses CR or LF in client headers, and bad header names", () => {
    expect(make({ headers: { "x-team": "a\r\nx-evil: 1" } })).toThrow(
      "createComposioClient: headers: header x-team has a line break (CR or LF) or NUL in its value; refused.",
    );
    expect(make({ headers: { "bad header": "v" } })).toThrow(/"bad header" is not a valid header name/);
  });

  it("refuses CR or LF in per-request headers before sending anything", async () => {
    const server = await startServer((_req, res) => json(res, 201, createdBody()));
    try {
      const client = createComposioClient({ apiKey: KEY, baseUrl: server.url });
      const body = { auth_config: { id: "ac" }, connection: { state: ApiKeyState.active({ api_key: "k" }) } };
      await expect(
        client.connectedAccounts.create(body, { headers: { "x-trace": "1\r\n2" } }),
      ).rejects.toThrow(
        "RequestOptions.headers: header x-trace has a line break (CR or LF) or NUL in its value; refused.",
      );
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

describe("numbers", () => {
  it("refuse negative and non-finite limits", () => {
    expect(make({ timeoutMs: Number.NaN })).toThrow(
      "`timeoutMs` must be a number of milliseconds > 0, at most 2147483647 (got NaN)",
    );
    expect(make({ totalTimeoutMs: -5 })).toThrow(
      "`totalTimeoutMs` must be a number of milliseconds > 0 (got -5)",
    );
    // 0 would end every call at once: users who write it mostly mean "no limit".
    expect(make({ timeoutMs: 0 })).toThrow(
      "`timeoutMs` must be a number of milliseconds > 0, at most 2147483647 (got 0)",
    );
    expect(make({ maxRetries: 1.5 })).toThrow("`maxRetries` must be a whole number ≥ 0 (got 1.5)");
    expect(make({ maxRetries: 0 })).not.toThrow();
  });
});

// What a newcomer gets wrong in the first minutes: each message says what is wrong, with the option's name.
describe("messages for common mistakes", () => {
  it("an unset environment variable: says the key is undefined and where keys come from", () => {
    const unset = process.env.COMPOSIO_TEST_SURELY_UNSET_VARIABLE;
    const message = messageOf(() => createComposioClient({ apiKey: unset! }));
    expect(message).toBe(
      "createComposioClient: `apiKey` is undefined; is its environment variable set? Project API keys are in Composio's dashboard (Settings → API Keys); most apps read one from an environment variable such as COMPOSIO_API_KEY.",
    );
    expect(messageOf(() => createComposioClient({ userApiKey: unset! }))).toMatch(
      /^createComposioClient: `userApiKey` is undefined;/,
    );
  });

  it("no options at all, or not an object", () => {
    expect(messageOf(() => (createComposioClient as () => unknown)())).toBe(
      "createComposioClient: pass the options, e.g. createComposioClient({ apiKey: process.env.COMPOSIO_API_KEY }) (got undefined).",
    );
    // The key itself, most likely: named as a string, never quoted.
    expect(messageOf(() => createComposioClient("ak_PLANTED_bare_key" as never))).toBe(
      "createComposioClient: pass the options, e.g. createComposioClient({ apiKey: process.env.COMPOSIO_API_KEY }) (got a string, which is not shown: it may be the key).",
    );
  });

  it("a key that is not a string", () => {
    expect(messageOf(() => createComposioClient({ apiKey: 42 as never }))).toBe(
      "createComposioClient: `apiKey` must be a string (got 42).",
    );
  });

  it("a logLevel that is not one: names the option, the levels and what it got", () => {
    expect(messageOf(make({ logLevel: "warning" as never }))).toBe(
      'createComposioClient: `logLevel` must be one of "debug", "info", "warn", "error", "off" (got the string "warning").',
    );
  });

  it("a number given as a string says it was a string", () => {
    expect(messageOf(make({ timeoutMs: "5000" as never }))).toBe(
      'createComposioClient: `timeoutMs` must be a number of milliseconds > 0, at most 2147483647 (got the string "5000").',
    );
    expect(messageOf(make({ maxRetries: null as never }))).toBe(
      "createComposioClient: `maxRetries` must be a whole number ≥ 0 (got null).",
    );
  });

  it("a baseUrl that already ends with the API's path prefix, which every path would double", () => {
    expect(messageOf(make({ baseUrl: "https://backend.composio.dev/api/v3.1" }))).toBe(
      "createComposioClient: `baseUrl` ends with /api/v3.1, the API's own path, which the client adds to every request itself (/api/v3.1/…): sent twice, every call would 404. Use https://backend.composio.dev instead.",
    );
    expect(messageOf(make({ baseUrl: "https://proxy.example.com/composio/api/v3.1/" }))).toMatch(
      /Use https:\/\/proxy\.example\.com\/composio instead\.$/,
    );
    expect(messageOf(make({ baseUrl: "https://backend.composio.dev/api/v3.1/" }))).toMatch(
      /ends with \/api\/v3\.1,/,
    );
    expect(messageOf(make({ baseUrl: "https://proxy.example.com/?tenant=1" }))).toBe(
      "createComposioClient: `baseUrl` may not carry a query or a fragment: every request path is added to its end.",
    );
    // A proxy prefix of its own is fine.
    expect(make({ baseUrl: "https://proxy.example.com/composio" })).not.toThrow();
    expect(make({ baseUrl: "https://proxy.example.com/myapi" })).not.toThrow();
  });

  it("a baseUrl that ends with any API version's path, in any case, with or without a slash: the fix keeps what precedes it", () => {
    const cases = [
      ["https://backend.composio.dev/api/v3", "/api/v3", "https://backend.composio.dev"],
      ["https://backend.composio.dev/api/v3/", "/api/v3", "https://backend.composio.dev"],
      ["https://backend.composio.dev/API/V3", "/API/V3", "https://backend.composio.dev"],
      ["https://backend.composio.dev/api/v2", "/api/v2", "https://backend.composio.dev"],
      ["https://backend.composio.dev/api/v1//", "/api/v1", "https://backend.composio.dev"],
      [
        "https://backend.composio.dev/api/v3/connected_accounts",
        "/api/v3/connected_accounts",
        "https://backend.composio.dev",
      ],
      ["https://proxy.example/composio/api/v3", "/api/v3", "https://proxy.example/composio"],
      ["https://proxy.example/composio/Api/V3.1/", "/Api/V3.1", "https://proxy.example/composio"],
      ["http://localhost:8080/api/v3", "/api/v3", "http://localhost:8080"],
      // A URL copied from the docs or a log: the version and a resource path after it.
      [
        "https://proxy.example/composio/api/v3.1/connected_accounts/ca_4f9d2b7c1e0a",
        "/api/v3.1/connected_accounts/ca_4f9d2b7c1e0a",
        "https://proxy.example/composio",
      ],
      [
        "http://127.0.0.1:4010/api/v3/connected_accounts/",
        "/api/v3/connected_accounts",
        "http://127.0.0.1:4010",
      ],
      // The resource's name anywhere, with this API's version before it, not a gateway's own.
      [
        "https://proxy.example/composio/connected_accounts/link",
        "/connected_accounts/link",
        "https://proxy.example/composio",
      ],
      [
        "https://proxy.example/composio/v3.1/connected_accounts",
        "/v3.1/connected_accounts",
        "https://proxy.example/composio",
      ],
      [
        "https://proxy.example/composio/v1/connected_accounts",
        "/connected_accounts",
        "https://proxy.example/composio/v1",
      ],
      [
        "https://proxy.example/composio/connected_accounts",
        "/connected_accounts",
        "https://proxy.example/composio",
      ],
    ] as const;
    for (const [baseUrl, suffix, fix] of cases) {
      expect(messageOf(make({ baseUrl })), baseUrl).toBe(
        `createComposioClient: \`baseUrl\` ends with ${suffix}, the API's own path, which the client adds to every request itself (/api/v3.1/…): sent twice, every call would 404. Use ${fix} instead.`,
      );
    }
    // From plain JavaScript, on /raw too: the same check, before anything is sent.
    expect(() => createRawClient({ apiKey: KEY, baseUrl: "https://backend.composio.dev/api/v3" })).toThrow(
      /^createRawClient: `baseUrl` ends with \/api\/v3, .* Use https:\/\/backend\.composio\.dev instead\.$/,
    );
    // A path of the proxy's own, even one that holds a version's letters, stays allowed.
    for (const baseUrl of [
      "https://proxy.example/composio",
      "https://proxy.example/composio/",
      "https://proxy.example/myapi",
      "https://proxy.example/api-gateway",
      "https://proxy.example/apiv3",
      "https://proxy.example/v3x",
      "https://proxy.example/versions",
      "https://proxy.example/api/v3/composio",
      // A gateway's own versioned mount point: no /api before the version, nothing doubled.
      "https://proxy.example/composio/v1",
      "https://proxy.example/v3",
      // A gateway mounted at /api (a bare /api holds no version: nothing would be doubled).
      "https://gateway.example/api",
      "https://gateway.example/api/",
    ]) {
      expect(make({ baseUrl }), baseUrl).not.toThrow();
    }
  });

  it("any path on Composio's own host, which serves the API at its root", () => {
    for (const path of ["/v3", "/v3.1/", "/api", "/composio", "/docs/api-reference"]) {
      expect(messageOf(make({ baseUrl: `https://backend.composio.dev${path}` })), path).toBe(
        `createComposioClient: \`baseUrl\` https://backend.composio.dev serves the API at its root, and the client adds /api/v3.1/… to every request itself; ${path} would be sent before it and every call would 404. Use https://backend.composio.dev instead.`,
      );
    }
    expect(make({ baseUrl: "https://backend.composio.dev/" })).not.toThrow();
  });
});

describe("the type error for a missing key", () => {
  it("names apiKey, the key most callers mean", () => {
    const problems = checkSamples([
      {
        line: 1,
        code: 'import { createComposioClient } from "composio-connected-accounts";\ncreateComposioClient({ baseUrl: "https://backend.composio.dev" });\n',
      },
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("Property 'apiKey' is missing");
    expect(problems[0]).not.toContain("userApiKey' is missing");
  });
});

describe("per-request options", () => {
  it("are checked as the client's are, naming the operation, before anything is sent", async () => {
    const server = await startServer((_req, res) => json(res, 200, { items: [], next_cursor: null }));
    try {
      const accounts = createComposioClient({ apiKey: KEY, baseUrl: server.url }).connectedAccounts;
      const cases: [object, string][] = [
        [
          { timeoutMs: "abc" },
          'listConnectedAccounts: options: `timeoutMs` must be a number of milliseconds > 0, at most 2147483647 (got the string "abc").',
        ],
        [
          { timeoutMs: Number.NaN },
          "listConnectedAccounts: options: `timeoutMs` must be a number of milliseconds > 0, at most 2147483647 (got NaN).",
        ],
        [
          { maxRetries: -1 },
          "listConnectedAccounts: options: `maxRetries` must be a whole number ≥ 0 (got -1).",
        ],
        [
          { totalTimeoutMs: "x" },
          'listConnectedAccounts: options: `totalTimeoutMs` must be a number of milliseconds > 0 (got the string "x").',
        ],
        [
          { retryUnsafe: "no" },
          'listConnectedAccounts: options: `retryUnsafe` must be true or false (got the string "no").',
        ],
      ];
      for (const [options, message] of cases) {
        const error = await accounts.list({}, options as never).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ComposioError);
        expect((error as Error).message).toBe(message);
      }
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

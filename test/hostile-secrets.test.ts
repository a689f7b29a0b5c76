// A hostile server against the client's secrets: every string it sends (headers, error bodies,
// account fields, cursors) and every string the caller gives passes the one redactor that knows
// the key and the request's secrets before it reaches a message, a field, a log line or a warning.
// Each case runs on every entry point that can reach it: createComposioClient, the standalone
// functions over createComposioTransport, and /raw where it applies.
import { describe, expect, it } from "vitest";
import {
  ComposioApiError,
  ComposioError,
  ComposioTimeoutError,
  ComposioValidationError,
  ConnectionFailedError,
  createConnectedAccount,
  deleteConnectedAccount,
  revokeConnectedAccount,
  listConnectedAccounts,
  RedirectError,
  retrieveConnectedAccount,
  waitForConnection,
  type ClientOptions,
  type CreateConnectedAccountParams,
  type RequestValidator,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { redactorFor } from "../src/redact.js";
import { validateRequest } from "../src/validate.js";
import { account, rawPath } from "./helpers/operations.js";
import { viewsOf } from "./helpers/secrets.js";
import { json, serverPerTest, type Handler, type SeenRequest, type TestServer } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)(
  "over $transport",
  ({ createComposioClient, createComposioTransport, transport: via }) => {
    const KEY = "ak_live_7Hq2Zp9Xw4Lm8Rt3Vb6N";
    /** The account's own tokens, as retrieve answers them in `state.val`. */
    const ACCESS = "at_4Fz9Qm2Lx7Vr8Kd3Wn";
    const REFRESH = "rt_6Py1Ts5Gh8Jk2Lq9Xc";
    const ID = "ca_hostile1";

    /** Each server a test starts is closed after it. */
    const serve = serverPerTest();

    /** The key a request carried. */
    const keyOf = (req: SeenRequest) => String(req.headers["x-api-key"]);

    /** The three entry points on one server, each logging (debug and up) into its own list of lines. */
    function entries(server: TestServer, options: Partial<ClientOptions> = {}) {
      const lines: string[] = [];
      const logger = { debug: push, info: push, warn: push, error: push };
      function push(line: string) {
        lines.push(line);
      }
      const all = {
        apiKey: KEY,
        baseUrl: server.url,
        logger,
        logLevel: "debug",
        maxRetries: 0,
        ...options,
      } as ClientOptions;
      return {
        lines,
        client: createComposioClient(all),
        transport: createComposioTransport(all),
        raw: createRawClient(all),
      };
    }

    /** Every 8-character run of a secret: none may show anywhere. */
    const runs = (secret: string): string[] =>
      Array.from({ length: secret.length - 7 }, (_, i) => secret.slice(i, i + 8));

    /** Asserts that no 8-character run of any secret shows in any view of the error nor in a log line. */
    function expectHidden(error: unknown, secrets: string[], lines: string[] = []): void {
      const views = {
        ...viewsOf(error),
        ...Object.fromEntries(lines.map((line, i) => [`log line ${i}`, line])),
      };
      for (const [where, text] of Object.entries(views)) {
        for (const secret of secrets) {
          for (const run of runs(secret)) expect(text.includes(run), `${where} holds ${run}`).toBe(false);
        }
      }
    }

    const failure = (promise: PromiseLike<unknown>): Promise<unknown> =>
      Promise.resolve(promise).then(
        () => expect.unreachable("the call succeeded"),
        (error: unknown) => error,
      );

    /** Every item of a list walk, or the error that ended it. */
    async function walk(items: AsyncIterable<unknown>): Promise<unknown> {
      try {
        for await (const _ of items) {
          // the loop body does not matter: the walk's end does
        }
      } catch (error) {
        return error;
      }
      return expect.unreachable("the walk ended without an error");
    }

    const base64 = (text: string) => Buffer.from(text).toString("base64");

    describe("the key in a server's answer", () => {
      it.each(["client", "functions"] as const)(
        "%s: an x-request-id header that carries it, on an error with no request_id in its body",
        async (entry) => {
          const server = await serve((req, res) =>
            json(
              res,
              404,
              { error: { message: "Connected account not found", slug: "ConnectedAccount_NotFound" } },
              { "x-request-id": `req-${keyOf(req)}` },
            ),
          );
          const { client, transport, lines } = entries(server);
          const error = (await failure(
            entry === "client"
              ? client.connectedAccounts.retrieve(ID)
              : retrieveConnectedAccount(transport, ID),
          )) as ComposioApiError;
          expect(error.message).toBe(
            "404 ConnectedAccount_NotFound: Connected account not found (request_id req-[redacted])",
          );
          expect(error.requestId).toBe("req-[redacted]");
          expectHidden(error, [KEY], lines);
        },
      );

      it.each(["client", "functions"] as const)(
        "%s: ConnectionFailedError's status_reason quoting the key and the account's own access token",
        async (entry) => {
          const server = await serve((req, res) =>
            json(res, 200, {
              ...account(ID, { access: ACCESS, refresh: REFRESH }),
              status: "FAILED",
              status_reason: `token exchange failed: key ${keyOf(req)} got ${ACCESS} (refresh ${REFRESH.slice(0, 12)})`,
            }),
          );
          const { client, transport, lines } = entries(server);
          const error = (await failure(
            entry === "client"
              ? client.connectedAccounts.waitForConnection(ID)
              : waitForConnection(transport, ID),
          )) as ConnectionFailedError;
          expect(error).toBeInstanceOf(ConnectionFailedError);
          expect(error.message).toBe(
            `Connected account ${ID} is FAILED: token exchange failed: key [redacted] got [redacted] (refresh [redacted])`,
          );
          expect(error.statusReason).toBe(
            "token exchange failed: key [redacted] got [redacted] (refresh [redacted])",
          );
          expectHidden(error, [KEY, ACCESS, REFRESH], lines);
        },
      );

      it.each(["client", "functions"] as const)(
        "%s: the wait's timeout quoting the last status, which carries the key",
        async (entry) => {
          const server = await serve((req, res) =>
            json(res, 200, {
              ...account(ID, { access: ACCESS, refresh: REFRESH }),
              status: `INITIATED/${keyOf(req)}`,
            }),
          );
          const { client, transport, lines } = entries(server);
          const options = { timeoutMs: 300, initialIntervalMs: 50, maxIntervalMs: 50 };
          const error = (await failure(
            entry === "client"
              ? client.connectedAccounts.waitForConnection(ID, options)
              : waitForConnection(transport, ID, options),
          )) as ComposioTimeoutError;
          expect(error).toBeInstanceOf(ComposioTimeoutError);
          expect(error.message).toContain("still INITIATED/[redacted] at the last look");
          expectHidden(error, [KEY], lines);
        },
      );

      it.each(["client", "functions"] as const)(
        "%s: a list walk stopped on a repeated cursor that is the key; the debug lines' query strings",
        async (entry) => {
          const server = await serve((req, res) =>
            json(res, 200, { items: [{ id: "ca_1" }], next_cursor: keyOf(req) }),
          );
          const { client, transport, lines } = entries(server);
          const error = await walk(
            entry === "client" ? client.connectedAccounts.list() : listConnectedAccounts(transport),
          );
          expect(error).toBeInstanceOf(ComposioError);
          expect((error as Error).message).toMatch(/^listConnectedAccounts: the server sent a cursor again/);
          expect(server.requests[1]!.url).toContain(`cursor=${KEY}`);
          // Debug lines carry no query at all (the cursor is the server's text).
          expect(lines.some((line) => line.includes("?"))).toBe(false);
          expectHidden(error, [KEY], lines);
        },
      );

      it("raw: debug lines carry no query string, and no key", async () => {
        const server = await serve((req, res) => json(res, 200, { items: [], next_cursor: keyOf(req) }));
        const { raw, lines } = entries(server);
        const { data } = await raw.GET(rawPath("listConnectedAccounts"), {
          params: { query: { cursor: KEY } },
        });
        expect(data).toEqual({ items: [], next_cursor: KEY });
        expect(lines).toHaveLength(1);
        expectHidden({}, [KEY], lines);
      });
    });

    describe("Deprecation, Sunset and Link headers in the warn log", () => {
      const deprecated: Handler = (req, res) =>
        json(
          res,
          200,
          {
            success: true,
            items: [],
            next_cursor: null,
            ...account(ID, { access: "at_x", refresh: "rt_x" }),
          },
          {
            deprecation: `@1767225600 ${keyOf(req)}`,
            sunset: `Wed, 01 Jul 2026 00:00:00 GMT ${keyOf(req).slice(0, 12)}`,
            link: `<https://docs.example.com/${keyOf(req)}/migrate?t=1>; rel="deprecation"`,
          },
        );

      // /raw sends through fetch on both transports: its case runs once.
      const entryPoints =
        via === "fetch" ? (["client", "functions", "raw"] as const) : (["client", "functions"] as const);
      it.each(entryPoints)("%s: scrubbed before they are logged", async (entry) => {
        const server = await serve(deprecated);
        const { client, transport, raw, lines } = entries(server, { logLevel: "warn" });
        // Each entry point calls another operation, on each transport: the warning comes once per
        // process and operation.
        const fetched = via === "fetch";
        if (entry === "client") await client.connectedAccounts[fetched ? "retrieve" : "refresh"](ID);
        else if (entry === "functions")
          await (fetched ? deleteConnectedAccount : revokeConnectedAccount)(transport, ID);
        else
          await raw.PATCH(rawPath("updateConnectedAccount"), { params: { path: { nanoid: ID } }, body: {} });
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(
          "(Deprecation: @1767225600 [redacted], Sunset: Wed, 01 Jul 2026 00:00:00 GMT [redacted]). See https://docs.example.com/[redacted]/migrate",
        );
        expectHidden({}, [KEY], lines);
      });
    });

    describe("the key in other forms", () => {
      /** A 400 whose envelope quotes `echoed(key)` in its message, suggested fix, details and a field of its own. */
      const quoting =
        (echoed: (key: string) => string): Handler =>
        (req, res) =>
          json(res, 400, {
            error: {
              message: `Bad key ${echoed(keyOf(req))} in this request`,
              slug: "Http_400",
              suggested_fix: `Retry without ${echoed(keyOf(req))}`,
              errors: [`sent: ${echoed(keyOf(req))}`],
              request: { note: echoed(keyOf(req)) },
            },
          });

      /** The views of the error a create gets from the server, on the client and on the functions. */
      async function bothEntries(handler: Handler, options: Partial<ClientOptions> = {}) {
        const server = await serve(handler);
        const { client, transport, lines } = entries(server, options);
        const body = { auth_config: { id: "ac_1" }, connection: { user_id: "u_1" } };
        return [
          { error: await failure(client.connectedAccounts.create(body)), lines },
          { error: await failure(createConnectedAccount(transport, body)), lines },
        ];
      }

      it("its first 16 characters, in the middle of a message", async () => {
        for (const { error, lines } of await bothEntries(quoting((key) => key.slice(0, 16)))) {
          expect((error as Error).message).toBe(
            "400 Http_400: Bad key [redacted] in this request (sent: [redacted]) — Retry without [redacted]",
          );
          expect((error as ComposioApiError).errors).toEqual(["sent: [redacted]"]);
          expectHidden(error, [KEY.slice(0, 16)], lines);
        }
      });

      it("raw: its first 16 characters in a redirect's location", async () => {
        const server = await serve((req, res) => {
          res.writeHead(307, { location: `/moved/${keyOf(req).slice(0, 16)}/x` });
          res.end();
        });
        const { raw, lines } = entries(server);
        const error = (await failure(
          raw.GET(rawPath("retrieveConnectedAccount"), { params: { path: { nanoid: ID } } }),
        )) as RedirectError;
        expect(error.location).toBe(`${server.url}/moved/[redacted]/x`);
        expectHidden(error, [KEY.slice(0, 16)], lines);
      });

      /** A key with the characters that percent-encoding and base64 change. */
      const ODD_KEY = "ak_live_7Hq/2Zp+9Xw=4Lm8Rt3Vb6N";

      it("percent-encoded (upper and lower case hex, and form-encoded), with / + and = in the key", async () => {
        const encodings = (key: string) => [
          encodeURIComponent(key),
          encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
          new URLSearchParams({ k: key }).toString().slice(2),
        ];
        expect(new Set(encodings(ODD_KEY)).size).toBe(2); // form-encoding equals the upper-case one here
        const handler = quoting((key) => encodings(key).join(" "));
        for (const { error, lines } of await bothEntries(handler, { apiKey: ODD_KEY })) {
          expect((error as Error).message).toBe(
            "400 Http_400: Bad key [redacted] [redacted] [redacted] in this request (sent: [redacted] [redacted] [redacted]) — Retry without [redacted] [redacted] [redacted]",
          );
          expectHidden(error, [ODD_KEY, ...encodings(ODD_KEY)], lines);
        }
      });

      it("raw: percent-encoded in a redirect's location, lower-case hex", async () => {
        const server = await serve((req, res) => {
          const hex = encodeURIComponent(keyOf(req)).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
          res.writeHead(307, { location: `/moved/${hex}/x` });
          res.end();
        });
        const { raw, lines } = entries(server, { apiKey: ODD_KEY });
        const error = (await failure(
          raw.GET(rawPath("retrieveConnectedAccount"), { params: { path: { nanoid: ID } } }),
        )) as RedirectError;
        expect(error.location).toBe(`${server.url}/moved/[redacted]/x`);
        expectHidden(error, [ODD_KEY, encodeURIComponent(ODD_KEY).toLowerCase()], lines);
      });

      it("base64: a Basic header sent back, at each of the three alignments", async () => {
        const basics = (key: string) => [
          base64(key),
          base64(`u:${key}`),
          base64(`us:${key}`),
          base64(`user:${key}`),
        ];
        const handler = quoting((key) =>
          basics(key)
            .map((b) => `Basic ${b}`)
            .join(" "),
        );
        for (const { error, lines } of await bothEntries(handler, { apiKey: ODD_KEY })) {
          // What stays of each echo is at most the few characters its prefix ("user:") decides.
          expect((error as Error).message).toMatch(
            /^400 Http_400: Bad key (Basic \S{0,8}\[redacted\]\S{0,4} ?){4} in this request/,
          );
          expectHidden(
            error,
            basics(ODD_KEY).map((b) => b.slice(8, -4)),
            lines,
          );
          expectHidden(error, [ODD_KEY], lines);
        }
      });
    });

    describe("nesting deeper than the redactor walks", () => {
      /** `leaf` under `depth` levels of objects and arrays. */
      const nested = (depth: number, leaf: unknown): unknown =>
        depth === 0 ? leaf : depth % 2 ? { level: nested(depth - 1, leaf) } : [nested(depth - 1, leaf)];

      const deep: Handler = (req, res) =>
        json(res, 400, {
          error: { message: "deep", slug: "Http_400" },
          detail: nested(40, { note: `key ${keyOf(req)}`, access_token: ACCESS }),
        });

      it.each(["client", "functions"] as const)(
        "%s: the key and a token 40 levels down in an error body are dropped",
        async (entry) => {
          const server = await serve(deep);
          const { client, transport, lines } = entries(server);
          const error = (await failure(
            entry === "client"
              ? client.connectedAccounts.retrieve(ID)
              : retrieveConnectedAccount(transport, ID),
          )) as ComposioApiError;
          expect(error.message).toBe("400 Http_400: deep");
          expect(JSON.stringify(error.body)).toContain("[redacted: nested deeper than 32 levels]");
          expectHidden(error, [KEY, ACCESS], lines);
        },
      );

      it("raw: in a redirect's body", async () => {
        const server = await serve((req, res) => {
          const body = JSON.stringify({
            detail: nested(40, { note: `key ${keyOf(req)}`, access_token: ACCESS }),
          });
          res.writeHead(302, { location: "/elsewhere", "content-type": "application/json" });
          res.end(body);
        });
        const { raw, lines } = entries(server);
        const error = (await failure(
          raw.GET(rawPath("retrieveConnectedAccount"), { params: { path: { nanoid: ID } } }),
        )) as RedirectError;
        expect(error).toBeInstanceOf(RedirectError);
        expect(JSON.stringify(error.body)).toContain("[redacted: nested deeper than 32 levels]");
        expectHidden(error, [KEY, ACCESS], lines);
      });
    });

    describe("a body value with toJSON", () => {
      /** An access token that only shows itself when serialized. */
      const hiddenToken = { toJSON: () => ACCESS };
      const body = {
        auth_config: { id: "ac_1a2b3c4d5e6f" },
        connection: {
          user_id: "user_42",
          state: { authScheme: "OAUTH2", val: { status: "ACTIVE", access_token: hiddenToken } },
        },
      } as unknown as CreateConnectedAccountParams;

      /** The server quotes the token it got outside any JSON pair. */
      const quotesToken: Handler = (req, res) => {
        const sent = JSON.parse(req.body) as { connection: { state: { val: { access_token: string } } } };
        json(res, 400, {
          error: { message: `token ${sent.connection.state.val.access_token} refused`, slug: "Http_400" },
        });
      };

      it.each(["client", "functions"] as const)("%s: its secret is known to the redactor", async (entry) => {
        const server = await serve(quotesToken);
        const { client, transport, lines } = entries(server);
        const error = await failure(
          entry === "client"
            ? client.connectedAccounts.create(body)
            : createConnectedAccount(transport, body),
        );
        expect(JSON.parse(server.requests[0]!.body).connection.state.val.access_token).toBe(ACCESS);
        expect((error as Error).message).toBe("400 Http_400: token [redacted] refused");
        expectHidden(error, [ACCESS], lines);
      });

      it.each(["client", "functions", "raw"] as const)(
        "%s: the validator sees the body that is sent, once serialized",
        async (entry) => {
          const server = await serve((_req, res) => json(res, 201, { id: "ca_new", status: "ACTIVE" }));
          const seen: unknown[] = [];
          const recording: RequestValidator = (operation, sent) => {
            seen.push(sent);
            validateRequest(operation, sent);
          };
          // Not valid as an object (auth_config has no id), valid once serialized.
          const serialized = {
            auth_config: { toJSON: () => ({ id: "ac_1a2b3c4d5e6f" }) },
            connection: { user_id: "user_42" },
          } as unknown as CreateConnectedAccountParams;
          expect(() => validateRequest("createConnectedAccount", serialized)).toThrow(
            ComposioValidationError,
          );
          const { client, transport, raw } = entries(server, { validate: recording });
          if (entry === "client") await client.connectedAccounts.create(serialized);
          else if (entry === "functions") await createConnectedAccount(transport, serialized);
          else {
            const { error } = await raw.POST(rawPath("createConnectedAccount"), { body: serialized });
            expect(error).toBeUndefined();
          }
          expect(seen).toEqual([JSON.parse(server.requests[0]!.body)]);
        },
      );
    });

    describe("raw: a per-request header with CR or LF", () => {
      const BEARER = "Bearer tok_per_request_5Gh8Jk2Lq9";

      it.each([
        ["a record", { authorization: `${BEARER}\r\nx-injected: 1` }],
        ["an array of values", { authorization: ["Bearer ok", `${BEARER}\nx-injected: 1`] }],
      ])("in %s: refused before sending, naming the header but not its value", async (_how, headers) => {
        const server = await serve((_req, res) => json(res, 200, {}));
        const { raw, lines } = entries(server);
        const error = await failure(
          raw.GET(rawPath("retrieveConnectedAccount"), {
            params: { path: { nanoid: ID } },
            headers: headers as any,
          }),
        );
        expect(error).toBeInstanceOf(ComposioError);
        expect((error as Error).message).toBe(
          "retrieveConnectedAccount: headers: header authorization has a line break (CR or LF) or NUL in its value; refused.",
        );
        expect(server.requests).toHaveLength(0);
        expectHidden(error, [BEARER.slice(7)], lines);
      });

      it("through raw.request too", async () => {
        const server = await serve((_req, res) => json(res, 200, {}));
        const { raw } = entries(server);
        const error = await failure(
          raw.request("get", rawPath("retrieveConnectedAccount"), {
            params: { path: { nanoid: ID } },
            headers: { "x-trace": `${BEARER}\r\n` },
          }),
        );
        expect((error as Error).message).toMatch(
          /^retrieveConnectedAccount: headers: header x-trace has a line break/,
        );
        expect(server.requests).toHaveLength(0);
      });
    });

    describe("the redactor's rule: 8 characters of a secret in a row", () => {
      const redact = redactorFor({ "x-api-key": KEY });

      it("scrubs a run of 8 anywhere, keeps 7; overlapping runs are one [redacted], apart ones two", () => {
        expect(redact.text(`a ${KEY.slice(0, 7)} b`)).toBe(`a ${KEY.slice(0, 7)} b`);
        expect(redact.text(`a ${KEY.slice(3, 11)} b`)).toBe("a [redacted] b");
        expect(redact.text(`${KEY.slice(20)}|${KEY.slice(0, 12)}`)).toBe("[redacted]|[redacted]");
        expect(redact.text(`${KEY}${KEY}`)).toBe("[redacted]");
      });

      it("a text cut short may end with the first 4 to 7 characters of a secret: those go too", () => {
        expect(redact.text(`cut here: ${KEY.slice(0, 5)}`)).toBe("cut here: [redacted]");
        expect(redact.text(`cut here: ${KEY.slice(0, 3)}`)).toBe(`cut here: ${KEY.slice(0, 3)}`);
      });

      it("learns an answer's own secrets with `with`, however deep they sit", () => {
        const answer = nestedDeep(50, { refresh_token: REFRESH });
        expect(redact.with(answer).text(`reason: ${REFRESH}`)).toBe("reason: [redacted]");
        expect(redact.text(`reason: ${REFRESH}`)).toBe(`reason: ${REFRESH}`);
      });
    });

    function nestedDeep(depth: number, leaf: unknown): unknown {
      return depth === 0 ? leaf : { next: nestedDeep(depth - 1, leaf) };
    }

    describe("raw: an error body that echoes the request", () => {
      it("comes back as `error` with the key, the body's secrets and its own tokens scrubbed", async () => {
        const serviceKey = "svc_SERVICE_SECRET_abcdef123";
        const server = await serve((req, res) =>
          json(res, 400, {
            error: {
              message: `bad key ${keyOf(req)} body ${req.body}`,
              slug: "ConnectedAccount_BadRequest",
              status: 400,
            },
            state: { val: { access_token: ACCESS } },
          }),
        );
        const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });
        const { error, response } = await raw.POST("/api/v3.1/connected_accounts", {
          body: {
            auth_config: { id: "ac_1a2b3c4d5e6f" },
            connection: {
              user_id: "user_42",
              state: { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: serviceKey } },
            },
          },
        });
        expect(response.status).toBe(400);
        expect(server.requests[0]!.body).toContain(serviceKey);
        const shown = JSON.stringify(error);
        expect(error?.error?.slug).toBe("ConnectedAccount_BadRequest");
        expect(shown).toContain("[redacted]");
        for (const secret of [KEY, serviceKey, ACCESS]) expect(shown).not.toContain(secret.slice(0, 8));
      });
    });
  },
);

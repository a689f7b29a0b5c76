// The fault suite: real servers on 127.0.0.1 that misbehave. Each test asserts the attempts the
// server saw, the error's class and fields, that no timer outlives the call, and that no planted
// secret leaks. The servers echo the request (headers and body) into their error answers, as a
// careless proxy or backend might, so redaction is exercised on every error path.
import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ComposioAbortError,
  ComposioApiError,
  ComposioConnectionError,
  ComposioTimeoutError,
  InternalServerError,
  ManagedOAuthNotSupportedError,
  RateLimitError,
  type ClientOptions,
  type RequestOptions,
} from "../src/index.js";
import { MAY_HAVE_MADE_ACCOUNT } from "../src/answers.js";
import { echo, echoEnvelope, expectNoSecrets, SECRETS, secretBody } from "./helpers/secrets.js";
import { activeTimers, createdBody, freePort, json, serverPerTest, type Handler } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  const serve = serverPerTest();

  let secretChecks = 0;

  async function call(
    handler: Handler,
    options: Partial<ClientOptions> = {},
    request: RequestOptions = {},
    logLines: string[] = [],
  ) {
    const server = await serve(handler);
    const logger = {
      debug: (m: string) => logLines.push(m),
      info: (m: string) => logLines.push(m),
      warn: (m: string) => logLines.push(m),
      error: (m: string) => logLines.push(m),
    };
    const client = createComposioClient({
      apiKey: SECRETS.apiKey,
      baseUrl: server.url,
      logger,
      logLevel: "debug",
      ...options,
    } as ClientOptions);
    const timersBefore = activeTimers();
    const started = Date.now();
    const outcome = await client.connectedAccounts.create(secretBody, request).then(
      (value) => ({ value, error: undefined as unknown }),
      (error: unknown) => ({ value: undefined, error }),
    );
    expect(activeTimers(), "a timer outlived the call").toBeLessThanOrEqual(timersBefore);
    secretChecks += expectNoSecrets(outcome.error ?? {}, logLines);
    return { ...outcome, attempts: server.requests.length, ms: Date.now() - started, logLines };
  }

  describe("retried by default: the server surely did not act", () => {
    it("429 with Retry-After, then 201: two attempts, the same body twice", async () => {
      const r = await call((req, res, n) =>
        n === 1 ? echoEnvelope(res, 429, req, { "retry-after": "0" }) : json(res, 201, createdBody()),
      );
      expect(r.error).toBeUndefined();
      expect(r.value?.id).toBe("ca_test123");
      expect(r.attempts).toBe(2);
      expect(serve.last.requests[1]!.body).toBe(serve.last.requests[0]!.body);
      expect(r.logLines[0]).toMatch(
        /^composio-connected-accounts: POST \/api\/v3\.1\/connected_accounts → 429 \(attempt 1, \d+ ms, retrying in 0 ms\)$/,
      );
      expect(r.logLines[1]).toMatch(/→ 201 \(attempt 2, \d+ ms\)$/);
    });

    it("429 asking for longer than the 60 s cap: no retry, RateLimitError", async () => {
      const r = await call((req, res) => echoEnvelope(res, 429, req, { "retry-after": "120" }));
      expect(r.error).toBeInstanceOf(RateLimitError);
      expect(r.attempts).toBe(1);
    });

    it("429 (retry-after-ms), then 201", async () => {
      const r = await call((req, res, n) =>
        n === 1 ? echoEnvelope(res, 429, req, { "retry-after-ms": "10" }) : json(res, 201, createdBody()),
      );
      expect(r.value?.id).toBe("ca_test123");
      expect(r.attempts).toBe(2);
    });

    it("429 every time: 1 + maxRetries attempts, then RateLimitError with the envelope's fields", async () => {
      const r = await call((req, res) => echoEnvelope(res, 429, req, { "retry-after": "0" }));
      const error = r.error as RateLimitError;
      expect(error).toBeInstanceOf(RateLimitError);
      expect(r.attempts).toBe(3);
      expect(error.status).toBe(429);
      expect(error.slug).toBe("Http_429");
      expect(error.requestId).toBe("req_429");
      expect(error.message).toContain("[redacted]");
    });

    it("connection refused: retried, then ComposioConnectionError with the socket error as cause", async () => {
      const port = await freePort();
      let attempts = 0;
      const counting: typeof fetch = (input, init) => {
        attempts++;
        return fetch(input, init);
      };
      const client = createComposioClient({
        apiKey: SECRETS.apiKey,
        baseUrl: `http://127.0.0.1:${port}`,
        fetch: counting,
        logger: null,
      });
      const timersBefore = activeTimers();
      const error = await client.connectedAccounts
        .create(secretBody, { maxRetries: 1 })
        .catch((e: unknown) => e);
      expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
      expect(error).toBeInstanceOf(ComposioConnectionError);
      expect(error).not.toBeInstanceOf(ComposioTimeoutError);
      expect((error as Error).message).toContain("ECONNREFUSED");
      expect(attempts).toBe(2);
      secretChecks += expectNoSecrets(error);
    });
  });

  describe("not retried by default: the server may have acted (a retry could create a second account)", () => {
    for (const status of [500, 502, 503, 504]) {
      it(`${status}: one attempt; with retryUnsafe, retried`, async () => {
        const once = await call((req, res) => echoEnvelope(res, status, req));
        expect(once.error).toBeInstanceOf(InternalServerError);
        expect((once.error as ComposioApiError).status).toBe(status);
        expect(once.attempts).toBe(1);
        await serve.last.close();
        const optedIn = await call(
          (req, res, n) => (n === 1 ? echoEnvelope(res, status, req) : json(res, 201, createdBody())),
          {},
          { retryUnsafe: true },
        );
        expect(optedIn.value?.id).toBe("ca_test123");
        expect(optedIn.attempts).toBe(2);
      });
    }

    it("connection reset mid-body: one attempt, ComposioConnectionError", async () => {
      const r = await call((_req, res) => {
        res.writeHead(201, { "content-type": "application/json", "content-length": "500" });
        res.write('{"id":"ca_');
        setTimeout(() => res.socket?.destroy(), 10);
      });
      expect(r.error).toBeInstanceOf(ComposioConnectionError);
      expect(r.attempts).toBe(1);
    });

    it("connection reset before any answer: one attempt; retried only when opted in", async () => {
      const r = await call((_req, res) => res.socket?.destroy());
      expect(r.error).toBeInstanceOf(ComposioConnectionError);
      expect(r.attempts).toBe(1);
      await serve.last.close();
      const optedIn = await call(
        (_req, res) => res.socket?.destroy(),
        {},
        { retryUnsafe: true, maxRetries: 2 },
      );
      expect(optedIn.error).toBeInstanceOf(ComposioConnectionError);
      expect(optedIn.attempts).toBe(3);
    });

    it("a server that never answers: ComposioTimeoutError after timeoutMs, one attempt", async () => {
      const r = await call(() => {}, { timeoutMs: 150 });
      expect(r.error).toBeInstanceOf(ComposioTimeoutError);
      expect(r.error).toBeInstanceOf(ComposioConnectionError);
      expect((r.error as Error).message).toMatch(
        /^createConnectedAccount \(POST \/api\/v3[.\d]*\/connected_accounts\): no answer within timeoutMs \(150 ms\)\. The server may have made the connected account/,
      );
      expect(r.attempts).toBe(1);
      expect(r.ms).toBeGreaterThanOrEqual(140);
      expect(r.ms).toBeLessThan(2000);
    });
  });

  describe("deadlines and cancellation", () => {
    it("totalTimeoutMs bounds the whole call, waits included", async () => {
      const r = await call(
        (req, res) => echoEnvelope(res, 429, req, { "retry-after-ms": "300" }),
        { maxRetries: 10 },
        { totalTimeoutMs: 500 },
      );
      expect(r.error).toBeInstanceOf(RateLimitError);
      expect(r.attempts).toBe(2);
      expect(r.ms).toBeLessThan(1500);
    });

    it("totalTimeoutMs cuts an attempt short and is not retried", async () => {
      const r = await call(() => {}, {}, { totalTimeoutMs: 200, retryUnsafe: true });
      expect(r.error).toBeInstanceOf(ComposioTimeoutError);
      expect((r.error as Error).message).toMatch(
        /\): no answer within totalTimeoutMs \(200 ms\), after 1 attempt\(s\)\./,
      );
      expect(r.attempts).toBe(1);
    });

    it("abort during the request: ComposioAbortError at once, never retried", async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user left")), 50);
      const r = await call(() => {}, {}, { signal: controller.signal, retryUnsafe: true });
      expect(r.error).toBeInstanceOf(ComposioAbortError);
      expect(r.attempts).toBe(1);
      expect(r.ms).toBeLessThan(1000);
    });

    it("abort during the wait before a retry: ComposioAbortError at once", async () => {
      const controller = new AbortController();
      const r = await call(
        (req, res) => {
          echoEnvelope(res, 429, req, { "retry-after": "30" });
          setTimeout(() => controller.abort(), 50);
        },
        {},
        { signal: controller.signal },
      );
      expect(r.error).toBeInstanceOf(ComposioAbortError);
      expect((r.error as Error).message).toMatch(
        /^createConnectedAccount \(POST \/api\/v3[.\d]*\/connected_accounts\): aborted while waiting to retry\.$/,
      );
      expect(r.attempts).toBe(1);
      expect(r.ms).toBeLessThan(1000);
    });

    it("an already aborted signal sends nothing", async () => {
      const r = await call((_req, res) => json(res, 201, createdBody()), {}, { signal: AbortSignal.abort() });
      expect(r.error).toBeInstanceOf(ComposioAbortError);
      expect(r.attempts).toBe(0);
    });
  });

  describe("bodies that are not the envelope", () => {
    it("malformed JSON: the status and a short excerpt", async () => {
      const r = await call((req, res) => {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(`{"error": {"message": "cut short ${echo(req)}`);
      });
      expect(r.error).toBeInstanceOf(BadRequestError);
      expect((r.error as Error).message).toMatch(/^400 \{"error": \{"message": "cut short /);
      expect((r.error as Error).message.length).toBeLessThan(260);
    });

    it("empty body", async () => {
      const r = await call((_req, res) => {
        res.writeHead(500);
        res.end();
      });
      // `call` creates: a 500 does not prove the account was not made.
      expect((r.error as Error).message).toMatch(
        /^500 \(empty body\)\. The server may have made the connected account/,
      );
      expect((r.error as ComposioApiError).body).toBe("");
    });

    it("HTML from a proxy, with the request echoed in it", async () => {
      const r = await call((req, res) => {
        res.writeHead(502, { "content-type": "text/html", "x-request-id": "req_proxy" });
        res.end(`<html><body><h1>502 Bad Gateway</h1><pre>${echo(req)}</pre></body></html>`);
      });
      const error = r.error as InternalServerError;
      expect(error.message).toMatch(/^502 <html><body><h1>502 Bad Gateway<\/h1><pre>/);
      expect(error.requestId).toBe("req_proxy");
    });

    it("a very large body: read no further than 64 KiB; the message quotes 200 characters, the body 2,048", async () => {
      const r = await call((req, res) => {
        res.writeHead(500, { "content-type": "text/html" });
        res.end(`<html>${echo(req)}${"x".repeat(8 * 1024 * 1024)}</html>`);
      });
      const error = r.error as InternalServerError;
      expect(error.message).toMatch(/… \(over \d{5} chars\)\. The server may have made/);
      expect(error.message.length).toBeLessThan(260 + MAY_HAVE_MADE_ACCOUNT.length);
      // 64 KiB read; the body keeps an excerpt of it (2,048 characters) and says how long it was
      expect(error.body as string).toMatch(/^<html>POST [^]{1000,2048}… \(65536 chars\)$/);
    });

    it("a 201 that is not JSON is an error, not a crash", async () => {
      const r = await call((_req, res) => {
        res.writeHead(201, { "content-type": "text/plain" });
        res.end("created, probably");
      });
      expect(r.error).toBeInstanceOf(ComposioApiError);
      expect((r.error as ComposioApiError).status).toBe(201);
      expect(r.attempts).toBe(1);
    });

    it("a 201 with unknown enum values and fields is returned as is", async () => {
      const future = createdBody({
        connectionData: { authScheme: "PASSKEY_AUTH", val: { status: "AWAITING_HUMAN", fresh: 1 } },
        status: "AWAITING_HUMAN",
        novel: { nested: true },
      });
      const r = await call((_req, res) => json(res, 201, future));
      expect(r.value).toEqual(future);
    });

    it("the retired managed-OAuth 400 is its own class, a BadRequestError", async () => {
      const r = await call((_req, res) =>
        json(res, 400, {
          error: {
            message:
              "Creating connections on this endpoint for Composio-managed OAuth auth configs is no longer supported. Use POST /api/v3.1/connected_accounts/link instead.",
            code: 600,
            slug: "ConnectedAccount_BadRequest",
            status: 400,
          },
        }),
      );
      const error = r.error as ManagedOAuthNotSupportedError;
      expect(error).toBeInstanceOf(ManagedOAuthNotSupportedError);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.linkEndpoint).toBe("POST /api/v3.1/connected_accounts/link");
      expect(error.useInstead).toBe("connectedAccounts.link");
      expect(error.message).toBe(
        "400 ConnectedAccount_BadRequest: Creating connections on this endpoint for Composio-managed OAuth auth configs is no longer supported. Use POST /api/v3.1/connected_accounts/link instead. Use connectedAccounts.link.",
      );
    });

    it("an ordinary 400 is not mistaken for it", async () => {
      const r = await call((_req, res) =>
        json(res, 400, {
          error: {
            message: "auth_config.id is malformed",
            code: 600,
            slug: "ConnectedAccount_BadRequest",
            status: 400,
          },
        }),
      );
      expect(r.error).toBeInstanceOf(BadRequestError);
      expect(r.error).not.toBeInstanceOf(ManagedOAuthNotSupportedError);
    });
  });

  describe("secrets in error views", () => {
    it("toJSON gives the fields, with the echoed secrets redacted", async () => {
      const r = await call((req, res) => echoEnvelope(res, 422, req));
      const json = JSON.parse(JSON.stringify(r.error));
      expect(json).toMatchObject({
        name: "UnprocessableEntityError",
        status: 422,
        slug: "Http_422",
        requestId: "req_422",
      });
      expect(json.body.error.errors[1]).toBe("[redacted]");
    });

    it(`were checked in message, stack, toJSON, inspect, String() and every log line`, () => {
      // Runs last in this file: every call above counted its checks.
      expect(secretChecks).toBeGreaterThan(500);
      console.log(`secret-leak checks passed: ${secretChecks}`);
    });
  });
});

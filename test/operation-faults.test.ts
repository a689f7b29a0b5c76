// The fault suite over the lifecycle operations: retrieve, list, update (whose body carries
// credentials), link (whose connection_data may) and revoke, against servers on 127.0.0.1 that echo
// the request (headers and body) into their error answers. Every error path (an error envelope, a
// 5xx, a body that is not JSON, a body cut short, a timeout) is checked for the planted secrets of
// helpers/secrets.ts in every view of the error and in every debug log line.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ComposioApiError,
  ComposioConnectionError,
  ComposioTimeoutError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  UnprocessableEntityError,
  type ClientOptions,
  type ConnectedAccounts,
  type CreateConnectedAccountLinkParams,
  type RequestOptions,
  type UpdateConnectedAccountParams,
} from "../src/index.js";
import {
  credentialHeadersBySpec,
  ID,
  operationNamed,
  recordingLogger,
  settle,
} from "./helpers/operations.js";
import { echo, echoEnvelope, expectNoSecrets, SECRETS } from "./helpers/secrets.js";
import { activeTimers, serverPerTest, type Handler, type SeenRequest } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  /**
   * An update that rotates credentials: every planted secret but the unlisted one, which update's val
   * (closed by the spec) cannot carry: the client refuses it before sending (test/body-fields.test.ts).
   * Link's connection_data, open, carries it below.
   */
  const updateSecretBody: UpdateConnectedAccountParams = {
    alias: "Work account",
    connection: {
      state: {
        authScheme: "API_KEY",
        val: {
          api_key: SECRETS.accessToken,
          bearer_token: SECRETS.refreshToken,
          generic_secret: SECRETS.proxyPassword,
          generic_api_key: SECRETS.webhookSignature,
        },
      },
    },
  };

  /** A link whose form is pre-filled with credentials (connection_data takes any key). */
  const linkSecretBody: CreateConnectedAccountLinkParams = {
    auth_config_id: "ac_9z8y7x6w5v4u",
    user_id: "user_42",
    connection_data: {
      subdomain: "acme",
      api_key: SECRETS.accessToken,
      client_secret: SECRETS.unlistedSecret,
    },
  };

  interface FaultOperation {
    name: string;
    /** The 4xx its error envelope comes with, and the class that status gives. */
    clientError: { status: number; Class: typeof ComposioApiError };
    send(accounts: ConnectedAccounts, options: RequestOptions): Promise<unknown>;
  }

  const OPERATIONS: FaultOperation[] = [
    {
      name: "retrieve",
      clientError: { status: 404, Class: NotFoundError },
      send: (a, o) => a.retrieve(ID, o),
    },
    {
      name: "list",
      clientError: { status: 400, Class: BadRequestError },
      send: (a, o) => a.list({ statuses: ["ACTIVE", "FAILED"], user_ids: ["user_42"] }, o).then((p) => p),
    },
    {
      name: "update",
      clientError: { status: 409, Class: ConflictError },
      send: (a, o) => a.update(ID, updateSecretBody, o),
    },
    {
      name: "link",
      clientError: { status: 422, Class: UnprocessableEntityError },
      send: (a, o) => a.link(linkSecretBody, o),
    },
    {
      name: "revoke",
      clientError: { status: 409, Class: ConflictError },
      send: (a, o) => a.revoke(ID, o),
    },
  ];

  /** No wait before a retry, and the key echoed in a header too. */
  const ECHO_HEADERS = (req: SeenRequest) => ({
    "retry-after-ms": "0",
    "x-echo": String(req.headers["x-api-key"] ?? req.headers["x-user-api-key"]),
  });
  const raw = (res: ServerResponse, status: number, type: string, text: string) => {
    res.writeHead(status, { "content-type": type, "retry-after-ms": "0" });
    res.end(text);
  };

  const serve = serverPerTest();

  let secretChecks = 0;

  async function call(
    op: FaultOperation,
    handler: Handler,
    request: RequestOptions = {},
    credential: Pick<ClientOptions, "apiKey" | "userApiKey"> = { apiKey: SECRETS.apiKey },
  ) {
    const server = await serve(handler);
    const { lines, logger } = recordingLogger();
    const accounts = createComposioClient({
      ...credential,
      baseUrl: server.url,
      logger,
      logLevel: "debug",
    } as ClientOptions).connectedAccounts;
    const timersBefore = activeTimers();
    const outcome = await settle(op.send(accounts, request));
    expect(activeTimers(), "a timer outlived the call").toBeLessThanOrEqual(timersBefore);
    expect(outcome.error, "the call failed").toBeDefined();
    expect(lines.length, "a debug line per attempt").toBe(server.requests.length);
    // The server had secrets to echo: the key always, every planted one in update's body but the
    // unlisted one, and that one in link's.
    const sent = server.requests.map((r) => `${JSON.stringify(r.headers)} ${r.body}`).join("\n");
    const planted = Object.values(SECRETS).filter((secret) => sent.includes(secret));
    expect(planted).toContain(SECRETS.apiKey);
    if (op.name === "update")
      expect(planted).toEqual(Object.values(SECRETS).filter((secret) => secret !== SECRETS.unlistedSecret));
    if (op.name === "link") expect(planted).toContain(SECRETS.unlistedSecret);
    secretChecks += expectNoSecrets(outcome.error, lines);
    return { error: outcome.error, attempts: server.requests.length, lines };
  }

  describe.each(OPERATIONS)("$name: no secret in any error or log line", (op) => {
    // Whether it is retried after the server may have acted: the spec's x-sdk-idempotent (or a GET).
    const { idempotent } = operationNamed(op.name);
    const attemptsAfter5xx = idempotent ? 3 : 1;

    // With each key the operation takes (the others never reach a server).
    const keys = credentialHeadersBySpec().get(op.name)!;
    it.each(
      [{ apiKey: SECRETS.apiKey }, { userApiKey: SECRETS.apiKey }].filter((c) =>
        keys.includes("apiKey" in c ? "x-api-key" : "x-user-api-key"),
      ),
    )("a 4xx error envelope that echoes the request, with %o", async (credential) => {
      const { status, Class } = op.clientError;
      const r = await call(
        op,
        (req, res) => echoEnvelope(res, status, req, ECHO_HEADERS(req)),
        {},
        credential,
      );
      expect(r.error).toBeInstanceOf(Class);
      const error = r.error as ComposioApiError;
      expect(error.slug).toBe(`Http_${status}`);
      expect(error.requestId).toBe(`req_${status}`);
      expect(error.message).toContain("[redacted]");
      expect(error.headers.get("x-echo")).toBe("[redacted]");
      expect(r.attempts).toBe(1);
    });

    it("a 500 error envelope that echoes the request (retried only if idempotent)", async () => {
      const r = await call(op, (req, res) => echoEnvelope(res, 500, req, ECHO_HEADERS(req)));
      expect(r.error).toBeInstanceOf(InternalServerError);
      expect(r.attempts).toBe(attemptsAfter5xx);
      const errors = (r.error as InternalServerError).errors!;
      expect(errors[1]).toBe("[redacted]");
      if (op.name === "update" || op.name === "link") expect(errors[0]).toContain('"[redacted]"');
    });

    it("a 502 HTML page from a proxy that echoes the request", async () => {
      const r = await call(op, (req, res) =>
        raw(
          res,
          502,
          "text/html",
          `<html><body><h1>502 Bad Gateway</h1><pre>${echo(req)}</pre></body></html>`,
        ),
      );
      expect(r.error).toBeInstanceOf(InternalServerError);
      expect((r.error as Error).message).toMatch(/^502 <html><body><h1>502 Bad Gateway<\/h1><pre>/);
      expect(r.attempts).toBe(attemptsAfter5xx);
    });

    it("a 4xx whose body is plain text, not JSON", async () => {
      const r = await call(op, (req, res) => raw(res, 400, "text/plain", `bad request: ${echo(req)}`));
      expect(r.error).toBeInstanceOf(BadRequestError);
      expect((r.error as Error).message).toMatch(/^400 bad request: /);
    });

    it("an error envelope cut short (malformed JSON)", async () => {
      const r = await call(op, (req, res) => {
        const whole = JSON.stringify({ error: { message: `Failed for ${echo(req)}`, status: 422 } });
        raw(res, 422, "application/json", whole.slice(0, whole.length - 7));
      });
      expect(r.error).toBeInstanceOf(UnprocessableEntityError);
      expect((r.error as Error).message).toMatch(/^422 \{"error":\{"message":"Failed for /);
    });

    it("an error body over 64 KiB, cut by the reader, echoing the request before and after the cut", async () => {
      const r = await call(op, (req, res) =>
        raw(res, 400, "text/html", `<pre>${echo(req)}</pre>${"x".repeat(70 * 1024)}<pre>${echo(req)}</pre>`),
      );
      const error = r.error as BadRequestError;
      expect(error.message).toMatch(/… \(over \d{5} chars\)$/);
      expect((error.body as string).length).toBeLessThanOrEqual(64 * 1024);
      expect(error.body as string).toContain("[redacted]");
    });

    it("a success whose JSON is cut short, echoing the request", async () => {
      const r = await call(op, (req, res) => {
        const whole = JSON.stringify({ id: ID, seen: { headers: req.headers, body: req.body } });
        raw(res, 200, "application/json", whole.slice(0, whole.length - 3));
      });
      expect(r.error).toBeInstanceOf(ComposioApiError);
      expect((r.error as ComposioApiError).status).toBe(200);
      expect((r.error as Error).message).toMatch(/^\w+: 200 response is not JSON: /);
      expect(r.attempts).toBe(1);
    });

    it("a connection reset in the middle of an answer that echoes the request", async () => {
      const r = await call(
        op,
        (req, res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
          res.write(`{"echo": ${JSON.stringify(echo(req))}`);
          setImmediate(() => res.socket?.destroy());
        },
        { maxRetries: 1 },
      );
      expect(r.error).toBeInstanceOf(ComposioConnectionError);
      expect(r.attempts).toBe(idempotent ? 2 : 1);
    });

    it("a timeout", async () => {
      const r = await call(op, () => {}, { timeoutMs: 100, maxRetries: 1 });
      expect(r.error).toBeInstanceOf(ComposioTimeoutError);
      expect(r.attempts).toBe(idempotent ? 2 : 1);
      expect(r.lines[0]).toMatch(/→ ComposioTimeoutError \(attempt 1, \d+ ms/);
    });
  });

  describe("secret checks", () => {
    it("were made in message, stack, toJSON, inspect, String() and every log line", () => {
      // Runs last in this file: every call above counted its checks.
      expect(secretChecks).toBeGreaterThan(1500);
      console.log(`operation fault suite, secret-leak checks passed: ${secretChecks}`);
    });
  });
});

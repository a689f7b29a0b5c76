// A create resent after the API may have acted. A gateway answers 503 after it forwarded the
// request (Envoy's "upstream connect error or disconnect/reset before headers", a draining load
// balancer): the API may have made the account, so one link() that retried it made three. Only a
// 429 or a connection that was refused proves nothing happened; everything else is sent once,
// unless the caller opts in. And an abort after sending says, like a timeout, that the account may
// exist and how to find it, with `requestSent`. Servers on 127.0.0.1.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  ComposioAbortError,
  InternalServerError,
  type ConnectedAccounts,
  type RequestOptions,
} from "../src/index.js";
import { operationNamed, settle, type Operation } from "./helpers/operations.js";
import { errorBody, json, serverPerTest, type Handler } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  const serve = serverPerTest();
  const KEY = "ak_test_creates_key";

  const link = operationNamed("link");
  const create = operationNamed("create");
  const completeAuth = operationNamed("completeAuth");
  const retrieve = operationNamed("retrieve");
  const list = operationNamed("list");

  async function run(op: Operation, handler: Handler, request: RequestOptions = {}) {
    const server = await serve(handler);
    const accounts: ConnectedAccounts = createComposioClient({
      apiKey: KEY,
      baseUrl: server.url,
      logger: null,
    }).connectedAccounts;
    const outcome = await settle(op.send(accounts, request));
    return { ...outcome, attempts: server.requests.length };
  }

  /** Envoy's answer when the upstream reset the stream after the request went to it. */
  function envoyReset(res: ServerResponse): void {
    res.writeHead(503, { "content-type": "text/plain", server: "envoy" });
    res.end(
      "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
    );
  }

  /** The first attempt fails with `first`, every later one succeeds. */
  const thenSucceed =
    (op: Operation, first: (res: ServerResponse) => void): Handler =>
    (_req, res, n) =>
      n === 1 ? first(res) : json(res, op.status, op.answer);

  const envelope503 = (res: ServerResponse) =>
    json(res, 503, errorBody(503, "ServiceUnavailable", "try later"), { "retry-after": "0" });

  describe("a 503 may come after the API acted: a create or link is sent once", () => {
    for (const op of [link, create]) {
      it(`${op.name}: a gateway's 503 (Envoy, reset before headers), then 201: the server sees one request`, async () => {
        const r = await run(op, thenSucceed(op, envoyReset));
        expect(r.attempts).toBe(1);
        expect(r.error).toBeInstanceOf(InternalServerError);
        expect((r.error as InternalServerError).status).toBe(503);
      });

      it(`${op.name}: a 503 in the API's envelope with Retry-After proves nothing either: one request`, async () => {
        const r = await run(op, thenSucceed(op, envelope503));
        expect(r.attempts).toBe(1);
        expect((r.error as InternalServerError).status).toBe(503);
      });

      it(`${op.name}: a 503 is retried when the caller opts in with retryUnsafe`, async () => {
        const r = await run(op, thenSucceed(op, envoyReset), { retryUnsafe: true });
        expect(r.error).toBeUndefined();
        expect(r.value).toEqual(op.answer);
        expect(r.attempts).toBe(2);
      });

      it(`${op.name}: a 429 is still retried (a rate limiter refuses before anything is done)`, async () => {
        const r = await run(
          op,
          thenSucceed(op, (res) =>
            json(res, 429, errorBody(429, "TooManyRequests", "slow"), { "retry-after": "0" }),
          ),
        );
        expect(r.value).toEqual(op.answer);
        expect(r.attempts).toBe(2);
      });
    }

    for (const op of [retrieve, list]) {
      it(`${op.name}: a read is still retried after a gateway's 503`, async () => {
        const r = await run(op, thenSucceed(op, envoyReset));
        expect(r.error).toBeUndefined();
        expect(r.value).toEqual(op.answer);
        expect(r.attempts).toBe(2);
      });
    }
  });

  const ACCOUNT_ADVICE =
    /The server may have made the connected account: before making another, look for it with connectedAccounts\.list\(/;
  const ACTED_ADVICE = /The server may have acted on it: check the account before repeating the call\./;

  /** Runs `op` with a signal that aborts once the server has the request (`then` answers it meanwhile, or not). */
  async function abortedAfterSending(
    op: Operation,
    then: (res: ServerResponse, n: number) => void,
    request: RequestOptions = {},
  ) {
    const controller = new AbortController();
    return run(
      op,
      (_req, res, n) => {
        then(res, n);
        setTimeout(() => controller.abort(new Error("user left")), 20);
      },
      { ...request, signal: controller.signal },
    );
  }

  describe("an abort after sending says what may have happened", () => {
    for (const op of [link, create]) {
      it(`${op.name}: aborted while the server holds the request: requestSent, and how to find the account`, async () => {
        const r = await abortedAfterSending(op, () => {});
        const error = r.error as ComposioAbortError;
        expect(error).toBeInstanceOf(ComposioAbortError);
        expect(error.requestSent).toBe(true);
        expect(error.message).toMatch(
          new RegExp(
            `^${op.operationId} \\(${op.method} /api/v3[.\\d]*/connected_accounts[^)]*\\): aborted after the request was sent`,
          ),
        );
        expect(error.message).toMatch(ACCOUNT_ADVICE);
        expect(r.attempts).toBe(1);
      });

      it(`${op.name}: aborted while the 201 is read: the account may exist, and the error says so`, async () => {
        const r = await abortedAfterSending(op, (res) => {
          res.writeHead(201, { "content-type": "application/json", "content-length": "500" });
          res.write('{"id":"ca_');
        });
        const error = r.error as ComposioAbortError;
        expect(error).toBeInstanceOf(ComposioAbortError);
        expect(error.requestSent).toBe(true);
        expect(error.message).toMatch(ACCOUNT_ADVICE);
      });

      it(`${op.name}: aborted before anything was sent: requestSent false, no advice`, async () => {
        const r = await run(op, (_req, res) => json(res, op.status, op.answer), {
          signal: AbortSignal.abort(),
        });
        const error = r.error as ComposioAbortError;
        expect(error).toBeInstanceOf(ComposioAbortError);
        expect(error.requestSent).toBe(false);
        expect(error.message).toMatch(/: aborted before the request was sent\.$/);
        expect(r.attempts).toBe(0);
      });

      it(`${op.name}: aborted while waiting to retry after a 429: nothing happened, requestSent false`, async () => {
        const r = await abortedAfterSending(op, (res) =>
          json(res, 429, errorBody(429, "TooManyRequests", "slow"), { "retry-after": "30" }),
        );
        const error = r.error as ComposioAbortError;
        expect(error).toBeInstanceOf(ComposioAbortError);
        expect(error.requestSent).toBe(false);
        expect(error.message).toMatch(/: aborted while waiting to retry\.$/);
        expect(error.message).not.toMatch(ACCOUNT_ADVICE);
        expect(r.attempts).toBe(1);
      });

      it(`${op.name}: aborted while waiting to retry a 500 (retryUnsafe): the first attempt may have made it`, async () => {
        const r = await abortedAfterSending(
          op,
          (res) => json(res, 500, errorBody(500, "Internal", "oops"), { "retry-after": "30" }),
          { retryUnsafe: true },
        );
        const error = r.error as ComposioAbortError;
        expect(error).toBeInstanceOf(ComposioAbortError);
        expect(error.requestSent).toBe(true);
        expect(error.message).toMatch(/: aborted while waiting to retry\. The server may have made/);
        expect(error.message).toMatch(ACCOUNT_ADVICE);
      });
    }

    it("completeAuth (not safe to repeat, makes no account): requestSent, and check before repeating", async () => {
      const r = await abortedAfterSending(completeAuth, () => {});
      const error = r.error as ComposioAbortError;
      expect(error.requestSent).toBe(true);
      expect(error.message).toMatch(ACTED_ADVICE);
    });

    it("retrieve (a read): requestSent, but no advice: repeating it harms nothing", async () => {
      const r = await abortedAfterSending(retrieve, () => {});
      const error = r.error as ComposioAbortError;
      expect(error).toBeInstanceOf(ComposioAbortError);
      expect(error.requestSent).toBe(true);
      expect(error.message).toMatch(/: aborted after the request was sent\.$/);
    });
  });
});

// Which failures each operation retries, as the spec decides: reads (GET) and the writes it marks
// `x-sdk-idempotent` are retried after 408/500/502/503/504, a timeout or a reset after sending, by
// default; the others only where the server surely did nothing (429, a refused connection: a 503
// may come from a gateway after the API acted),
// unless the caller opts in with `retryUnsafe: true`, which `retryUnsafe: false` undoes for the
// idempotent ones. A 409 is never retried. Each case counts the attempts the server saw.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  ComposioApiError,
  ComposioConnectionError,
  ComposioTimeoutError,
  ConflictError,
  InternalServerError,
  type RequestOptions,
} from "../src/index.js";
import { ROUTES } from "../generated/meta.js";
import { loadSpec } from "../scripts/lib/spec.js";
import { OPERATIONS, recordingLogger, settle, type Operation } from "./helpers/operations.js";
import { freePort, json, startServer, type SeenRequest } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient }) => {
  const KEY = "ak_test_retries_key";

  /** The first attempt fails this way; every later one succeeds. */
  type Failure = { kind: "status"; status: number } | { kind: "timeout" } | { kind: "reset" };

  const UNSAFE: Failure[] = [
    { kind: "status", status: 500 },
    { kind: "status", status: 502 },
    { kind: "status", status: 503 },
    { kind: "status", status: 504 },
    { kind: "status", status: 408 },
    { kind: "timeout" },
    { kind: "reset" },
  ];
  const REFUSED: Failure[] = [{ kind: "status", status: 429 }];
  const describeFailure = (f: Failure) => (f.kind === "status" ? String(f.status) : f.kind);

  function fail(failure: Failure, req: SeenRequest, res: ServerResponse): void {
    if (failure.kind === "timeout") return; // never answers
    if (failure.kind === "reset") return void res.socket?.destroy();
    // retry-after-ms: 0 makes the wait short; whether to retry at all is the client's decision.
    json(
      res,
      failure.status,
      {
        error: {
          message: `failed ${req.method}`,
          status: failure.status,
          slug: "Failed",
          request_id: "req_1",
        },
      },
      { "retry-after-ms": "0" },
    );
  }

  /** Runs `op` against a server whose first `failures` attempts fail as given; counts the attempts. */
  async function run(
    op: Operation,
    failure: Failure,
    request: RequestOptions = {},
    { failures = 1 }: { failures?: number } = {},
  ) {
    const server = await startServer((req, res, n) =>
      n <= failures ? fail(failure, req, res) : json(res, op.status, op.answer),
    );
    const { lines, logger } = recordingLogger();
    try {
      const accounts = createComposioClient({
        apiKey: KEY,
        baseUrl: server.url,
        timeoutMs: 1000, // long enough for a loaded machine: a success never hits it
        logger,
        logLevel: "debug",
      }).connectedAccounts;
      const outcome = await settle(op.send(accounts, request));
      return { ...outcome, requests: [...server.requests], attempts: server.requests.length, lines };
    } finally {
      await server.close();
    }
  }

  /** The error the first failure gives when it is not retried. */
  function expectFailureError(error: unknown, failure: Failure) {
    if (failure.kind === "timeout") expect(error).toBeInstanceOf(ComposioTimeoutError);
    else if (failure.kind === "reset") {
      expect(error).toBeInstanceOf(ComposioConnectionError);
      expect(error).not.toBeInstanceOf(ComposioTimeoutError);
    } else {
      expect(error).toBeInstanceOf(failure.status >= 500 ? InternalServerError : ComposioApiError);
      expect((error as ComposioApiError).status).toBe(failure.status);
    }
  }

  const idempotent = OPERATIONS.filter((op) => op.idempotent);
  const notIdempotent = OPERATIONS.filter((op) => !op.idempotent);

  describe("the spec decides which operations are idempotent", () => {
    // The tables here take `idempotent` from the spec as the generator reads it (helpers/operations.ts);
    // this reads the spec on its own and checks the generated client and the tables agree with it.
    it("a GET, or a write marked x-sdk-idempotent: so say the generated ROUTES and the tables", () => {
      const spec = loadSpec("spec/openapi.yaml");
      const fromSpec: Record<string, boolean> = {};
      for (const item of Object.values(spec.doc.paths as Record<string, Record<string, unknown>>)) {
        for (const [method, operation] of Object.entries(item)) {
          const op = operation as { operationId: string; "x-sdk"?: unknown; "x-sdk-idempotent"?: boolean };
          if (op["x-sdk"]) fromSpec[op.operationId] = method === "get" || op["x-sdk-idempotent"] === true;
        }
      }
      expect(Object.fromEntries(Object.values(ROUTES).map((r) => [r.operation, r.idempotent]))).toEqual(
        fromSpec,
      );
      for (const op of OPERATIONS) expect(op.idempotent, op.operationId).toBe(fromSpec[op.operationId]);
      // Both kinds exist, so neither block below runs empty.
      expect(idempotent.length).toBeGreaterThan(0);
      expect(notIdempotent.length).toBeGreaterThan(0);
    });
  });

  describe.concurrent("idempotent operations: retried after a failure the server may have acted on", () => {
    for (const op of idempotent) {
      for (const failure of UNSAFE) {
        it(`${op.name}: ${describeFailure(failure)} is retried by default, the same request sent again`, async () => {
          const r = await run(op, failure);
          expect(r.error).toBeUndefined();
          expect(r.value).toEqual(op.answer);
          expect(r.attempts).toBe(2);
          const [first, second] = r.requests;
          expect(second!.method).toBe(first!.method);
          expect(second!.url).toBe(first!.url);
          expect(second!.body).toBe(first!.body);
          expect(second!.headers["x-api-key"]).toBe(KEY);
          expect(r.lines[0]).toMatch(/\(attempt 1, \d+ ms, retrying in \d+ ms\)$/);
        });

        it(`${op.name}: ${describeFailure(failure)} is not retried with retryUnsafe: false`, async () => {
          const r = await run(op, failure, { retryUnsafe: false });
          expect(r.attempts).toBe(1);
          expectFailureError(r.error, failure);
        });
      }

      it(`${op.name}: 502 every time: 1 + maxRetries attempts, then InternalServerError`, async () => {
        const r = await run(op, { kind: "status", status: 502 }, {}, { failures: Infinity });
        expect(r.attempts).toBe(3);
        expect(r.error).toBeInstanceOf(InternalServerError);
        const r1 = await run(op, { kind: "status", status: 502 }, { maxRetries: 0 }, { failures: Infinity });
        expect(r1.attempts).toBe(1);
      });
    }
  });

  describe.concurrent("operations that are not idempotent: only where the server surely did nothing", () => {
    for (const op of notIdempotent) {
      for (const failure of UNSAFE) {
        it(`${op.name}: ${describeFailure(failure)} is not retried by default`, async () => {
          const r = await run(op, failure);
          expect(r.attempts).toBe(1);
          expectFailureError(r.error, failure);
          expect(r.lines).toHaveLength(1);
          expect(r.lines[0]).not.toContain("retrying");
        });

        it(`${op.name}: ${describeFailure(failure)} is retried with retryUnsafe: true`, async () => {
          const r = await run(op, failure, { retryUnsafe: true });
          expect(r.error).toBeUndefined();
          expect(r.value).toEqual(op.answer);
          expect(r.attempts).toBe(2);
          expect(r.requests[1]!.body).toBe(r.requests[0]!.body);
        });
      }
    }
  });

  describe.concurrent("every operation", () => {
    for (const op of OPERATIONS) {
      for (const failure of REFUSED) {
        it(`${op.name}: ${describeFailure(failure)} is retried, even with retryUnsafe: false`, async () => {
          const r = await run(op, failure, { retryUnsafe: false });
          expect(r.value).toEqual(op.answer);
          expect(r.attempts).toBe(2);
        });
      }

      it(`${op.name}: a refused connection is retried (nothing was sent), then ComposioConnectionError`, async () => {
        const port = await freePort();
        let attempts = 0;
        const counting: typeof fetch = (input, init) => {
          attempts++;
          return fetch(input, init);
        };
        const accounts = createComposioClient({
          apiKey: KEY,
          baseUrl: `http://127.0.0.1:${port}`,
          fetch: counting,
          logger: null,
        }).connectedAccounts;
        const { error } = await settle(op.send(accounts, { maxRetries: 1, retryUnsafe: false }));
        expect(error).toBeInstanceOf(ComposioConnectionError);
        expect((error as Error).message).toContain("ECONNREFUSED");
        expect(attempts).toBe(2);
      });

      it(`${op.name}: a 409 is never retried, not even with retryUnsafe: true`, async () => {
        for (const request of [{}, { retryUnsafe: true, maxRetries: 5 }]) {
          const r = await run(op, { kind: "status", status: 409 }, request, { failures: Infinity });
          expect(r.attempts).toBe(1);
          expect(r.error).toBeInstanceOf(ConflictError);
          expect((r.error as ConflictError).requestId).toBe("req_1");
        }
      });
    }
  });
});

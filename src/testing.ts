// composio-connected-accounts/testing: a stateful fake Composio for the tests of apps that use this
// package. It keeps accounts as the API does (link, create, complete, fail, the ten-minute expiry
// on a clock the test moves, list with every filter and page, manage, revoke, delete), answers in
// Composio's envelope, and fails on demand. It runs in process (`fake.fetch`, no Node built-in:
// edge runtimes too) or on 127.0.0.1 (`fake.listen()`, for browsers and other languages). Nothing
// else in the package imports this entry point, so an app that does not use it bundles none of it.
import type { operations } from "../generated/schema.js";
import { ComposioError } from "./errors.js";
import { FAKE_ORIGIN, FakeStore, randomId, type FakeAuthConfig } from "./testing/accounts.js";
import { MAX_DATE_MS, VirtualClock, type FakeClock } from "./testing/clock.js";
import { FakeFrontDoor, fakeFailure, type FakeFault, type FakeRequest } from "./testing/http.js";
import { serve, type FakeServer } from "./testing/server.js";

// The spec's types that the fake's own refer to (auth schemes, operationIds), as /raw exports them.
export type { components, operations } from "../generated/schema.js";
export type { Clock, UnknownValue } from "./types.js";
export type { FakeAuthConfig, FakeAuthScheme } from "./testing/accounts.js";
export type { FakeClock } from "./testing/clock.js";
export type { FakeFault, FakeRequest } from "./testing/http.js";
export type { FakeServer } from "./testing/server.js";

/** Options of `createFakeComposio`. */
export interface FakeComposioOptions {
  /** The auth configs the fake knows; link and create answer 404 for any other id. */
  authConfigs: readonly FakeAuthConfig[];
  /**
   * Where the fake's clock starts. It moves only when `advance(ms)` moves it, or when `clock`
   * jumps to what a client waits on: timestamps (`created_at`, `expires_at` …) and the ten-minute
   * expiry follow it, not the wall clock.
   * @default the current time
   */
  now?: Date | number | string;
}

/**
 * Where the fake's pages live while it does not listen: a name under `.invalid`, which RFC 6761
 * reserves never to resolve. A browser sent there stops at once, reaching no one (`.test` may be
 * set up locally, as Laravel Valet does); `fake.fetch` serves it as any other origin.
 */

/** A fake Composio: the connected-accounts API in memory, and the hands of the user and the clock. */
export interface FakeComposio {
  /** A project API key made for this fake (`ak_…`), sent as `x-api-key`; any other key gets the API's 401. */
  readonly apiKey: string;
  /** A user API key (`uak_…`), sent as `x-user-api-key`: list, retrieve, delete and link take it; the others answer 401, as the API does. */
  readonly userApiKey: string;
  /**
   * The API in process: pass it as the client's `fetch` (no port, no Node built-in). Any origin
   * reaches it; it never follows a redirect (a hosted page answers its 302 as it is).
   */
  readonly fetch: typeof fetch;
  /**
   * Where every URL the fake hands out points (`redirect_url`, session URIs): the listening
   * address while it listens, else `https://fake-composio.invalid`, which `fetch` serves and no
   * browser reaches. Either may be the client's `baseUrl`.
   */
  readonly baseUrl: string;
  /**
   * The fake's clock for a client's `clock` option: the client's backoff, `Retry-After`, timeouts
   * and waitForConnection's polls then wait on it, and take no real time. When nothing is on its
   * way — no request in the fake's hands, no attempt of a client on it that the fake has not left
   * unanswered — it jumps to the next thing waiting on it, moving the fake's time (and the
   * ten-minute expiry) as `advance(ms)` does; a `"hang"` ends at the client's timeout. A client on
   * it may send through `fetch` or to `listen()`'s address. A test that waits on real work it
   * cannot see (a browser) while something sleeps on it calls `pause()` first.
   */
  readonly clock: FakeClock;
  /**
   * Serves the same API on 127.0.0.1 (`port` 0, the default, picks a free one). While it listens,
   * every `redirect_url` is a page on it, which a browser can open. It answers browsers' CORS
   * preflights, from any origin. `close()` stops it and ends every open connection.
   */
  listen(options?: { port?: number }): Promise<FakeServer>;
  /** The user finished on the hosted page: the INITIATED account turns ACTIVE, with credentials made up for its scheme. */
  complete(id: string): void;
  /** The connection fails: the account turns FAILED with `status_reason` `reason` (INITIATED or ACTIVE accounts). @default reason "OAuth callback failed during token exchange" */
  fail(id: string, reason?: string): void;
  /** Moves the fake's clock (`clock` too, waking what sleeps on it): an account INITIATED for ten minutes turns FAILED ("Connection initiation did not complete within 10 minutes"). */
  advance(ms: number): void;
  /** The fake's clock. */
  now(): Date;
  /**
   * The session URI of a deferred OAuth connection (an INITIATED account): what Composio hands
   * your app when the flow waits for you to verify the user; `completeAuth({ user_id, session_uri })`
   * then completes it.
   */
  sessionUri(id: string): string;
  /**
   * The next request of `operation` (an operationId, e.g. `"createConnectedAccount"`) gets this
   * fault instead of its answer, and the fake does not act on it. Faults queue: two calls fail the
   * next two requests. An unknown operation throws.
   */
  failNext(operation: keyof operations, fault: FakeFault): void;
  /** Every request received so far, in order (hosted pages included, browsers' CORS preflights not), with keys and secrets redacted. */
  readonly requests: readonly FakeRequest[];
}

/**
 * Creates a fake Composio for tests: the connected-accounts API, stateful, in memory.
 *
 * @example
 * ```ts
 * import { createComposioClient } from "composio-connected-accounts";
 * import { createFakeComposio } from "composio-connected-accounts/testing";
 *
 * const fake = createFakeComposio({
 *   authConfigs: [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2", managed: true }],
 * });
 * const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch });
 * const link = await composio.connectedAccounts.link({ auth_config_id: "ac_github", user_id: "u1" });
 * fake.complete(link.connected_account_id); // the user finished on the hosted page
 * const account = await composio.connectedAccounts.waitForConnection(link.connected_account_id);
 * ```
 */
export function createFakeComposio(options: FakeComposioOptions): FakeComposio {
  if (typeof options !== "object" || options === null || !Array.isArray(options.authConfigs))
    throw new ComposioError(
      'createFakeComposio: pass { authConfigs: [...] }, e.g. [{ id: "ac_github", toolkit: "github", authScheme: "OAUTH2", managed: true }].',
    );
  const start = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  if (Number.isNaN(start))
    throw new ComposioError(`createFakeComposio: \`now\` is not a date (got ${String(options.now)}).`);
  let server: FakeServer | undefined;
  const baseUrl = () => server?.baseUrl ?? FAKE_ORIGIN;
  const store = new FakeStore(options.authConfigs, start, baseUrl);
  const clock = new VirtualClock(store);
  const keys = { apiKey: randomId("ak_", 20), userApiKey: randomId("uak_", 20) };
  const door = new FakeFrontDoor(store, keys);

  const account = (where: string, id: string) => {
    const found = store.live(id);
    if (!found) throw new ComposioError(`fake.${where}(${JSON.stringify(id)}): no such connected account.`);
    return found;
  };
  const initiated = (where: string, id: string) => {
    const found = account(where, id);
    if (found.status !== "INITIATED")
      throw new ComposioError(
        `fake.${where}(${JSON.stringify(id)}): the account is ${found.status}; only an INITIATED one waits for the user.`,
      );
    return found;
  };

  return {
    ...keys,
    get baseUrl() {
      return baseUrl();
    },
    clock,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      // The caller's own signal, not the Request's: a Request's derived signal can be collected
      // while the call waits, and then its abort never arrives (a hung call would never end).
      const signal = init?.signal ?? (input instanceof Request ? input.signal : request.signal);
      signal.throwIfAborted();
      const url = new URL(request.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw unknownScheme(url.protocol);
      // Time stands still from here to the answer (a body may take real time to arrive).
      const release = clock.hold();
      let outcome;
      try {
        const text = await request.text();
        // A failure of the fake's own is its 500, naming it: thrown, it would read as the network's.
        outcome = await door
          .handle({ method: request.method, url, headers: request.headers, text })
          .catch(fakeFailure);
      } finally {
        release();
      }
      // Left unanswered, a client's attempt holds the clock no more: its timeout may come. A
      // caller that gave no signal (a test's own fake.fetch) is no attempt, and counts for none.
      if (outcome === "hang")
        return hang(signal, init?.signal || input instanceof Request ? clock.hang() : () => {});
      if (outcome === "reset") throw connectionReset();
      return outcome;
    },
    async listen({ port = 0 } = {}) {
      if (server)
        throw new ComposioError(`fake.listen: already listening at ${server.baseUrl}; close() it first.`);
      const listening = await serve(door, port, clock);
      server = listening;
      return {
        baseUrl: listening.baseUrl,
        close: async () => {
          if (server === listening) server = undefined;
          await listening.close();
        },
      };
    },
    complete(id) {
      store.connect(initiated("complete", id));
    },
    fail(id, reason = "OAuth callback failed during token exchange") {
      const found = account("fail", id);
      if (found.status !== "INITIATED" && found.status !== "ACTIVE" && found.status !== "INACTIVE")
        throw new ComposioError(
          `fake.fail(${JSON.stringify(id)}): the account is ${found.status} already, which is final.`,
        );
      store.fail(found, reason);
    },
    advance(ms) {
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
        throw new ComposioError(`fake.advance: \`ms\` must be a number ≥ 0 (got ${String(ms)}).`);
      // Past it no date of the fake could be written: every later answer would fail.
      if (store.now + ms > MAX_DATE_MS)
        throw new ComposioError(
          `fake.advance: ${ms} ms from ${new Date(store.now).toISOString()} is past the last date a Date holds (${new Date(MAX_DATE_MS).toISOString()}).`,
        );
      store.advance(ms);
      clock.wake();
    },
    now: () => new Date(store.now),
    sessionUri(id) {
      const found = initiated("sessionUri", id);
      found.session ??= randomId("", 16);
      return store.sessionUrl(found)!;
    },
    failNext: (operation, fault) => door.failNext(operation, fault),
    requests: door.requests,
  };
}

/**
 * No answer, ever: the caller's signal (its timeout) ends the request, as on a silent network.
 * `ended` tells the clock, which lets time move to that timeout meanwhile.
 */
function hang(signal: AbortSignal, ended: () => void): Promise<never> {
  return new Promise((_, reject) => {
    const end = () => {
      ended();
      reject(signal.reason);
    };
    if (signal.aborted) return end();
    signal.addEventListener("abort", end, { once: true });
  });
}

/** What fetch throws for a URL no HTTP server receives (`foo:`, `file:`). */
function unknownScheme(scheme: string): TypeError {
  const cause = new Error(
    `fake.fetch: only http: and https: URLs reach the fake (got ${scheme.slice(0, 20)}).`,
  );
  return new TypeError("fetch failed", { cause });
}

/** What Node's fetch throws when the server cuts the connection after the request was sent. */
function connectionReset(): TypeError {
  const cause = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" });
  return new TypeError("fetch failed", { cause });
}

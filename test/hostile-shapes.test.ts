// Shapes that pass or escape: a value the client branches on (an account's status and owner, a
// page's next cursor and items) is checked for its type first. A status that is an array is no
// status (it resolved a wait), a cursor that is not a string is no cursor (a deep array threw a
// RangeError, an object a TypeError, a large number went back rounded). Each answer comes from a
// node:http server on 127.0.0.1, through the client's method, the standalone function and
// `for await`; every call settles with a value or a ComposioError that names the type, never the
// value.
import { describe, expect, it } from "vitest";
import {
  ComposioError,
  ConnectionNotConfirmedError,
  confirmConnection,
  listConnectedAccounts,
  waitForConnection,
} from "../src/index.js";
import { account } from "./helpers/operations.js";
import { serverPerTest } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient, createComposioTransport }) => {
  const serve = serverPerTest();
  const KEY = "ak_test_shapes_key";
  const ID = "ca_shapes123";

  /** A server that answers every request with `text` as JSON (raw, so that any nesting can be sent). */
  async function answering(text: (url: string, n: number) => string) {
    const server = await serve((req, res, n) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text(req.url, n));
    });
    const options = { apiKey: KEY, baseUrl: server.url, logger: null, maxRetries: 0 };
    return {
      server,
      accounts: createComposioClient(options).connectedAccounts,
      transport: createComposioTransport(options),
    };
  }

  const settle = <T>(promise: Promise<T>) =>
    promise.then(
      (value) => ({ value, error: undefined as unknown }),
      (error: unknown) => ({ value: undefined, error }),
    );

  async function walk<T>(iterable: AsyncIterable<T>) {
    const seen: T[] = [];
    const { error } = await settle(
      (async () => {
        for await (const item of iterable) seen.push(item);
      })(),
    );
    return { seen, error };
  }

  /** A ComposioError (not a RangeError, TypeError …) whose message says `what`, and nothing of `secret`. */
  function expectComposioError(error: unknown, what: RegExp, secret?: string) {
    expect(error).toBeInstanceOf(ComposioError);
    expect((error as Error).message).toMatch(what);
    if (secret) expect((error as Error).message).not.toContain(secret);
  }

  const DEEP = 200_000;
  /** next_cursor values that are not strings, as JSON text, and the type the error must name. */
  const CURSORS: { name: string; json: string; type: RegExp }[] = [
    { name: `an array ${DEEP} deep`, json: "[".repeat(DEEP) + "]".repeat(DEEP), type: /an array/ },
    {
      name: "an object whose toString is not a function",
      json: '{"toString":1,"valueOf":1}',
      type: /an object/,
    },
    { name: "an empty object", json: "{}", type: /an object/ },
    { name: "a number past 2^53", json: "12345678901234567891", type: /a number/ },
    { name: "true", json: "true", type: /a boolean/ },
    { name: "a one-string array", json: '["ck_secret_cursor"]', type: /an array/ },
  ];

  describe("pagination: only a string is a cursor", () => {
    for (const cursor of CURSORS) {
      const page = `{"items":[${JSON.stringify(account("ca_1", { access: "at_1", refresh: "rt_1" }))}],"next_cursor":${cursor.json}}`;
      const expectStopped = (error: unknown, requests: number) => {
        expectComposioError(error, /listConnectedAccounts: .*next_cursor/, "ck_secret_cursor");
        expect((error as Error).message).toMatch(cursor.type);
        expect((error as Error).message).toMatch(/not a string/);
        // The cursor was never sent back, rounded or as "[object Object]".
        expect(requests).toBe(1);
      };

      it(`${cursor.name}: for await over the client's list yields the page's items, then a ComposioError`, async () => {
        const { accounts, server } = await answering(() => page);
        const { seen, error } = await walk(accounts.list());
        expect(seen.map((a) => a.id)).toEqual(["ca_1"]);
        expectStopped(error, server.requests.length);
      });

      it(`${cursor.name}: pages() of the standalone function, the same`, async () => {
        const { transport, server } = await answering(() => page);
        const { seen, error } = await walk(listConnectedAccounts(transport).pages());
        expect(seen).toHaveLength(1);
        expectStopped(error, server.requests.length);
      });
    }
  });

  describe("pagination: a page's items must be an array", () => {
    for (const [name, items] of [
      ["an object", '{"0":{"id":"ca_1"},"length":1}'],
      ["a string", '"ca_1"'],
      ["null", "null"],
      ["missing", undefined],
    ] as const) {
      const page = `{${items === undefined ? "" : `"items":${items},`}"next_cursor":null}`;

      it(`items ${name}: for await ends with a ComposioError naming the type, not silently empty`, async () => {
        const { accounts } = await answering(() => page);
        const { seen, error } = await walk(accounts.list());
        expect(seen).toEqual([]);
        expectComposioError(error, /listConnectedAccounts: .*items.* not an array/);
      });

      it(`items ${name}: pages() of the standalone function, the same`, async () => {
        const { transport } = await answering(() => page);
        const { seen, error } = await walk(listConnectedAccounts(transport).pages());
        expect(seen).toEqual([]);
        expectComposioError(error, /listConnectedAccounts: .*items.* not an array/);
      });
    }

    it("a later page's items not an array: the earlier items, then the error", async () => {
      const { accounts, server } = await answering((_url, n) =>
        n === 1
          ? `{"items":[{"id":"ca_1"}],"next_cursor":"c2"}`
          : `{"items":{"id":"ca_2"},"next_cursor":"c3"}`,
      );
      const { seen, error } = await walk(accounts.list());
      expect(seen.map((a) => a.id)).toEqual(["ca_1"]);
      expectComposioError(error, /page 2's `items` is an object, not an array/);
      expect(server.requests).toHaveLength(2);
    });
  });

  /** The account as retrieve answers it, with `fields` replaced (as JSON text, so that any value can be sent). */
  function accountText(fields: Record<string, string>): string {
    const base = account(ID, { access: "at_shape_1", refresh: "rt_shape_1" }) as Record<string, unknown>;
    const entries = Object.entries(base).map(([key, value]) =>
      key in fields ? `"${key}":${fields[key]}` : `${JSON.stringify(key)}:${JSON.stringify(value)}`,
    );
    for (const [key, value] of Object.entries(fields)) if (!(key in base)) entries.push(`"${key}":${value}`);
    return `{${entries.join(",")}}`;
  }

  /** `status` values that are not strings, as JSON, and the type the error must name. */
  const STATUSES: { name: string; json: string; type: RegExp }[] = [
    { name: '["ACTIVE"]', json: '["ACTIVE"]', type: /an array/ },
    { name: "an object whose toString is not a function", json: '{"toString":1}', type: /an object/ },
    { name: "a number", json: "1", type: /a number/ },
    { name: "null", json: "null", type: /null/ },
    {
      name: `an array ${DEEP} deep`,
      json: "[".repeat(DEEP) + '"ACTIVE"' + "]".repeat(DEEP),
      type: /an array/,
    },
  ];

  describe("waitForConnection: only the string ACTIVE is ACTIVE", () => {
    const wait = { timeoutMs: 2000, initialIntervalMs: 10 };
    for (const status of STATUSES) {
      it(`status ${status.name}: the client's method ends with a ComposioError at once, not a value`, async () => {
        const { accounts, server } = await answering(() => accountText({ status: status.json }));
        const { value, error } = await settle(accounts.waitForConnection(ID, wait));
        expect(value).toBeUndefined();
        expectComposioError(error, /waitForConnection: .*status/);
        expect((error as Error).message).toMatch(status.type);
        expect((error as Error).message).toMatch(/not a string/);
        // An answer it cannot read ends the wait: no poll after it.
        expect(server.requests).toHaveLength(1);
      });

      it(`status ${status.name}: the standalone function, the same`, async () => {
        const { transport } = await answering(() => accountText({ status: status.json }));
        const { value, error } = await settle(waitForConnection(transport, ID, wait));
        expect(value).toBeUndefined();
        expectComposioError(error, /waitForConnection: .*status.* not a string/);
      });
    }

    it("no status at all: the same error (it was an unknown status, waited on until the deadline)", async () => {
      const { accounts } = await answering(() => {
        const { status: _status, ...rest } = account(ID, { access: "at_1", refresh: "rt_1" }) as Record<
          string,
          unknown
        >;
        return JSON.stringify(rest);
      });
      const { value, error } = await settle(
        accounts.waitForConnection(ID, { timeoutMs: 300, initialIntervalMs: 10 }),
      );
      expect(value).toBeUndefined();
      expectComposioError(error, /waitForConnection: .*status.* is missing, not a string/);
    });
  });

  describe("confirmConnection: the owner and the status are strings, or the answer is unreadable", () => {
    const url = `https://app.example.com/done?connectedAccountId=${ID}`;
    for (const status of STATUSES) {
      it(`status ${status.name}: a ComposioError, not the account`, async () => {
        const { accounts } = await answering(() => accountText({ status: status.json }));
        const { value, error } = await settle(
          confirmConnection({ connectedAccounts: accounts }, url, { userId: "user_42" }),
        );
        expect(value).toBeUndefined();
        expectComposioError(error, /confirmConnection: .*status.* not a string/);
        expect((error as Error).message).toMatch(status.type);
      });
    }

    for (const [name, userId] of [
      ['["user_42"]', '["user_42"]'],
      ["an object whose toString is not a function", '{"toString":1}'],
      ["a number", "42"],
    ] as const) {
      it(`user_id ${name}: a ComposioError saying the owner is unreadable, not "another user's"`, async () => {
        const { transport } = await answering(() => accountText({ user_id: userId }));
        const { value, error } = await settle(confirmConnection(transport, url, { userId: "user_42" }));
        expect(value).toBeUndefined();
        expectComposioError(error, /confirmConnection: .*user_id.* not a string/);
        expect(error).not.toBeInstanceOf(ConnectionNotConfirmedError);
      });
    }

    it("a client whose retrieve resolves no object: a ComposioError, not a TypeError", async () => {
      for (const answer of [null, undefined, "ca_1", ["ACTIVE"]]) {
        const client = { connectedAccounts: { retrieve: async () => answer as never } };
        const { value, error } = await settle(confirmConnection(client, url, { userId: "user_42" }));
        expect(value).toBeUndefined();
        expectComposioError(error, /confirmConnection: .*user_id.* is missing, not a string/);
      }
    });
  });

  describe("a query value that is no string, number or boolean is refused before sending", () => {
    const hostile = { toString: 1 } as unknown as string;
    it("on the method, the standalone function and /raw: a ComposioError naming the parameter, nothing sent", async () => {
      const { server, accounts, transport } = await answering(() => "{}");
      const { createRawClient } = await import("../src/raw.js");
      const { rawPath } = await import("./helpers/operations.js");
      const raw = createRawClient({ apiKey: KEY, baseUrl: server.url, logger: null });
      const runs: (() => PromiseLike<unknown>)[] = [
        () => accounts.list({ user_ids: [hostile] }),
        () => listConnectedAccounts(transport, { cursor: {} as unknown as string }),
        () =>
          raw.GET(rawPath("listConnectedAccounts"), { params: { query: { user_ids: [hostile] } } } as never),
      ];
      for (const run of runs) {
        const { error } = await settle(Promise.resolve().then(run));
        expectComposioError(
          error,
          /the query parameter `(user_ids|cursor)` is an object; it takes a string, a number or a boolean/,
        );
      }
      expect(server.requests).toHaveLength(0);
    });
  });
});

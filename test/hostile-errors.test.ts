// No bare errors: answers no operation gives (null, a 204, a status HTTP does not have, HTML with a
// 200) and ids no URL can carry end in a ComposioError whose message names the operation, on
// every entry point, never in a TypeError, RangeError, SyntaxError or URIError.
import { describe, expect, it } from "vitest";
import {
  ComposioApiError,
  ComposioError,
  createConnectedAccount,
  listConnectedAccounts,
  retrieveConnectedAccount,
  waitForConnection,
  type ClientOptions,
  type CreateConnectedAccountParams,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { rawPath } from "./helpers/operations.js";
import { json, serverPerTest, type Handler } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

describe.each(TRANSPORTS)("over $transport", ({ createComposioClient, createComposioTransport }) => {
  const ID = "ca_plain1";
  /** An id with half of a surrogate pair: no UTF-8, so no URL, can carry it. */
  const LONE = "ca_\ud83d";

  const serve = serverPerTest();

  async function entries(handler: Handler) {
    const server = await serve(handler);
    const options = {
      apiKey: "ak_test_bare",
      baseUrl: server.url,
      logger: null,
      maxRetries: 0,
    } as ClientOptions;
    return {
      server,
      client: createComposioClient(options),
      transport: createComposioTransport(options),
      raw: createRawClient(options),
    };
  }

  const failure = (promise: PromiseLike<unknown> | (() => PromiseLike<unknown>)): Promise<Error> =>
    Promise.resolve()
      .then(typeof promise === "function" ? promise : () => promise)
      .then(
        () => expect.unreachable("the call succeeded"),
        (error: Error) => error,
      );

  async function walk(items: AsyncIterable<unknown>): Promise<Error> {
    try {
      for await (const _ of items) {
        // the walk's end is what matters
      }
    } catch (error) {
      return error as Error;
    }
    return expect.unreachable("the walk ended without an error");
  }

  /** A success status with this body text, or none. */
  const answering =
    (status: number, text?: string, type = "application/json"): Handler =>
    (_req, res) => {
      res.writeHead(status, text === undefined ? {} : { "content-type": type });
      res.end(text);
    };

  describe("a success answer that is no JSON object", () => {
    const cases = [
      ["null", answering(200, "null"), "retrieveConnectedAccount: 200 response is null, not a JSON object"],
      ["a 204", answering(204), "retrieveConnectedAccount: 204 response has no body, not a JSON object"],
    ] as const;

    it.each(cases)(
      "waitForConnection, answered %s: a ComposioApiError naming the poll",
      async (_, handler, message) => {
        for (const entry of ["client", "functions"]) {
          const { client, transport } = await entries(handler);
          const error = await failure(
            entry === "client"
              ? client.connectedAccounts.waitForConnection(ID)
              : waitForConnection(transport, ID),
          );
          expect(error).toBeInstanceOf(ComposioApiError);
          expect(error.message).toBe(message);
        }
      },
    );

    it.each(cases)(
      "for await over list, answered %s: a ComposioApiError naming the list",
      async (_, handler, message) => {
        for (const entry of ["client", "functions"]) {
          const { client, transport } = await entries(handler);
          const error = await walk(
            entry === "client" ? client.connectedAccounts.list() : listConnectedAccounts(transport),
          );
          expect(error).toBeInstanceOf(ComposioApiError);
          expect(error.message).toBe(message.replace("retrieveConnectedAccount", "listConnectedAccounts"));
        }
      },
    );

    it("an array is no object either", async () => {
      const { client } = await entries(answering(200, "[1,2]"));
      const error = await failure(client.connectedAccounts.retrieve(ID));
      expect(error).toBeInstanceOf(ComposioApiError);
      expect(error.message).toBe(
        "retrieveConnectedAccount: 200 response is a JSON array of 2 item(s), not a JSON object",
      );
    });
  });

  describe("raw: answers a Response cannot carry or that are not JSON", () => {
    it("status 600: a ComposioApiError naming the operation, not a RangeError", async () => {
      const { raw, client } = await entries((_req, res) => json(res, 600, { error: { message: "odd" } }));
      const error = (await failure(
        raw.GET(rawPath("retrieveConnectedAccount"), { params: { path: { nanoid: ID } } }),
      )) as ComposioApiError;
      expect(error).toBeInstanceOf(ComposioApiError);
      expect(error.status).toBe(600);
      expect(error.message).toBe(
        "retrieveConnectedAccount: status 600 is no HTTP status (100–599): 600: odd",
      );
      // The main client says the same.
      const main = await failure(client.connectedAccounts.retrieve(ID));
      expect(main).toBeInstanceOf(ComposioApiError);
      expect(main.message).toBe(error.message);
    });

    it("HTML with a 200: a ComposioApiError naming the operation, not a SyntaxError", async () => {
      const { raw } = await entries(answering(200, "<html>proxy login</html>", "text/html"));
      const error = (await failure(
        raw.GET(rawPath("retrieveConnectedAccount"), { params: { path: { nanoid: ID } } }),
      )) as ComposioApiError;
      expect(error).toBeInstanceOf(ComposioApiError);
      expect(error.status).toBe(200);
      expect(error.message).toBe(
        "retrieveConnectedAccount: 200 response is not JSON: <html>proxy login</html>",
      );
    });

    it("HTML with a 200 and no content-length (chunked): the same", async () => {
      const { raw } = await entries((_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.write("<html>");
        res.end("chunked</html>");
      });
      const error = await failure(
        raw.GET(rawPath("retrieveConnectedAccount"), { params: { path: { nanoid: ID } } }),
      );
      expect(error).toBeInstanceOf(ComposioApiError);
      expect(error.message).toBe("retrieveConnectedAccount: 200 response is not JSON: <html>chunked</html>");
    });

    it("parseAs text still reads a body that is not JSON", async () => {
      const { raw } = await entries(answering(200, "plain words", "text/plain"));
      const { data } = await raw.GET(rawPath("retrieveConnectedAccount"), {
        params: { path: { nanoid: ID } },
        parseAs: "text",
      });
      expect(data).toBe("plain words");
    });
  });

  describe("ids and values no URL can carry", () => {
    it("an id with a lone surrogate: a ComposioError naming the operation and the parameter, nothing sent", async () => {
      const { client, transport, raw, server } = await entries((_req, res) => json(res, 200, {}));
      const errors = [
        await failure(() => client.connectedAccounts.retrieve(LONE)),
        await failure(() => retrieveConnectedAccount(transport, LONE)),
        await failure(() => client.connectedAccounts.waitForConnection(LONE)),
      ];
      for (const error of errors) {
        expect(error).toBeInstanceOf(ComposioError);
        expect(error.message).toBe(
          "retrieveConnectedAccount: `nanoid` has a lone surrogate (half of a UTF-16 pair) at index 3, which no URL can carry.",
        );
      }
      const rawError = await failure(
        raw.GET(rawPath("retrieveConnectedAccount"), { params: { path: { nanoid: LONE } } }),
      );
      expect(rawError).toBeInstanceOf(ComposioError);
      // /raw names the operation too: its route is known before openapi-fetch fills the path in.
      expect(rawError.message).toBe(errors[0]!.message);
      expect(server.requests).toHaveLength(0);
    });

    it("a query value with a lone surrogate: the same, naming the query parameter", async () => {
      const { client, raw, server } = await entries((_req, res) => json(res, 200, {}));
      const error = await walk(client.connectedAccounts.list({ user_ids: ["user_1", LONE] }));
      expect(error).toBeInstanceOf(ComposioError);
      expect(error.message).toBe(
        "listConnectedAccounts: `user_ids` has a lone surrogate (half of a UTF-16 pair) at index 3, which no URL can carry.",
      );
      const rawError = await failure(
        raw.GET(rawPath("listConnectedAccounts"), { params: { query: { user_ids: [LONE] } } }),
      );
      expect(rawError).toBeInstanceOf(ComposioError);
      expect(server.requests).toHaveLength(0);
    });

    it("a body that cannot be JSON (a BigInt): a ComposioError naming the operation", async () => {
      const { client, transport, server } = await entries((_req, res) => json(res, 201, {}));
      const body = {
        auth_config: { id: "ac_1" },
        connection: { user_id: 1n },
      } as unknown as CreateConnectedAccountParams;
      for (const error of [
        await failure(() => client.connectedAccounts.create(body)),
        await failure(() => createConnectedAccount(transport, body)),
      ]) {
        expect(error).toBeInstanceOf(ComposioError);
        expect(error.message).toBe(
          "createConnectedAccount: the body cannot be sent as JSON: Do not know how to serialize a BigInt",
        );
      }
      expect(server.requests).toHaveLength(0);
    });
  });
});

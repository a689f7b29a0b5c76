// Tokens in answers: retrieve and list answer with each account's credentials in `state.val`
// (access_token, refresh_token, id_token …). The request never carried them, so the client can
// only scrub them by the keys they sit under. These are the ways part of such an answer reaches an
// error or a log line: a success cut short (quoted by `unreadableSuccess`), a connection cut in
// the middle of one, an error status whose body is an account or a page, a redirect carrying one,
// and a list walk whose later page fails. No planted answer token may show in any view of the
// error or in any log line.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  ComposioApiError,
  ComposioConnectionError,
  createComposioClient,
  InternalServerError,
  NotFoundError,
  RedirectError,
  type ListConnectedAccountsItem,
} from "../src/index.js";
import { ANSWER_TOKENS, expectNoAnswerTokens, tokenAccount } from "./helpers/answer-tokens.js";
import { account, ID, recordingLogger, settle } from "./helpers/operations.js";
import { serverPerTest, type Handler } from "./helpers/server.js";
import { TRANSPORTS } from "./helpers/transports.js";

const serve = serverPerTest();

let tokenChecks = 0;

/** The accounts of a client (`create`'s: a transport's factory) on a server answering with `handler`, logging every line. */
async function clientFor(
  handler: Handler,
  options: { maxRetries?: number } = {},
  create = createComposioClient,
) {
  const server = await serve(handler);
  const { lines, logger } = recordingLogger();
  const accounts = create({
    apiKey: "ak_test_answer_tokens",
    baseUrl: server.url,
    logger,
    logLevel: "debug",
    ...options,
  }).connectedAccounts;
  return { accounts, lines };
}

const send = (res: ServerResponse, status: number, text: string, type = "application/json") => {
  res.writeHead(status, { "content-type": type, "retry-after-ms": "0" });
  res.end(text);
};

const page = (items: unknown[], next: string | null) => ({
  items,
  next_cursor: next,
  total_pages: 3,
  current_page: 1,
  total_items: items.length * 3,
});

describe("a retrieve answer cut short (200, JSON that does not parse)", () => {
  // Cut at every character: whatever the cut leaves of a token, unterminated or whole, is scrubbed.
  for (const [shape, text] of [
    ["compact", JSON.stringify(tokenAccount())],
    ["pretty-printed", JSON.stringify(tokenAccount(), null, 2)],
  ] as const) {
    it(`${shape}: cut at every one of its ${text.length} characters`, async () => {
      const { accounts, lines } = await clientFor((_req, res, n) => send(res, 200, text.slice(0, n - 1)));
      let withTokenText = 0;
      for (let cut = 0; cut < text.length; cut++) {
        const before = lines.length;
        const { error } = await settle(accounts.retrieve(ID, { maxRetries: 0 }));
        expect(error, `cut at ${cut}`).toBeInstanceOf(ComposioApiError);
        expect((error as ComposioApiError).status).toBe(200);
        expect((error as Error).message).toMatch(
          /^retrieveConnectedAccount: 200 response (is not JSON: |has no body)/,
        );
        tokenChecks += expectNoAnswerTokens(error, lines.slice(before));
        if (text.slice(0, cut).includes(ANSWER_TOKENS.refreshToken)) withTokenText++;
      }
      // Most of those cuts held a whole token: the check above had something to find.
      expect(withTokenText).toBeGreaterThan(text.length / 4);
      expect(serve.last.requests).toHaveLength(text.length);
      expect(lines).toHaveLength(text.length);
    });
  }

  it("the excerpt keeps what is not secret, and the body says where the tokens were", async () => {
    const text = JSON.stringify(tokenAccount());
    const cut = text.indexOf(ANSWER_TOKENS.idToken) + 6;
    const { accounts } = await clientFor((_req, res) => send(res, 200, text.slice(0, cut)));
    const error = (await accounts.retrieve(ID).catch((e: unknown) => e)) as ComposioApiError;
    expect(error.body).toContain('"access_token":"[redacted]"');
    expect(error.body).toContain('"refresh_token":"[redacted]"');
    expect(error.body).toMatch(/"id_token":"\[redacted\]"$/);
    expect(error.body).toContain('"slug":"github"');
    expect(serve.last.requests).toHaveLength(1); // a 200 is an answer: not retried
  });
});

describe("a connection cut in the middle of an account", () => {
  it("the error and its cause carry none of what was received", async () => {
    const text = JSON.stringify(tokenAccount());
    const { accounts, lines } = await clientFor((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(text.length + 50) });
      res.write(text.slice(0, text.indexOf(ANSWER_TOKENS.idToken) + 10));
      setImmediate(() => res.socket?.destroy());
    });
    const { error } = await settle(accounts.retrieve(ID, { maxRetries: 1 }));
    expect(error).toBeInstanceOf(ComposioConnectionError);
    expect(serve.last.requests).toHaveLength(2); // retrieve is a read: retried after a reset
    tokenChecks += expectNoAnswerTokens(error, lines);
  });
});

describe("an error status whose body is an account", () => {
  it("500 with the account as JSON (no envelope): fields kept, tokens blanked by key", async () => {
    const { accounts, lines } = await clientFor((_req, res) =>
      send(res, 500, JSON.stringify(tokenAccount())),
    );
    const { error } = await settle(accounts.retrieve(ID));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(serve.last.requests).toHaveLength(3);
    const body = (error as InternalServerError).body as ReturnType<typeof tokenAccount>;
    expect(body.id).toBe("ca_tokens");
    expect(body.state.val).toMatchObject({
      access_token: "[redacted]",
      refresh_token: "[redacted]",
      id_token: "[redacted]",
      scope: "repo read:user",
    });
    expect(body.data).toEqual({ access_token: "[redacted]", refresh_token: "[redacted]" });
    expect((error as Error).message).toMatch(/^500 \{"id":"ca_tokens",/);
    tokenChecks += expectNoAnswerTokens(error, lines);
  });

  it("502 with the account pretty-printed as plain text", async () => {
    const { accounts, lines } = await clientFor((_req, res) =>
      send(res, 502, `upstream answered:\n${JSON.stringify(tokenAccount(), null, 4)}`, "text/plain"),
    );
    const { error } = await settle(accounts.retrieve(ID, { maxRetries: 0 }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as ComposioApiError).body).toContain('"access_token": "[redacted]"');
    tokenChecks += expectNoAnswerTokens(error, lines);
  });

  it("an error envelope that carries the account beside the message, and quotes it in the message", async () => {
    const { accounts, lines } = await clientFor((_req, res) =>
      send(
        res,
        404,
        JSON.stringify({
          error: {
            message: `Stale account ${JSON.stringify(tokenAccount())}`,
            status: 404,
            slug: "ConnectedAccount_NotFound",
            request_id: "req_stale",
            account: tokenAccount(),
            errors: [JSON.stringify(tokenAccount().state)],
          },
        }),
      ),
    );
    const { error } = await settle(accounts.retrieve(ID));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).requestId).toBe("req_stale");
    // The message quotes the server's first 500 characters, scrubbed, and says how long it was;
    // then the detail (the state), its first 200, scrubbed too; the request id after them is whole.
    expect((error as Error).message).toContain('"access_token":"[redacted]"');
    expect((error as Error).message).toMatch(
      /… \(\d{3} chars\) \(\{"authScheme":"OAUTH2","val":\{"status":"ACTIVE","access_token":"\[redacted\]".*… \(\d{3} chars\)\) \(request_id req_stale\)$/,
    );
    tokenChecks += expectNoAnswerTokens(error, lines);
  });

  it("a 500 page over 64 KiB: the body kept is an excerpt, cut in the middle of a token and scrubbed to its cut", async () => {
    const item = JSON.stringify(tokenAccount());
    const head = '{"items":[';
    // The excerpt keeps 2,048 characters: the cut falls 8 characters into the second item's token.
    const cutAt = item.indexOf(ANSWER_TOKENS.accessToken) + 8;
    const filler = " ".repeat(2048 - head.length - item.length - 1 - cutAt);
    const text = `${head}${item},${filler}${item}${",".concat(item).repeat(200)}]}`;
    expect(text.slice(0, 2048).endsWith(ANSWER_TOKENS.accessToken.slice(0, 8))).toBe(true);
    const { accounts, lines } = await clientFor((_req, res) => send(res, 500, text));
    const { error } = await settle(accounts.list({}, { maxRetries: 0 }).then((p) => p));
    expect(error).toBeInstanceOf(InternalServerError);
    const body = (error as ComposioApiError).body as string;
    expect(body).toMatch(/"access_token":"\[redacted\]"… \(65536 chars\)$/);
    expect(body).not.toContain(ANSWER_TOKENS.accessToken.slice(0, 8));
    tokenChecks += expectNoAnswerTokens(error, lines);
  });
});

describe("a redirect whose body is an account", () => {
  it("RedirectError's body has the tokens blanked", async () => {
    const { accounts, lines } = await clientFor((_req, res) => {
      res.writeHead(302, { location: "/elsewhere", "content-type": "application/json" });
      res.end(JSON.stringify(tokenAccount()));
    });
    const { error } = await settle(accounts.retrieve(ID));
    expect(error).toBeInstanceOf(RedirectError);
    expect(((error as RedirectError).body as ReturnType<typeof tokenAccount>).state.val.access_token).toBe(
      "[redacted]",
    );
    tokenChecks += expectNoAnswerTokens(error, lines);
  });
});

describe("a list walk whose later page fails", () => {
  /** Page 1 holds accounts with other tokens; page 2 fails as `failPage2` says, on attempts up to `times`. */
  async function walk(failPage2: (res: ServerResponse) => void, times = Infinity) {
    let page2Attempts = 0;
    const { accounts, lines } = await clientFor((req, res) => {
      const cursor = new URL(req.url, "http://x").searchParams.get("cursor");
      if (!cursor)
        return send(
          res,
          200,
          JSON.stringify(page([account("ca_p1", { access: "at_p1", refresh: "rt_p1" })], "c2")),
        );
      if (cursor === "c2" && ++page2Attempts <= times) return failPage2(res);
      if (cursor === "c2") return send(res, 200, JSON.stringify(page([tokenAccount("ca_p2")], null)));
    });
    const seen: ListConnectedAccountsItem[] = [];
    const { error } = await settle(
      (async () => {
        for await (const item of accounts.list({ statuses: ["ACTIVE"] })) seen.push(item);
      })(),
    );
    return { error, seen, lines, page2Attempts };
  }

  const page2 = JSON.stringify(page([tokenAccount("ca_p2"), tokenAccount("ca_p3")], "c3"));

  it("page 2 cut short: the walk ends with the error, after the items of page 1", async () => {
    const r = await walk((res) =>
      send(res, 200, page2.slice(0, page2.lastIndexOf(ANSWER_TOKENS.refreshToken) + 5)),
    );
    expect(r.error).toBeInstanceOf(ComposioApiError);
    expect(r.seen.map((item) => item.id)).toEqual(["ca_p1"]);
    expect(r.page2Attempts).toBe(1);
    expect(r.lines).toHaveLength(2);
    expect(r.lines[1]).toMatch(
      // No query in a line: the cursor is the server's text.
      /^composio-connected-accounts: GET \/api\/v3\.1\/connected_accounts → 200 /,
    );
    tokenChecks += expectNoAnswerTokens(r.error, r.lines);
  });

  it("page 2 answers 500 with the page as its body: retried (a read), then InternalServerError", async () => {
    const r = await walk((res) => send(res, 500, page2));
    expect(r.error).toBeInstanceOf(InternalServerError);
    expect(r.page2Attempts).toBe(3);
    expect(r.lines).toHaveLength(4);
    expect(((r.error as ComposioApiError).body as { items: unknown[] }).items).toHaveLength(2);
    tokenChecks += expectNoAnswerTokens(r.error, r.lines);
  });

  it("page 2 fails once with a 502: the retry finishes the walk", async () => {
    const r = await walk((res) => send(res, 502, page2), 1);
    expect(r.error).toBeUndefined();
    expect(r.seen.map((item) => item.id)).toEqual(["ca_p1", "ca_p2"]);
    expect(r.page2Attempts).toBe(2);
    for (const line of r.lines)
      for (const token of Object.values(ANSWER_TOKENS)) expect(line).not.toContain(token);
  });
});

// A walk and a wait are one call each: a token of an answer read is a secret of every later
// request's error and log line, whatever the server echoes it in (a header, an error's text, a
// header's name).
describe.each(TRANSPORTS)(
  "a walk or a wait whose later answer echoes an earlier one's tokens, over $transport",
  ({ createComposioClient: create }) => {
    it("page 2's 500 quoting them in its headers and message: scrubbed from every view and log line", async () => {
      const { accounts, lines } = await clientFor(
        (req, res) => {
          const cursor = new URL(req.url, "http://x").searchParams.get("cursor");
          if (!cursor) return send(res, 200, JSON.stringify(page([tokenAccount("ca_p1")], "c2")));
          res.writeHead(500, {
            "content-type": "application/json",
            "retry-after-ms": "0",
            "x-request-id": `req-${ANSWER_TOKENS.refreshToken}`,
            "x-echo": `${ANSWER_TOKENS.accessToken} ${ANSWER_TOKENS.idToken}`,
            [`x-${ANSWER_TOKENS.refreshToken.toLowerCase()}`]: "1",
          });
          res.end(
            JSON.stringify({ error: { message: `refresh ${ANSWER_TOKENS.refreshToken} was refused` } }),
          );
        },
        { maxRetries: 1 },
        create,
      );
      const seen: string[] = [];
      const { error } = await settle(
        (async () => {
          for await (const item of accounts.list()) seen.push(item.id);
        })(),
      );
      expect(seen).toEqual(["ca_p1"]);
      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as ComposioApiError).requestId).toBe("req-[redacted]");
      expect((error as Error).message).toContain("refresh [redacted] was refused");
      tokenChecks += expectNoAnswerTokens(error, lines);
    });

    it("waitForConnection is one call too: poll 2's answer, cut short, quoting poll 1's tokens", async () => {
      let polls = 0;
      const { accounts, lines } = await clientFor(
        (_req, res) => {
          if (++polls === 1)
            return send(res, 200, JSON.stringify({ ...tokenAccount("ca_w"), status: "INITIATED" }));
          // Not JSON (cut), and the tokens under keys that name no secret: only poll 1 told what they are.
          const echo = JSON.stringify({ error: { errors: Object.values(ANSWER_TOKENS) } });
          send(res, 200, echo.slice(0, -2));
        },
        { maxRetries: 0 },
        create,
      );
      const { error } = await settle(accounts.waitForConnection("ca_w", { initialIntervalMs: 10 }));
      expect(polls).toBe(2);
      expect(error).toBeInstanceOf(ComposioApiError);
      expect((error as Error).message).toContain('"errors":["[redacted]","[redacted]","[redacted]"');
      tokenChecks += expectNoAnswerTokens(error, lines);
    });

    it("remembers the newest 1 MiB of them: memory stays bounded however long the walk", async () => {
      // Three pages, each with one 600,000-character token; the fourth fails quoting the start of each.
      const tokens = ["A", "B", "C"].map((mark) => `rt_${mark.repeat(600_000)}`);
      const { accounts } = await clientFor(
        (req, res) => {
          const n = Number(new URL(req.url, "http://x").searchParams.get("cursor") ?? "0");
          if (n < 3)
            return send(
              res,
              200,
              JSON.stringify(
                page([account(`ca_p${n}`, { access: `at_${n}`, refresh: tokens[n]! })], String(n + 1)),
              ),
            );
          res.writeHead(500, {
            "content-type": "application/json",
            "x-echo": tokens.map((t) => t.slice(0, 12)).join(" "),
          });
          res.end("{}");
        },
        { maxRetries: 0 },
        create,
      );
      const { error } = await settle(
        (async () => {
          for await (const _ of accounts.list()) {
            // the walk's end matters
          }
        })(),
      );
      // 1.8 M characters read: the two oldest tokens were let go, the newest is still scrubbed.
      expect((error as ComposioApiError).headers.get("x-echo")).toBe(
        `${tokens[0]!.slice(0, 12)} ${tokens[1]!.slice(0, 12)} [redacted]`,
      );
    });
  },
);

describe("answer-token checks", () => {
  it("were made in message, stack, toJSON, inspect, String() and every log line", () => {
    expect(tokenChecks).toBeGreaterThan(10_000);
    console.log(`answer-token leak checks passed: ${tokenChecks}`);
  });
});

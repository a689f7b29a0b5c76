// confirmConnection, the callback route's helper: the browser's query only names the account (in
// either spelling); the API, asked with retrieve, says whose it is and whether it is ACTIVE. Run
// against the fake of /testing, whose answers are held to the spec after each test.
import { describe, expect, it } from "vitest";
import {
  ComposioError,
  ConnectionFailedError,
  ConnectionNotConfirmedError,
  confirmConnection,
  createComposioClient,
  createComposioTransport,
  InternalServerError,
  NotFoundError,
} from "../src/index.js";
import { MANAGED_GITHUB, openPage, useFake } from "./helpers/testing-fake.js";

const setup = useFake();
const CALLBACK = "https://app.example.com/connected";

/** A fake with one account of user_42, ACTIVE unless `finish` is false. */
async function connected(finish = true) {
  const s = await setup();
  const link = await s.composio.connectedAccounts.link({
    auth_config_id: MANAGED_GITHUB,
    user_id: "user_42",
    callback_url: CALLBACK,
  });
  const id = link.connected_account_id;
  if (finish) s.fake.complete(id);
  return { ...s, id, link };
}

const retrieves = (fake: { requests: readonly { operation: string | undefined }[] }) =>
  fake.requests.filter((r) => r.operation === "retrieveConnectedAccount").length;

describe("confirmConnection", () => {
  it("reads the id in either spelling, from a URL or a path and query, with a client or a transport", async () => {
    const { composio, fake, id, fetch } = await connected();
    const transport = createComposioTransport({ apiKey: fake.apiKey, fetch, logger: null });
    for (const [url, via] of [
      [`${CALLBACK}?status=success&connectedAccountId=${id}`, composio],
      [`${CALLBACK}?status=success&connected_account_id=${id}`, composio],
      [`/connected?connectedAccountId=${id}`, transport],
      [new URL(`${CALLBACK}?connectedAccountId=${id}&connected_account_id=${id}`), transport],
    ] as const) {
      const account = await confirmConnection(via, url, { userId: "user_42" });
      expect([String(url), account.id, account.status]).toEqual([String(url), id, "ACTIVE"]);
    }
    expect(retrieves(fake)).toBe(4);
  });

  it("a user API key's client does too", async () => {
    const { fake, id, fetch } = await connected();
    const asUser = createComposioClient({ userApiKey: fake.userApiKey, fetch, logger: null });
    expect(
      (await confirmConnection(asUser, `${CALLBACK}?connectedAccountId=${id}`, { userId: "user_42" })).id,
    ).toBe(id);
  });

  it("no id, or no id of Composio's: not confirmed, and nothing is sent", async () => {
    const { composio, fake } = await connected();
    for (const query of [
      "status=success",
      "connectedAccountId=..",
      `connectedAccountId=${"a".repeat(101)}`,
      "connectedAccountId=ca_1%2F..%2Flink",
    ]) {
      const error = await confirmConnection(composio, `${CALLBACK}?${query}`, { userId: "user_42" }).catch(
        (e: unknown) => e,
      );
      expect([query, error]).toEqual([query, expect.any(ConnectionNotConfirmedError)]);
      expect(error).toMatchObject({ reason: "no-account-id", accountId: undefined });
    }
    expect(retrieves(fake)).toBe(0);
  });

  it("two different ids: not confirmed as two-account-ids, naming both, and nothing is sent", async () => {
    const { composio, fake, id } = await connected();
    for (const query of [
      `connectedAccountId=${id}&connected_account_id=ca_other`,
      `connectedAccountId=${id}&connectedAccountId=ca_other`,
    ]) {
      const error = (await confirmConnection(composio, `${CALLBACK}?${query}`, { userId: "user_42" }).catch(
        (e: unknown) => e,
      )) as ConnectionNotConfirmedError;
      expect(error).toBeInstanceOf(ConnectionNotConfirmedError);
      expect(error).toMatchObject({ reason: "two-account-ids", accountId: undefined });
      expect(error.message).toBe(
        `confirmConnection: the callback names 2 different accounts (${id}, ca_other); Composio adds one to your callback_url's query: does the callback_url you gave link or create carry one already?`,
      );
    }
    // Each id cut to 40 characters, and the key of the client never shown.
    const long = `ca_${"x".repeat(90)}`;
    const error = (await confirmConnection(
      composio,
      `${CALLBACK}?connectedAccountId=${long}&connected_account_id=ca_${fake.apiKey}`,
      { userId: "user_42" },
    ).catch((e: unknown) => e)) as ConnectionNotConfirmedError;
    expect(error.message).toContain(`(${long.slice(0, 40)}… (93 chars), ca_[redacted])`);
    expect(error.message).not.toContain(fake.apiKey);
    expect(retrieves(fake)).toBe(0);
  });

  it("swapped arguments, or a Request for the URL: refused, saying what is wrong, nothing sent", async () => {
    const { composio, fake, id } = await connected();
    const url = `${CALLBACK}?connectedAccountId=${id}`;
    const swapped =
      "confirmConnection: arguments swapped: the client (or transport) comes first, then the callback URL: confirmConnection(composio, request.url, { userId }).";
    await expect(confirmConnection(url as never, composio as never, { userId: "user_42" })).rejects.toThrow(
      swapped,
    );
    await expect(
      confirmConnection(new URL(url) as never, composio as never, { userId: "user_42" }),
    ).rejects.toThrow(swapped);
    await expect(confirmConnection(composio, composio as never, { userId: "user_42" })).rejects.toThrow(
      swapped,
    );
    await expect(
      confirmConnection(composio, new Request(url) as never, { userId: "user_42" }),
    ).rejects.toThrow(
      "confirmConnection: `callbackUrl` must be a string or a URL (got an object: a Request? pass request.url).",
    );
    await expect(confirmConnection({} as never, url, { userId: "user_42" })).rejects.toThrow(
      "confirmConnection: `composio` must be a client (createComposioClient) or a transport (createComposioTransport), got an object.",
    );
    expect(retrieves(fake)).toBe(0);
  });

  it("the usual slips from JavaScript name the fix: the user id for the options, an id or a parsed query for the URL", async () => {
    const { composio, fake, id } = await connected();
    const url = `${CALLBACK}?status=success&connectedAccountId=${id}`;
    // forUser(composio, userId) takes the id bare; confirmConnection takes options.
    await expect(confirmConnection(composio, url, "user_42" as never)).rejects.toThrow(
      'confirmConnection: the third argument is the options, `{ userId }` (got a string): confirmConnection(composio, request.url, { userId: "user_42" }).',
    );
    await expect(confirmConnection(composio, url, undefined as never)).rejects.toThrow(
      "confirmConnection: the third argument is the options, `{ userId }` (got undefined): confirmConnection(composio, request.url, { userId }).",
    );
    // Given as the third argument, the key is not shown.
    const keyed = await confirmConnection(composio, url, fake.apiKey as never).catch((e: unknown) => e);
    expect(keyed).toBeInstanceOf(ComposioError);
    expect((keyed as Error).message).toContain("(got a string)");
    expect((keyed as Error).message).not.toContain(fake.apiKey);
    // The account's id for the URL: the query is where the id is read, and the URL is what the route has.
    await expect(confirmConnection(composio, id, { userId: "user_42" })).rejects.toThrow(
      "confirmConnection: `callbackUrl` is an account id, not the URL: pass the URL the browser came back to (request.url; req.originalUrl in Express), whose query names the account.",
    );
    // Express's req.query, or URLSearchParams: the query already parsed.
    const parsed =
      "confirmConnection: `callbackUrl` must be a string or a URL (got a parsed query: pass the URL the browser came back to, request.url; req.originalUrl in Express).";
    await expect(
      confirmConnection(composio, { status: "success", connectedAccountId: id } as never, {
        userId: "user_42",
      }),
    ).rejects.toThrow(parsed);
    await expect(
      confirmConnection(composio, new URL(url).searchParams as never, { userId: "user_42" }),
    ).rejects.toThrow(parsed);
    expect(retrieves(fake)).toBe(0);
  });

  it("expectedAccountId: the link this session made is confirmed; another one is other-link, nothing sent", async () => {
    const { composio, fake, id } = await connected();
    const url = `${CALLBACK}?status=success&connectedAccountId=${id}`;
    const account = await confirmConnection(composio, url, { userId: "user_42", expectedAccountId: id });
    expect(account.id).toBe(id);
    expect(retrieves(fake)).toBe(1);
    const error = (await confirmConnection(composio, url, {
      userId: "user_42",
      expectedAccountId: "ca_sessions0wn",
    }).catch((e: unknown) => e)) as ConnectionNotConfirmedError;
    expect(error).toBeInstanceOf(ConnectionNotConfirmedError);
    expect(error).toMatchObject({ reason: "other-link", accountId: id, callbackStatus: "success" });
    expect(error.message).toBe(
      `confirmConnection: account ${id} is not the one this session's link made (expectedAccountId)`,
    );
    expect(retrieves(fake)).toBe(1);
    // A session that made no link (its store's undefined or null): no callback is its own. Trial 22
    // (second round), finding 2: the README's callback passes session.linkedAccountId, and another
    // person's link, finished in this browser under a shared user_id, was confirmed.
    for (const none of [undefined, null]) {
      const error = (await confirmConnection(composio, url, {
        userId: "user_42",
        expectedAccountId: none,
      }).catch((e: unknown) => e)) as ConnectionNotConfirmedError;
      expect(error).toMatchObject({ reason: "other-link", accountId: id });
      expect(error.message).toBe(
        `confirmConnection: account ${id} was made by a link, but this session made none (expectedAccountId is ${String(none)})`,
      );
    }
    expect(retrieves(fake)).toBe(1);
    // The key left out: an app that keeps no record of its links; the user check alone.
    await expect(confirmConnection(composio, url, { userId: "user_42" })).resolves.toMatchObject({ id });
    await expect(
      confirmConnection(composio, url, { userId: "user_42", expectedAccountId: "" }),
    ).rejects.toThrow(
      "confirmConnection: `expectedAccountId` must be the connected_account_id of this session's link",
    );
    await expect(
      confirmConnection(composio, url, { userId: "user_42", exptectedAccountId: id } as never),
    ).rejects.toThrow(
      "confirmConnection: unknown option `exptectedAccountId`; did you mean `expectedAccountId`?",
    );
  });

  it("an id the API does not know: not confirmed, the NotFoundError as its cause", async () => {
    const { composio } = await connected();
    const error = (await confirmConnection(
      composio,
      `${CALLBACK}?status=success&connectedAccountId=ca_forged`,
      {
        userId: "user_42",
      },
    ).catch((e: unknown) => e)) as ConnectionNotConfirmedError;
    expect(error).toBeInstanceOf(ConnectionNotConfirmedError);
    expect(error).toMatchObject({
      reason: "unknown-account",
      accountId: "ca_forged",
      callbackStatus: "success",
    });
    expect(error.cause).toBeInstanceOf(NotFoundError);
  });

  it("another user's account: not confirmed, and the message does not say whose it is", async () => {
    const { composio, id } = await connected();
    const error = (await confirmConnection(composio, `${CALLBACK}?connectedAccountId=${id}`, {
      userId: "user_7",
    }).catch((e: unknown) => e)) as ConnectionNotConfirmedError;
    expect(error).toMatchObject({ reason: "other-user", accountId: id, status: undefined });
    expect(error.message).toBe(`confirmConnection: account ${id} is not the signed-in user's`);
    expect(error.message).not.toContain("user_42");
  });

  it("a callback that claims success for an account still INITIATED: not confirmed (not-active)", async () => {
    const { composio, id } = await connected(false);
    const error = await confirmConnection(composio, `${CALLBACK}?status=success&connectedAccountId=${id}`, {
      userId: "user_42",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionNotConfirmedError);
    expect(error).toMatchObject({ reason: "not-active", status: "INITIATED", callbackStatus: "success" });
  });

  it("a callback that claims success for a FAILED account: ConnectionFailedError, as a wait ends", async () => {
    const { composio, fake, fetch, link } = await connected(false);
    const page = await openPage(fetch, link.redirect_url, { deny: true });
    const forged = page.location!.replace("status=failed", "status=success");
    const error = await confirmConnection(composio, forged, { userId: "user_42" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error).toMatchObject({ status: "FAILED" });
    expect(fake.requests.at(-1)?.operation).toBe("retrieveConnectedAccount");
  });

  it("an error of the request itself is thrown as it is; requestOptions reach the request", async () => {
    const { composio, fake, id } = await connected();
    fake.failNext("retrieveConnectedAccount", { status: 500 });
    await expect(
      confirmConnection(composio, `${CALLBACK}?connectedAccountId=${id}`, {
        userId: "user_42",
        requestOptions: { maxRetries: 0 },
      }),
    ).rejects.toBeInstanceOf(InternalServerError);
    expect(retrieves(fake)).toBe(1);
  });

  it("refuses a missing userId or a callbackUrl that is no URL, naming it", async () => {
    const { composio, id } = await connected();
    const url = `${CALLBACK}?connectedAccountId=${id}`;
    await expect(confirmConnection(composio, url, { userId: "" })).rejects.toThrow(
      "confirmConnection: `userId` must be your signed-in user's id",
    );
    await expect(confirmConnection(composio, url, undefined as never)).rejects.toBeInstanceOf(ComposioError);
    await expect(confirmConnection(composio, "http://[::1", { userId: "user_42" })).rejects.toThrow(
      "confirmConnection: `callbackUrl` is not a URL",
    );
  });
});

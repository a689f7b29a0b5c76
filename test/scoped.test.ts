// forUser, the view of one user's connected accounts, against the fake of /testing: an id that comes
// from a request is checked against the user before anything acts on it. Reads check the answer's
// `user_id`; writes ask the API's own list, filtered to the user and the id, before they are sent.
// Then the two helpers for double clicks: linkOrReuse and cleanUp. Every answer is held to the spec
// after each test (helpers/testing-fake.ts).
import { describe, expect, it } from "vitest";
import {
  AccountNotOwnedError,
  ApiKeyState,
  ComposioError,
  confirmConnection,
  ConnectionFailedError,
  createComposioClient,
  createComposioTransport,
  forUser,
  NotFoundError,
  type AccountsForUser,
} from "../src/index.js";
import { createFakeComposio } from "../src/testing.js";
import {
  AUTH_CONFIGS,
  MANAGED_GITHUB,
  openPage,
  OWN_GMAIL,
  SERPAPI,
  useFake,
} from "./helpers/testing-fake.js";

const setup = useFake();
const CALLBACK = "https://app.example.com/connected";

/** A fake with an ACTIVE GitHub account of user_42 (`mine`) and one of user_7 (`theirs`). */
async function twoUsers() {
  const s = await setup();
  const linked = async (userId: string) => {
    const link = await s.composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: userId });
    s.fake.complete(link.connected_account_id);
    return link.connected_account_id;
  };
  const mine = await linked("user_42");
  const theirs = await linked("user_7");
  const sent = s.fake.requests.length;
  /** What the client sent since the accounts were made, as operationIds. */
  const since = () => s.fake.requests.slice(sent).map((r) => r.operation);
  const queries = () => s.fake.requests.slice(sent).map((r) => r.query);
  return { ...s, mine, theirs, since, queries, user: forUser(s.composio, "user_42") };
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccountNotOwnedError);
  return error as AccountNotOwnedError;
};

describe("forUser: reads", () => {
  it("list: the user's accounts only, with user_ids sent as this user", async () => {
    const { user, mine, since, queries } = await twoUsers();
    const page = await user.list({ statuses: ["ACTIVE"] });
    expect(page.items.map((a) => a.id)).toEqual([mine]);
    const ids: string[] = [];
    for await (const account of user.list()) ids.push(account.id);
    expect(ids).toEqual([mine]);
    expect(since()).toEqual(["listConnectedAccounts", "listConnectedAccounts"]);
    expect(queries()).toEqual([{ statuses: "ACTIVE", user_ids: "user_42" }, { user_ids: "user_42" }]);
  });

  it("list: user_ids naming another user is refused, nothing sent; naming this user is fine", async () => {
    const { user, mine, since } = await twoUsers();
    for (const user_ids of [["user_7"], ["user_42", "user_7"], []]) {
      expect(() => user.list({ user_ids })).toThrow(ComposioError);
      expect(() => user.list({ user_ids })).toThrow(
        "forUser.list: `user_ids` is this user's, set by forUser: leave it out. Nothing was sent.",
      );
    }
    expect(since()).toEqual([]);
    expect((await user.list({ user_ids: ["user_42"] })).items.map((a) => a.id)).toEqual([mine]);
  });

  it("list: an answer holding another user's account is refused, on any page, however it is read", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    // A server (or a proxy) that drops the user filter: on every request, or from the second page on.
    const dropping =
      (when: (url: URL) => boolean): typeof fetch =>
      (input, init) => {
        const url = new URL(new Request(input, init).url);
        if (when(url)) url.searchParams.delete("user_ids");
        return fake.fetch(url, init);
      };
    const client = (when: (url: URL) => boolean) =>
      forUser(createComposioClient({ apiKey: fake.apiKey, fetch: dropping(when), logger: null }), "user_42");
    const ids: string[] = [];
    for (const userId of ["user_42", "user_7", "user_42"]) {
      const link = await forUser(
        createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, logger: null }),
        userId,
      ).link({ auth_config_id: MANAGED_GITHUB });
      ids.push(link.connected_account_id);
    }
    const message =
      "forUser.list: the answer holds an account that is not this user's: the API did not apply the `user_ids` filter (a proxy that drops the query?). Nothing of that page is returned.";
    const refused = async (read: Promise<unknown>) => {
      const error = await refusal(read);
      expect(error.message).toBe(message);
      // For your logs: the account the answer held (never in the message, which an app may show).
      expect(error).toMatchObject({ reason: "other-user", accountId: ids[1] });
      return error;
    };
    const always = () => true;
    await refused(Promise.resolve(client(always).list()));
    await refused(
      (async () => {
        for await (const _ of client(always).list()) void _;
      })(),
    );
    // Page 1 (newest first, one a page) is the user's; page 2 is asked without the filter.
    const later = (url: URL) => url.searchParams.has("cursor");
    const seen: string[] = [];
    await refused(
      (async () => {
        for await (const a of client(later).list({ limit: 1 })) seen.push(a.id);
      })(),
    );
    expect(seen).toEqual([ids[2]]);
    const pages: number[] = [];
    await refused(
      (async () => {
        for await (const p of client(later).list({ limit: 1 }).pages()) pages.push(p.items.length);
      })(),
    );
    expect(pages).toEqual([1]);
    // With the filter applied, every page is the user's own.
    const own: string[] = [];
    for await (const a of client(() => false).list({ limit: 1 })) own.push(a.id);
    expect(own).toEqual([ids[2], ids[0]]);
  });

  it("a userId the list filter would split or trim is refused at once: the view could list other users", () => {
    const composio = createComposioClient({
      apiKey: "ak_test",
      fetch: () => Promise.reject(new Error("sent")),
    });
    for (const userId of ["attacker,victim", " user_42", "user_42\n"])
      expect(() => forUser(composio, userId)).toThrow(
        'forUser: `userId` must hold no "," and no space at either end: the API\'s list filter `user_ids` splits its value at each "," (and a server may trim each part), so such a user\'s accounts could not be listed, and another user\'s could.',
      );
    // Inner spaces and other characters are kept as they are.
    expect(forUser(composio, "Ada Lovelace").userId).toBe("Ada Lovelace");
  });

  it("retrieve: the user's account; another user's and an unknown one are refused alike", async () => {
    const { user, mine, theirs } = await twoUsers();
    expect(await user.retrieve(mine)).toMatchObject({ id: mine, user_id: "user_42", status: "ACTIVE" });
    const other = await refusal(user.retrieve(theirs));
    expect(other).toMatchObject({ reason: "other-user", accountId: theirs });
    const unknown = await refusal(user.retrieve("ca_doesnotexist"));
    expect(unknown).toMatchObject({ reason: "unknown-account", accountId: "ca_doesnotexist" });
    expect(unknown.cause).toBeInstanceOf(NotFoundError);
    // One message for both, and it names neither owner: an app that shows it tells nothing.
    expect(other.message).toBe(`forUser.retrieve: account ${theirs} is not one of this user's accounts.`);
    expect(unknown.message).toBe(
      "forUser.retrieve: account ca_doesnotexist is not one of this user's accounts.",
    );
    expect(JSON.stringify(other)).not.toContain("user_7");
    expect(JSON.stringify(other)).not.toContain("access_token");
  });
});

describe("forUser: writes are checked with the API's list before they are sent", () => {
  const writes = (id: string) =>
    ({
      delete: (u: AccountsForUser) => u.delete(id),
      update: (u: AccountsForUser) => u.update(id, { alias: "work" }),
      updateStatus: (u: AccountsForUser) => u.updateStatus(id, { enabled: false }),
      refresh: (u: AccountsForUser) => u.refresh(id),
      revoke: (u: AccountsForUser) => u.revoke(id),
      waitForConnection: (u: AccountsForUser) => u.waitForConnection(id),
    }) as const;

  it.each(Object.keys(writes("")))(
    "%s on another user's account: refused, one list sent, the account untouched",
    async (name) => {
      const { user, fake, composio, theirs } = await twoUsers();
      const before = await composio.connectedAccounts.retrieve(theirs);
      const sentBefore = fake.requests.length;
      const error = await refusal(writes(theirs)[name as keyof ReturnType<typeof writes>](user));
      expect(error).toMatchObject({ reason: "not-listed", accountId: theirs });
      expect(error.message).toBe(
        `forUser.${name}: account ${theirs} is not one of this user's accounts. Nothing was sent.`,
      );
      expect(fake.requests.slice(sentBefore).map((r) => [r.operation, r.query])).toEqual([
        [
          "listConnectedAccounts",
          { user_ids: "user_42", connected_account_ids: theirs, account_type: "ALL", limit: "1" },
        ],
      ]);
      expect(await composio.connectedAccounts.retrieve(theirs)).toEqual(before);
    },
  );

  it("on the user's own account, each goes through after its check", async () => {
    const { user, fake, mine, since } = await twoUsers();
    await expect(user.update(mine, { alias: "work" })).resolves.toMatchObject({ success: true });
    await expect(user.updateStatus(mine, { enabled: false })).resolves.toEqual({ success: true });
    await expect(user.updateStatus(mine, { enabled: true })).resolves.toEqual({ success: true });
    await expect(user.waitForConnection(mine)).resolves.toMatchObject({ id: mine, alias: "work" });
    await expect(user.revoke(mine)).resolves.toMatchObject({ connected_account: { status: "REVOKED" } });
    await expect(user.delete(mine, { revoke_on_delete: false })).resolves.toMatchObject({ success: true });
    const list = "listConnectedAccounts";
    expect(since()).toEqual([
      list,
      "updateConnectedAccount",
      list,
      "updateConnectedAccountStatus",
      list,
      "updateConnectedAccountStatus",
      list,
      "retrieveConnectedAccount",
      list,
      "revokeConnectedAccount",
      list,
      "deleteConnectedAccount",
    ]);
    expect(fake.requests.at(-1)?.query).toEqual({ revoke_on_delete: "false" });
    // Deleted: a second delete is refused at the check, as an unknown account would be.
    expect(await refusal(user.delete(mine))).toMatchObject({ reason: "not-listed" });
  });

  it("refresh of the user's own account: re-initiated, with its body and query", async () => {
    const { user, mine } = await twoUsers();
    await expect(user.refresh(mine, { redirect_url: `${CALLBACK}?again=1` })).resolves.toMatchObject({
      id: mine,
      status: "INITIATED",
    });
  });

  it("a write whose account is deleted between the check and the write: the 404 becomes the same refusal", async () => {
    const { user, composio, fake, mine } = await twoUsers();
    fake.failNext("updateConnectedAccountStatus", { status: 404 });
    const error = await refusal(user.updateStatus(mine, { enabled: false }, { maxRetries: 0 }));
    expect(error).toMatchObject({ reason: "unknown-account", accountId: mine });
    expect(error.cause).toBeInstanceOf(NotFoundError);
    expect((await composio.connectedAccounts.retrieve(mine)).status).toBe("ACTIVE");
  });

  it("an answer of the check that lists other accounts (a server ignoring the filter) does not pass", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    // A server that drops connected_account_ids: the user's other account comes back.
    const dropping: typeof fetch = (input, init) => {
      const url = new URL(new Request(input, init).url);
      url.searchParams.delete("connected_account_ids");
      return fake.fetch(url, init);
    };
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: dropping, logger: null });
    const link = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_42",
    });
    const other = await composio.connectedAccounts.link({
      auth_config_id: MANAGED_GITHUB,
      user_id: "user_7",
    });
    fake.complete(link.connected_account_id);
    const error = await refusal(forUser(composio, "user_42").delete(other.connected_account_id));
    expect(error.reason).toBe("not-listed");
    expect(fake.requests.map((r) => r.operation).at(-1)).toBe("listConnectedAccounts");
  });

  it("requestOptions reach the check and the write", async () => {
    const { user, fake, mine } = await twoUsers();
    const sent = fake.requests.length;
    await user.updateStatus(mine, { enabled: false }, { headers: { "x-trace": "t1" } });
    expect(fake.requests.slice(sent).map((r) => r.headers["x-trace"])).toEqual(["t1", "t1"]);
    const aborted = AbortSignal.abort();
    await expect(user.delete(mine, undefined, { signal: aborted })).rejects.toThrow(/abort/i);
    expect(fake.requests.length).toBe(sent + 2);
  });
});

describe("forUser: link and create make the user's accounts", () => {
  it("link and create fill in user_id; another user_id is refused before anything is sent", async () => {
    const { user, fake, since } = await twoUsers();
    const link = await user.link({ auth_config_id: MANAGED_GITHUB, callback_url: CALLBACK });
    const created = await user.create({
      auth_config: { id: SERPAPI },
      connection: { state: ApiKeyState.active({ api_key: "serp_key_1" }) },
    });
    expect(fake.requests.at(-2)?.body).toMatchObject({ user_id: "user_42" });
    expect(fake.requests.at(-1)?.body).toMatchObject({ connection: { user_id: "user_42" } });
    expect((await user.retrieve(link.connected_account_id)).user_id).toBe("user_42");
    expect((await user.retrieve(created.id)).user_id).toBe("user_42");
    const sent = since().length;
    await expect(user.link({ auth_config_id: MANAGED_GITHUB, user_id: "user_7" })).rejects.toThrow(
      "forUser.link: `user_id` names another user: leave it out, forUser fills it in. Nothing was sent.",
    );
    await expect(
      user.create({
        auth_config: { id: SERPAPI },
        connection: { user_id: "user_7", state: ApiKeyState.active({ api_key: "k" }) },
      }),
    ).rejects.toThrow("forUser.create: `connection.user_id` names another user");
    expect(since()).toHaveLength(sent);
    // The same user, given again, is fine.
    await expect(user.link({ auth_config_id: MANAGED_GITHUB, user_id: "user_42" })).resolves.toBeDefined();
  });

  it("waitForConnection: the user's pending account ends as a wait does", async () => {
    const { user, fake } = await twoUsers();
    const link = await user.link({ auth_config_id: MANAGED_GITHUB });
    fake.fail(link.connected_account_id);
    await expect(user.waitForConnection(link.connected_account_id)).rejects.toBeInstanceOf(
      ConnectionFailedError,
    );
  });
});

describe("forUser: what it takes", () => {
  it("a transport, and a client of a user API key (list, retrieve, delete, link)", async () => {
    const { fake, fetch, mine, theirs } = await twoUsers();
    const viaTransport = forUser(
      createComposioTransport({ apiKey: fake.apiKey, fetch, logger: null }),
      "user_42",
    );
    expect((await viaTransport.retrieve(mine)).id).toBe(mine);
    await refusal(viaTransport.delete(theirs));

    const asUser = forUser(
      createComposioClient({ userApiKey: fake.userApiKey, fetch, logger: null }),
      "user_42",
    );
    expect((await asUser.list()).items.map((a) => a.id)).toEqual([mine]);
    expect((await asUser.retrieve(mine)).id).toBe(mine);
    await refusal(asUser.retrieve(theirs));
    await refusal(asUser.delete(theirs));
    const link = await asUser.link({ auth_config_id: MANAGED_GITHUB });
    expect((await asUser.retrieve(link.connected_account_id)).user_id).toBe("user_42");
    await expect(asUser.delete(mine)).resolves.toMatchObject({ success: true });
    // A call the key cannot make is refused by the client, as without forUser.
    await expect(
      (asUser as AccountsForUser).updateStatus(link.connected_account_id, {
        enabled: false,
      }),
    ).rejects.toThrow(/x-api-key/);
  });

  it("refuses a missing user, swapped arguments, or something that is no client, naming it", async () => {
    const { composio, fake } = await twoUsers();
    expect(() => forUser(composio, "")).toThrow("forUser: `userId` must be your signed-in user's id");
    expect(() => forUser(composio, undefined as never)).toThrow(ComposioError);
    expect(() => forUser("user_42" as never, composio as never)).toThrow(
      "forUser: arguments swapped: the client (or transport) comes first, then the user's id: forUser(composio, userId).",
    );
    // The key given for the client is not shown.
    expect(() => forUser(fake.apiKey as never, "user_42")).toThrow(
      "forUser: `composio` must be a client or a transport (got a string).",
    );
    await expect(forUser(composio, "user_42").link(fake.apiKey as never)).rejects.toThrow(
      "forUser.link: the body must be an object (got a string). Nothing was sent.",
    );
    expect(() => forUser({} as never, "user_42")).toThrow(
      "forUser: `composio` must be a client (createComposioClient) or a transport (createComposioTransport), got an object.",
    );
  });

  it("an id with the client's key in it is not shown in the message", async () => {
    const { composio, fake } = await twoUsers();
    const error = await refusal(forUser(composio, "user_42").delete(`ca_${fake.apiKey}`));
    expect(error.message).not.toContain(fake.apiKey);
    expect(error.accountId).not.toContain(fake.apiKey);
    const thrown = await forUser(composio, "user_42")
      .retrieve(`ca_${fake.apiKey}`)
      .catch((e: unknown) => e);
    expect(JSON.stringify(thrown)).not.toContain(fake.apiKey);
  });
});

describe("linkOrReuse: a second click gets this session's pending link", () => {
  const body = { auth_config_id: MANAGED_GITHUB, callback_url: CALLBACK };

  it("reuses the pending link this session made, for the same auth config and callback; one account is made", async () => {
    const { user, fake, since, queries } = await twoUsers();
    // The session made no link yet: nothing to reuse, and nothing is asked.
    const first = await user.linkOrReuse(body, { pendingAccountId: undefined });
    const second = await user.linkOrReuse(body, { pendingAccountId: first.connected_account_id });
    expect(first).toMatchObject({ reused: false, link_token: expect.any(String) });
    expect(second).toEqual({
      reused: true,
      connected_account_id: first.connected_account_id,
      redirect_url: first.redirect_url,
      expires_at: first.expires_at,
    });
    expect(since()).toEqual(["createConnectedAccountLink", "listConnectedAccounts"]);
    expect(queries()[1]).toEqual({
      user_ids: "user_42",
      connected_account_ids: first.connected_account_id,
      auth_config_ids: MANAGED_GITHUB,
      statuses: "INITIATED",
      limit: "1",
    });
    // The reused link is the page of the same account: finishing it connects the one account.
    fake.complete(second.connected_account_id);
    expect((await user.retrieve(first.connected_account_id)).status).toBe("ACTIVE");
    // Now nothing is pending: the next click makes a new link.
    const third = await user.linkOrReuse(body, { pendingAccountId: first.connected_account_id });
    expect(third.reused).toBe(false);
    expect(third.connected_account_id).not.toBe(first.connected_account_id);
  });

  it("people who share a user_id never get each other's pending link: each session confirms its own", async () => {
    const { composio, fake } = await twoUsers();
    const team = forUser(composio, "team_1");
    const alice = { linkedAccountId: undefined as string | undefined };
    const bob = { linkedAccountId: undefined as string | undefined };
    for (const session of [alice, bob]) {
      const link = await team.linkOrReuse(body, { pendingAccountId: session.linkedAccountId });
      expect(link.reused).toBe(false);
      session.linkedAccountId = link.connected_account_id;
    }
    expect(bob.linkedAccountId).not.toBe(alice.linkedAccountId);
    // Alice finishes her link with her GitHub: Bob's callback of it is not his link's.
    const account = await composio.connectedAccounts.retrieve(alice.linkedAccountId!);
    const page = await openPage(fake.fetch, (account.state.val as { redirectUrl: string }).redirectUrl);
    const refused = await confirmConnection(composio, page.location!, {
      userId: "team_1",
      expectedAccountId: bob.linkedAccountId,
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: "other-link" });
    // Bob's second click gets his own link back.
    const again = await team.linkOrReuse(body, { pendingAccountId: bob.linkedAccountId });
    expect(again).toMatchObject({ reused: true, connected_account_id: bob.linkedAccountId });
  });

  it("makes a new link for another auth config, callback or alias, another user's pending link, or none given", async () => {
    const { composio, fake, user } = await twoUsers();
    const links = () => fake.requests.filter((r) => r.operation === "createConnectedAccountLink").length;
    for (const other of [
      { auth_config_id: OWN_GMAIL, callback_url: CALLBACK },
      { auth_config_id: MANAGED_GITHUB, callback_url: `${CALLBACK}?from=settings` },
      { auth_config_id: MANAGED_GITHUB, callback_url: CALLBACK, alias: "work" },
      { auth_config_id: MANAGED_GITHUB, callback_url: CALLBACK, connection_data: { subdomain: "x" } },
    ]) {
      // Each time, a pending link that differs from the body in one thing only.
      const pending = await user.link(body);
      const before = links();
      const again = await user.linkOrReuse(other, { pendingAccountId: pending.connected_account_id });
      expect([other, again.reused, links()]).toEqual([other, false, before + 1]);
      expect(again.connected_account_id).not.toBe(pending.connected_account_id);
    }
    // user_7's pending link, named by user_42's session (a cookie from before a sign-in, say).
    const theirs = await forUser(composio, "user_7").link(body);
    const mine = await user.linkOrReuse(body, { pendingAccountId: theirs.connected_account_id });
    expect(mine.reused).toBe(false);
    expect(mine.connected_account_id).not.toBe(theirs.connected_account_id);
    // The user's pending link, but this session did not make it (null: none kept).
    const sent = fake.requests.length;
    expect((await user.linkOrReuse(body, { pendingAccountId: null })).reused).toBe(false);
    expect(fake.requests.slice(sent).map((r) => r.operation)).toEqual(["createConnectedAccountLink"]);
    // The same body as the pending link's is reused: the cases above differ in that one thing.
    expect((await user.linkOrReuse(body, { pendingAccountId: mine.connected_account_id })).reused).toBe(true);
  });

  it("pendingAccountId is required (undefined when the session made no link), and checked", async () => {
    const { user, since } = await twoUsers();
    const missing =
      "forUser.linkOrReuse: pass `pendingAccountId`: the connected_account_id of the link this session made last (what it keeps for confirmConnection's expectedAccountId), or undefined when it made none. Only that link is reused, so that people who share a user_id never get each other's. Nothing was sent.";
    await expect(user.linkOrReuse(body, undefined as never)).rejects.toThrow(missing);
    await expect(user.linkOrReuse(body, { maxAgeMs: 1000 } as never)).rejects.toThrow(missing);
    await expect(user.linkOrReuse(body, { pendingAccountId: "" })).rejects.toThrow(
      "forUser.linkOrReuse: `pendingAccountId` must be the connected_account_id of this session's link, a non-empty string, or undefined when it made none (got an empty string). Nothing was sent.",
    );
    await expect(user.linkOrReuse(body, { pendingAccountId: 42 as never })).rejects.toThrow("(got 42)");
    await expect(user.linkOrReuse(body, { pendingAccountId: undefined, maxAge: 1 } as never)).rejects.toThrow(
      "forUser.linkOrReuse: unknown option `maxAge`; did you mean `maxAgeMs`?",
    );
    await expect(
      user.linkOrReuse(body, { pendingAccountId: undefined, maxAgeMs: 11 * 60_000 }),
    ).rejects.toThrow("forUser.linkOrReuse: `maxAgeMs` must be a number of milliseconds from 0 to 600000");
    expect(since()).toEqual([]);
  });

  it("a pending link's age is read on the client's clock: the fake's time, however far from the wall clock", async () => {
    for (const now of ["2024-01-01T00:00:00Z", Date.now() + 365 * 86_400_000]) {
      const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS, now });
      const composio = createComposioClient({
        apiKey: fake.apiKey,
        fetch: fake.fetch,
        clock: fake.clock,
        logger: null,
      });
      for (const user of [
        forUser(composio, "user_42"),
        forUser(
          createComposioTransport({
            apiKey: fake.apiKey,
            fetch: fake.fetch,
            clock: fake.clock,
            logger: null,
          }),
          "user_42",
        ),
      ]) {
        const first = await user.linkOrReuse(body, { pendingAccountId: undefined });
        const pendingAccountId = first.connected_account_id;
        expect((await user.linkOrReuse(body, { pendingAccountId })).reused).toBe(true);
        // Four fake minutes on: within the default five.
        fake.advance(4 * 60_000);
        expect((await user.linkOrReuse(body, { pendingAccountId })).reused).toBe(true);
        expect((await user.linkOrReuse(body, { pendingAccountId, maxAgeMs: 3 * 60_000 })).reused).toBe(false);
        // Six: too old to leave the user time, though still INITIATED.
        fake.advance(2 * 60_000);
        expect((await composio.connectedAccounts.retrieve(pendingAccountId)).status).toBe("INITIATED");
        expect((await user.linkOrReuse(body, { pendingAccountId })).reused).toBe(false);
        expect((await user.linkOrReuse(body, { pendingAccountId, maxAgeMs: 7 * 60_000 })).reused).toBe(true);
      }
    }
  });

  it("without a clock of the fake's, the time of day is this machine's", async () => {
    // The fake's clock is six minutes behind: what it makes now looks six minutes old.
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS, now: Date.now() - 6 * 60_000 });
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: fake.fetch, logger: null });
    const user = forUser(composio, "user_42");
    const { connected_account_id: pendingAccountId } = await user.link(body);
    expect((await user.linkOrReuse(body, { pendingAccountId })).reused).toBe(false);
    const reused = await user.linkOrReuse(body, { pendingAccountId, maxAgeMs: 7 * 60_000 });
    expect(reused).toMatchObject({ reused: true, connected_account_id: pendingAccountId });
  });

  it("a pending account whose state holds no URL to send the user to (a form's may not): a new link", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    // A server whose INITIATED states say nothing of where to go, as the spec allows for API keys.
    const withoutUrl: typeof fetch = async (input, init) => {
      const response = await fake.fetch(input, init);
      if (new Request(input, init).method !== "GET") return response;
      const page = (await response.json()) as { items: { state: { val: Record<string, unknown> } }[] };
      for (const item of page.items) delete item.state.val.redirectUrl;
      return Response.json(page, { status: response.status });
    };
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: withoutUrl, logger: null });
    const user = forUser(composio, "user_42");
    const first = await user.linkOrReuse({ auth_config_id: SERPAPI }, { pendingAccountId: undefined });
    const second = await user.linkOrReuse(
      { auth_config_id: SERPAPI },
      { pendingAccountId: first.connected_account_id },
    );
    expect([first.reused, second.reused]).toEqual([false, false]);
    expect(fake.requests.map((r) => r.operation)).toEqual([
      "createConnectedAccountLink",
      "listConnectedAccounts",
      "createConnectedAccountLink",
    ]);
  });
});

describe("cleanUp: a user's FAILED and EXPIRED accounts", () => {
  it("deletes the user's failed accounts only, and says which", async () => {
    const { user, composio, fake, mine } = await twoUsers();
    const made = async (userId: string, end: "fail" | "pending" | "complete") => {
      const { connected_account_id: id } = await composio.connectedAccounts.link({
        auth_config_id: MANAGED_GITHUB,
        user_id: userId,
      });
      if (end === "fail") fake.fail(id);
      if (end === "complete") fake.complete(id);
      return id;
    };
    const failed = [await made("user_42", "fail"), await made("user_42", "fail")];
    const pending = await made("user_42", "pending");
    const theirs = await made("user_7", "fail");
    const sent = fake.requests.length;

    const result = await user.cleanUp();
    expect(result.more).toBe(false);
    expect([...result.deleted].sort()).toEqual([...failed].sort());
    const calls = fake.requests.slice(sent);
    expect(calls[0]).toMatchObject({
      operation: "listConnectedAccounts",
      query: { user_ids: "user_42", statuses: "FAILED,EXPIRED", account_type: "ALL", limit: "50" },
    });
    expect(calls.map((r) => r.operation)).toEqual([
      "listConnectedAccounts",
      "deleteConnectedAccount",
      "deleteConnectedAccount",
      "listConnectedAccounts",
    ]);
    const left = await composio.connectedAccounts.list({ connected_account_ids: [mine, pending, theirs] });
    expect(left.items.map((a) => a.id).sort()).toEqual([mine, pending, theirs].sort());
    expect(await user.cleanUp()).toEqual({ deleted: [], more: false });
  });

  it("bounded: maxDeletes and maxPages stop it, with more: true; the next call goes on", async () => {
    const { user, composio, fake } = await twoUsers();
    for (let i = 0; i < 5; i++) {
      const { connected_account_id: id } = await composio.connectedAccounts.link({
        auth_config_id: MANAGED_GITHUB,
        user_id: "user_42",
      });
      fake.fail(id);
    }
    expect(await user.cleanUp({ maxDeletes: 2 })).toMatchObject({
      deleted: [expect.any(String), expect.any(String)],
      more: true,
    });
    const sent = fake.requests.length;
    expect(await user.cleanUp({ maxDeletes: 2, maxPages: 1 })).toMatchObject({ more: true });
    expect(fake.requests.slice(sent).map((r) => r.operation)).toEqual([
      "listConnectedAccounts",
      "deleteConnectedAccount",
      "deleteConnectedAccount",
    ]);
    expect(await user.cleanUp()).toMatchObject({ deleted: [expect.any(String)], more: false });
    await expect(user.cleanUp({ maxDeletes: 0 })).rejects.toThrow("forUser.cleanUp: `maxDeletes` must be");
  });

  it("never deletes an account the answer says is ACTIVE, INITIATED or another user's, whatever the filter", async () => {
    const fake = createFakeComposio({ authConfigs: AUTH_CONFIGS });
    // A server that ignores the statuses and user filters: everything comes back.
    const ignoring: typeof fetch = (input, init) => {
      const url = new URL(new Request(input, init).url);
      url.searchParams.delete("statuses");
      url.searchParams.delete("user_ids");
      return fake.fetch(url, init);
    };
    const composio = createComposioClient({ apiKey: fake.apiKey, fetch: ignoring, logger: null });
    const ids: Record<string, string> = {};
    for (const [name, userId] of [
      ["active", "user_42"],
      ["pending", "user_42"],
      ["failed", "user_42"],
      ["theirs", "user_7"],
    ]) {
      ids[name!] = (
        await composio.connectedAccounts.link({ auth_config_id: MANAGED_GITHUB, user_id: userId! })
      ).connected_account_id;
    }
    fake.complete(ids.active!);
    fake.fail(ids.failed!);
    fake.fail(ids.theirs!);
    expect(await forUser(composio, "user_42").cleanUp()).toEqual({ deleted: [ids.failed], more: false });
    expect(fake.requests.filter((r) => r.operation === "deleteConnectedAccount")).toHaveLength(1);
  });

  it("an account deleted meanwhile (404) is skipped; another error ends it", async () => {
    const { user, composio, fake } = await twoUsers();
    for (let i = 0; i < 2; i++) {
      const { connected_account_id: id } = await composio.connectedAccounts.link({
        auth_config_id: MANAGED_GITHUB,
        user_id: "user_42",
      });
      fake.fail(id);
    }
    fake.failNext("deleteConnectedAccount", { status: 404 });
    expect((await user.cleanUp()).deleted).toHaveLength(1);
    fake.failNext("deleteConnectedAccount", { status: 400 });
    await expect(user.cleanUp()).rejects.toBeInstanceOf(ComposioError);
  });
});

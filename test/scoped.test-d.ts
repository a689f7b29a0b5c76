// Type tests of forUser: a client of either key or a transport gives the view its key may call, and
// the view's bodies and answers are typed as the client's are (none of them `any`).
import { describe, expectTypeOf, it } from "vitest";
import {
  createComposioClient,
  createComposioTransport,
  forUser,
  type AccountsForUser,
  type CreateConnectedAccountLinkResponse,
  type LinkForUserParams,
  type NotOwnedReason,
  type PendingLink,
  type RetrieveConnectedAccountResponse,
  type UserKeyAccountsForUser,
  AccountNotOwnedError,
} from "../src/index.js";

const client = createComposioClient({ apiKey: "k" });
const asUser = createComposioClient({ userApiKey: "u" });
const transport = createComposioTransport({ apiKey: "k" });

describe("forUser", () => {
  it("is typed by what it is given: every operation for the project key, a user key's four", () => {
    expectTypeOf(forUser(client, "user_42")).toEqualTypeOf<AccountsForUser>();
    expectTypeOf(forUser(transport, "user_42")).toEqualTypeOf<AccountsForUser>();
    expectTypeOf(forUser(asUser, "user_42")).toEqualTypeOf<UserKeyAccountsForUser>();
    expectTypeOf(forUser(asUser, "user_42")).not.toHaveProperty("update");
    expectTypeOf(forUser(asUser, "user_42")).toHaveProperty("linkOrReuse");
    // @ts-expect-error a user API key cannot revoke
    void forUser(asUser, "user_42").revoke("ca_1");
    // @ts-expect-error the client comes first
    void forUser("user_42", client);
  });

  it("its answers are the client's, and link takes no user_id (or this one)", () => {
    const user = forUser(client, "user_42");
    expectTypeOf(user.retrieve("ca_1")).toEqualTypeOf<Promise<RetrieveConnectedAccountResponse>>();
    expectTypeOf(user.link({ auth_config_id: "ac_1" })).toEqualTypeOf<
      Promise<CreateConnectedAccountLinkResponse>
    >();
    void user.link({ auth_config_id: "ac_1", user_id: "user_42" });
    // @ts-expect-error an auth config is still required
    void user.link({ user_id: "user_42" });
    expectTypeOf(user.linkOrReuse({ auth_config_id: "ac_1" }, { pendingAccountId: undefined })).toEqualTypeOf<
      Promise<PendingLink>
    >();
    // @ts-expect-error the session's pending id (or undefined) is required: reuse is of that link only
    void user.linkOrReuse({ auth_config_id: "ac_1" });
    // @ts-expect-error … even with other options
    void user.linkOrReuse({ auth_config_id: "ac_1" }, { maxAgeMs: 1000 });
    const session: { linkedAccountId?: string } = {};
    void user.linkOrReuse({ auth_config_id: "ac_1" }, { pendingAccountId: session.linkedAccountId });
  });

  it("its operations are the client's own (the view is typed from them)", () => {
    const user = forUser(client, "user_42");
    expectTypeOf(user.delete).toEqualTypeOf(client.connectedAccounts.delete);
    expectTypeOf(user.list).toEqualTypeOf(client.connectedAccounts.list);
    expectTypeOf(user.refresh).toEqualTypeOf(client.connectedAccounts.refresh);
    expectTypeOf(user.waitForConnection).toEqualTypeOf(client.connectedAccounts.waitForConnection);
    expectTypeOf(forUser(asUser, "user_42").delete).toEqualTypeOf(asUser.connectedAccounts.delete);
    expectTypeOf<Parameters<AccountsForUser["link"]>[0]>().toEqualTypeOf<LinkForUserParams>();
  });

  it("a reused link has no token; a new one has", async () => {
    const link = await forUser(client, "user_42").linkOrReuse(
      { auth_config_id: "ac_1" },
      { pendingAccountId: "ca_1" },
    );
    expectTypeOf(link.redirect_url).toEqualTypeOf<string>();
    if (link.reused) expectTypeOf(link.link_token).toEqualTypeOf<undefined>();
    else expectTypeOf(link.link_token).toEqualTypeOf<string>();
  });

  it("AccountNotOwnedError says why", () => {
    expectTypeOf<AccountNotOwnedError["reason"]>().toEqualTypeOf<NotOwnedReason>();
    expectTypeOf<NotOwnedReason>().toEqualTypeOf<"other-user" | "unknown-account" | "not-listed">();
  });
});

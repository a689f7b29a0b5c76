// Type tests: the idioms people type a client and its calls with (`ReturnType<typeof …>`,
// `Parameters<…>[0]`, `Awaited<ReturnType<…>>`) give the real types, never `any`: an `any` would
// let every later mistake through without a word.
import { describe, expectTypeOf, it } from "vitest";
import {
  createComposioClient,
  createComposioTransport,
  type ClientFor,
  type ClientOptions,
  type CompleteConnectedAccountAuthParams,
  type CompleteConnectedAccountAuthResponse,
  type ComposioClient,
  type ConnectedAccounts,
  type CreateConnectedAccountLinkParams,
  type CreateConnectedAccountLinkResponse,
  type CreateConnectedAccountParams,
  type CreateConnectedAccountResponse,
  type DeleteConnectedAccountResponse,
  type ListConnectedAccountsQuery,
  type ListConnectedAccountsResponse,
  type RefreshConnectedAccountResponse,
  type RequestOptions,
  type RetrieveConnectedAccountResponse,
  type RevokeConnectedAccountResponse,
  type Transport,
  type UpdateConnectedAccountParams,
  type UpdateConnectedAccountResponse,
  type UpdateConnectedAccountStatusParams,
  type UpdateConnectedAccountStatusResponse,
  type UserKeyComposioClient,
  type WaitOptions,
} from "../src/index.js";

/** True only for `any`: `expectTypeOf<any>().toEqualTypeOf<X>()` fails, but say so plainly first. */
type IsAny<T> = 0 extends 1 & T ? true : false;

const composio = createComposioClient({ apiKey: "k" });
const asUser = createComposioClient({ userApiKey: "u" });
type Accounts = typeof composio.connectedAccounts;
type UserAccounts = typeof asUser.connectedAccounts;

describe("the self-test", () => {
  it("IsAny tells any from everything else", () => {
    expectTypeOf<IsAny<any>>().toEqualTypeOf<true>();
    expectTypeOf<IsAny<unknown>>().toEqualTypeOf<false>();
    expectTypeOf<IsAny<never>>().toEqualTypeOf<false>();
    expectTypeOf<IsAny<ComposioClient>>().toEqualTypeOf<false>();
  });
});

describe("the factories", () => {
  it("ReturnType<typeof createComposioClient> is the client", () => {
    type Client = ReturnType<typeof createComposioClient>;
    expectTypeOf<IsAny<Client>>().toEqualTypeOf<false>();
    expectTypeOf<Client>().toEqualTypeOf<ComposioClient>();
    // What people do with it: hold a client made elsewhere.
    const held: Client = composio;
    expectTypeOf(
      held.connectedAccounts.create,
    ).returns.resolves.toEqualTypeOf<CreateConnectedAccountResponse>();
  });

  it("Parameters<typeof createComposioClient>[0] is the options", () => {
    type Options = Parameters<typeof createComposioClient>[0];
    expectTypeOf<IsAny<Options>>().toEqualTypeOf<false>();
    expectTypeOf<Options>().toEqualTypeOf<ClientOptions>();
  });

  it("ReturnType<typeof createComposioTransport> is the transport", () => {
    type Made = ReturnType<typeof createComposioTransport>;
    expectTypeOf<IsAny<Made>>().toEqualTypeOf<false>();
    expectTypeOf<Made>().toEqualTypeOf<Transport>();
    expectTypeOf<Parameters<typeof createComposioTransport>[0]>().toEqualTypeOf<ClientOptions>();
  });

  it("ClientFor names the client options make, `any` included", () => {
    expectTypeOf<ClientFor<{ apiKey: string }>>().toEqualTypeOf<ComposioClient>();
    expectTypeOf<ClientFor<{ userApiKey: string }>>().toEqualTypeOf<UserKeyComposioClient>();
    expectTypeOf<ClientFor<ClientOptions>>().toEqualTypeOf<ComposioClient>();
    expectTypeOf<IsAny<ClientFor<any>>>().toEqualTypeOf<false>();
    expectTypeOf<ClientFor<any>>().toEqualTypeOf<ComposioClient>();
  });

  it("the exported client types are what the factory makes", () => {
    expectTypeOf(composio).toEqualTypeOf<ComposioClient>();
    expectTypeOf(asUser).toEqualTypeOf<UserKeyComposioClient>();
    expectTypeOf<ComposioClient["connectedAccounts"]>().toEqualTypeOf<ConnectedAccounts>();
    expectTypeOf<IsAny<typeof composio | typeof asUser | Accounts | UserAccounts>>().toEqualTypeOf<false>();
  });
});

describe("Parameters<typeof composio.connectedAccounts.X>", () => {
  it("are the bodies, queries and options each method takes", () => {
    expectTypeOf<IsAny<Parameters<Accounts["create"]>[0]>>().toEqualTypeOf<false>();
    expectTypeOf<
      Parameters<typeof composio.connectedAccounts.create>[0]
    >().toEqualTypeOf<CreateConnectedAccountParams>();
    expectTypeOf<Parameters<Accounts["create"]>[1]>().toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf<Parameters<Accounts["link"]>[0]>().toEqualTypeOf<CreateConnectedAccountLinkParams>();
    expectTypeOf<Parameters<Accounts["list"]>[0]>().toEqualTypeOf<ListConnectedAccountsQuery | undefined>();
    expectTypeOf<Parameters<Accounts["update"]>[1]>().toEqualTypeOf<UpdateConnectedAccountParams>();
    expectTypeOf<
      Parameters<Accounts["updateStatus"]>[1]
    >().toEqualTypeOf<UpdateConnectedAccountStatusParams>();
    expectTypeOf<
      Parameters<Accounts["completeAuth"]>[0]
    >().toEqualTypeOf<CompleteConnectedAccountAuthParams>();
    expectTypeOf<Parameters<Accounts["waitForConnection"]>[1]>().toEqualTypeOf<WaitOptions | undefined>();
    expectTypeOf<Parameters<UserAccounts["link"]>[0]>().toEqualTypeOf<CreateConnectedAccountLinkParams>();
  });
});

describe("Awaited<ReturnType<typeof composio.connectedAccounts.X>>", () => {
  // Each method's answer, as a user names it to pass it on.
  type Answer<K extends keyof Accounts> = Awaited<ReturnType<Accounts[K]>>;
  type UserAnswer<K extends keyof UserAccounts> = Awaited<ReturnType<UserAccounts[K]>>;

  it("is the answer of each method, none of them any", () => {
    expectTypeOf<IsAny<Awaited<ReturnType<typeof composio.connectedAccounts.list>>>>().toEqualTypeOf<false>();
    expectTypeOf<
      Awaited<ReturnType<typeof composio.connectedAccounts.list>>
    >().toEqualTypeOf<ListConnectedAccountsResponse>();
    expectTypeOf<Answer<"retrieve">>().toEqualTypeOf<RetrieveConnectedAccountResponse>();
    expectTypeOf<Answer<"create">>().toEqualTypeOf<CreateConnectedAccountResponse>();
    expectTypeOf<Answer<"link">>().toEqualTypeOf<CreateConnectedAccountLinkResponse>();
    expectTypeOf<Answer<"update">>().toEqualTypeOf<UpdateConnectedAccountResponse>();
    expectTypeOf<Answer<"updateStatus">>().toEqualTypeOf<UpdateConnectedAccountStatusResponse>();
    expectTypeOf<Answer<"refresh">>().toEqualTypeOf<RefreshConnectedAccountResponse>();
    expectTypeOf<Answer<"revoke">>().toEqualTypeOf<RevokeConnectedAccountResponse>();
    expectTypeOf<Answer<"delete">>().toEqualTypeOf<DeleteConnectedAccountResponse>();
    expectTypeOf<Answer<"completeAuth">>().toEqualTypeOf<CompleteConnectedAccountAuthResponse>();
    expectTypeOf<Answer<"waitForConnection">>().toEqualTypeOf<RetrieveConnectedAccountResponse>();
    // Every method, so that one added later is covered too.
    expectTypeOf<{ [K in keyof Accounts]: IsAny<Answer<K>> }[keyof Accounts]>().toEqualTypeOf<false>();
  });

  it("on a client made with userApiKey, is the answer of each method it has", () => {
    expectTypeOf<UserAnswer<"list">>().toEqualTypeOf<ListConnectedAccountsResponse>();
    expectTypeOf<UserAnswer<"retrieve">>().toEqualTypeOf<RetrieveConnectedAccountResponse>();
    expectTypeOf<UserAnswer<"link">>().toEqualTypeOf<CreateConnectedAccountLinkResponse>();
    expectTypeOf<UserAnswer<"delete">>().toEqualTypeOf<DeleteConnectedAccountResponse>();
    expectTypeOf<UserAnswer<"waitForConnection">>().toEqualTypeOf<RetrieveConnectedAccountResponse>();
    expectTypeOf<
      { [K in keyof UserAccounts]: IsAny<UserAnswer<K>> }[keyof UserAccounts]
    >().toEqualTypeOf<false>();
    // @ts-expect-error a user API key cannot call create: the idiom names no method
    type _NoCreate = UserAnswer<"create">;
  });
});

// What the loopback server answers, and the shape of the list every contender walks: realistic
// bodies as the API sends them (the state union with its tokens, the deprecated mirrors of it).
import { listedAccount } from "../fixtures/accounts.js";

/** The account every contender retrieves. */
export const ACCOUNT_ID = "ca_4f9d2b7c1e0a";
/** The list every contender walks: PAGES pages of PAGE_SIZE accounts. */
export const PAGES = 50;
export const PAGE_SIZE = 20;
/** The filters each page request carries, as a user listing their accounts would send them. */
export const LIST_QUERY = { user_ids: ["user_42"], limit: PAGE_SIZE };

/** The answer of a create: an OAuth 2 connection, INITIATED. */
export const CREATED = {
  id: ACCOUNT_ID,
  connectionData: {
    authScheme: "OAUTH2",
    val: {
      status: "INITIATED",
      redirectUrl: "https://backend.composio.dev/api/v3/s/abc123",
      callback_url: "https://app.example.com/oauth/done",
      code_verifier: "0123456789abcdef0123456789abcdef",
    },
  },
  status: "INITIATED",
  redirect_url: "https://backend.composio.dev/api/v3/s/abc123",
  redirect_uri: "https://backend.composio.dev/api/v3/s/abc123",
  deprecated: {
    uuid: "550e8400-e29b-41d4-a716-446655440000",
    authConfigUuid: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  },
};

// The states of the accounts, one per scheme as the API sends them when ACTIVE (with tokens).
const STATES = [
  {
    authScheme: "OAUTH2",
    val: {
      status: "ACTIVE",
      access_token: "gho_16C7e42F292c6912E7710c838347Ae178B4a",
      refresh_token: "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c",
      id_token: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzQyIn0.c2lnbmF0dXJl",
      token_type: "Bearer",
      expires_in: 28800,
      scope: "repo read:user user:email",
      callback_url: "https://app.example.com/oauth/done",
    },
  },
  { authScheme: "API_KEY", val: { status: "ACTIVE", api_key: "sk_live_51H8bYqKZ2m9xJ3rT4vW7pQe" } },
  {
    authScheme: "BEARER_TOKEN",
    val: { status: "ACTIVE", token: "xoxb-2951-7730-3Bd9sP0qkWmRx4TfE1u6yZ" },
  },
  {
    authScheme: "BASIC",
    val: { status: "ACTIVE", username: "ops@example.com", password: "correct-horse-battery" },
  },
] as const;
const TOOLKITS = ["github", "slack", "notion", "jira"];

/** One account as list answers it (retrieve adds `params`). */
export function account(index: number): Record<string, unknown> {
  const state = STATES[index % STATES.length]!;
  const id = index === 0 ? ACCOUNT_ID : `ca_${index.toString(36).padStart(10, "0")}`;
  return listedAccount(id, state, {
    toolkit: { slug: TOOLKITS[index % TOOLKITS.length] },
    word_id: `brave-otter-${index}`,
    test_request_endpoint: "https://api.github.com/user",
    deprecated: { labels: [], uuid: "550e8400-e29b-41d4-a716-446655440000" },
  });
}

/** The answer of a retrieve: an OAuth 2 account, ACTIVE, with its tokens. */
export const RETRIEVED = { ...account(0), params: { ...STATES[0].val } };

/** The cursor of page `page` (from 1): opaque to clients, as the API's is. */
export function cursorOf(page: number): string {
  return Buffer.from(JSON.stringify({ page, limit: PAGE_SIZE })).toString("base64url");
}

/** Page `page` (from 1) of the list. */
export function listPage(page: number): Record<string, unknown> {
  return {
    items: Array.from({ length: PAGE_SIZE }, (_, i) => account((page - 1) * PAGE_SIZE + i)),
    next_cursor: page < PAGES ? cursorOf(page + 1) : null,
    total_pages: PAGES,
    current_page: page,
    total_items: PAGES * PAGE_SIZE,
  };
}

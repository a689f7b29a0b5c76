// The hosted page (`redirect_url`): the user's browser, not an API client, opens it. Opening it is
// the user finishing there: the account turns ACTIVE (or FAILED, with `?error=…`, the provider's
// answer when the user says no), and the browser goes on to the app's `callback_url`, with the
// query Composio adds: `status` (`success` or `failed`) and the account's id as `connectedAccountId`.
import type { FakeStore } from "./accounts.js";

/** The query parameters Composio adds to the `callback_url` when the user leaves its page. */
export const CALLBACK_STATUS = "status";
export const CALLBACK_ACCOUNT_ID = "connectedAccountId";

const DECLINED_REASON = "OAuth callback failed during token exchange";

const html = (status: number, text: string) =>
  new Response(`<!doctype html><title>Fake Composio</title><p>${text}</p>`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });

export function hostedPage(store: FakeStore, token: string, url: URL): Response {
  const account = [...store.accounts.values()].find(
    (a) => !a.deleted && a.status === "INITIATED" && a.pageToken === token,
  );
  if (!account) return html(410, "This link has expired or was already used.");
  const declined = url.searchParams.get("error");
  if (declined) store.fail(account, DECLINED_REASON);
  else store.connect(account);
  if (!account.callbackUrl)
    return html(
      200,
      declined ? "Not connected. You can close this tab." : "Connected. You can close this tab.",
    );
  const back = new URL(account.callbackUrl);
  back.searchParams.set(CALLBACK_STATUS, declined ? "failed" : "success");
  back.searchParams.set(CALLBACK_ACCOUNT_ID, account.id);
  return new Response(null, { status: 302, headers: { location: back.href } });
}

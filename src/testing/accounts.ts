// The fake's memory: its auth configs, its connected accounts, and a clock that moves only when the
// test says so. Accounts change here as the API changes them (lifecycle.md): INITIATED until the
// user finishes (ACTIVE) or fails, FAILED after ten minutes, INACTIVE when disabled, REVOKED, and
// deleted softly. Their `state` is made with the builders generated from the spec, so a scheme or
// status the spec adds is known here without a change.
import {
  ApiKeyState,
  BasicState,
  BasicWithJwtState,
  BearerTokenState,
  BillcomAuthState,
  CalcomAuthState,
  CimdOAuthState,
  DcrOAuthState,
  GoogleServiceAccountState,
  NoAuthState,
  OAuth1State,
  OAuth2State,
  S2SOAuth2State,
  SamlState,
  ServiceAccountState,
} from "../../generated/connection-state.js";
import type { components } from "../../generated/schema.js";
import { ComposioError } from "../errors.js";
import type { UnknownValue } from "../runtime.js";

/** An auth scheme the spec knows. */
export type FakeAuthScheme = Exclude<components["schemas"]["AuthScheme"], UnknownValue>;
/** A connection status the spec knows. */
export type FakeStatus = Exclude<components["schemas"]["ConnectionStatus"], UnknownValue>;
type ConnectionState = components["schemas"]["ConnectionState"];
type AccountSharing = components["schemas"]["AccountSharing"];

/** An auth config the fake knows: what `auth_config_id` names in link and create. */
export interface FakeAuthConfig {
  /** Its id, e.g. `"ac_github"`. */
  id: string;
  /** The toolkit (the service) it connects to, e.g. `"github"`. */
  toolkit: string;
  /** How the service authenticates. */
  authScheme: FakeAuthScheme;
  /**
   * Composio's own OAuth app (OAUTH1, OAUTH2 or DCR_OAUTH only): `create` refuses it with the
   * API's 400 that points to `link`, as the API does since mid-2026.
   * @default false
   */
  managed?: boolean;
}

/** An INITIATED connection fails on the server after ten minutes. */
export const INITIATION_TTL_MS = 10 * 60_000;
export const EXPIRED_REASON = "Connection initiation did not complete within 10 minutes";

const MANAGEABLE = new Set<string>(["OAUTH1", "OAUTH2", "DCR_OAUTH"]);

// What a connection of each scheme holds once the user has finished: `complete()` makes up these
// values (a create with credentials brings its own). They are the fields the spec requires for
// ACTIVE, and the refresh token OAuth apps usually get; the tests check every scheme's answers.
const CREDENTIALS: Partial<Record<string, readonly string[]>> = {
  OAUTH1: ["oauth_token", "oauth_token_secret"],
  OAUTH2: ["access_token", "refresh_token"],
  API_KEY: ["api_key"],
  BASIC: ["username", "password"],
  BILLCOM_AUTH: ["sessionId", "devKey"],
  BEARER_TOKEN: ["token"],
  GOOGLE_SERVICE_ACCOUNT: ["credentials_json"],
  BASIC_WITH_JWT: ["username", "password"],
  SERVICE_ACCOUNT: ["application_id", "installation_id", "private_key"],
  DCR_OAUTH: ["client_id", "access_token", "refresh_token"],
  CIMD_OAUTH: ["access_token", "refresh_token"],
  S2S_OAUTH2: ["access_token"],
};
// What an INITIATED state carries beside `redirectUrl` (an OAuth 1 request token, a DCR client).
const INITIATION: Partial<Record<string, readonly string[]>> = {
  OAUTH1: ["oauth_token", "oauth_token_secret"],
  DCR_OAUTH: ["client_id"],
};
/** The schemes whose FAILED and EXPIRED states still carry the credentials (the spec requires them). */
const FAILS_WITH_CREDENTIALS = new Set<string>(["BASIC_WITH_JWT"]);
/** The schemes whose credentials come from a consent screen: the only ones refresh re-authorizes. */
const CONSENT = new Set<string>(["OAUTH1", "OAUTH2", "DCR_OAUTH", "CIMD_OAUTH"]);

type Builder = Partial<Record<string, (val?: Record<string, unknown>) => ConnectionState>>;

// Each scheme's builder object: a scheme the spec adds fails to compile here until it is listed.
// (Named imports, not `import *`: a namespace object would keep every builder in the bundles of
// apps that use one.)
const BUILDER_OF: Record<FakeAuthScheme, object> = {
  OAUTH1: OAuth1State,
  OAUTH2: OAuth2State,
  API_KEY: ApiKeyState,
  BASIC: BasicState,
  BILLCOM_AUTH: BillcomAuthState,
  BEARER_TOKEN: BearerTokenState,
  GOOGLE_SERVICE_ACCOUNT: GoogleServiceAccountState,
  NO_AUTH: NoAuthState,
  BASIC_WITH_JWT: BasicWithJwtState,
  CALCOM_AUTH: CalcomAuthState,
  SERVICE_ACCOUNT: ServiceAccountState,
  SAML: SamlState,
  DCR_OAUTH: DcrOAuthState,
  CIMD_OAUTH: CimdOAuthState,
  S2S_OAUTH2: S2SOAuth2State,
};
// Called with fields assembled at run time, so typed loosely here; the tests check every scheme's
// and status's answers against the spec.
const BUILDERS = new Map(Object.entries(BUILDER_OF) as [string, Builder][]);

export interface Account {
  id: string;
  config: FakeAuthConfig;
  userId: string;
  alias: string | null;
  status: FakeStatus;
  statusReason: string | null;
  /** On the fake's clock, ms. */
  createdAt: number;
  updatedAt: number;
  /** Creation and change order: accounts made or changed at the same instant still sort. */
  createdSeq: number;
  updatedSeq: number;
  deleted: boolean;
  /** The `val` fields beside `status`: credentials once connected, settings such as `subdomain`. */
  fields: Record<string, unknown>;
  experimental?: AccountSharing;
  /** While INITIATED: when it began (for the expiry), the page the user opens, where they go after. */
  initiatedAt?: number;
  pageToken?: string;
  callbackUrl?: string;
  /** The session of a deferred OAuth connection, for completeAuth: the last part of its URI. */
  session?: string;
  failure?: { error: string; error_description: string };
  revokedAt?: number;
}

/** Random letters and digits from Web Crypto (no Node built-in). */
export function randomId(prefix: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return prefix + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** The fake's origin while it does not listen: no such host exists, and `fake.fetch` serves it. */
export const FAKE_ORIGIN = "https://fake-composio.invalid";

export class FakeStore {
  readonly configs = new Map<string, FakeAuthConfig>();
  readonly accounts = new Map<string, Account>();
  now: number;
  #seq = 0;

  constructor(
    configs: readonly FakeAuthConfig[],
    start: number,
    /** Where hosted pages live: the listening server's address, else the fake's own origin. */
    readonly pageOrigin: () => string = () => FAKE_ORIGIN,
  ) {
    this.now = start;
    for (const [i, config] of configs.entries()) {
      const where = `createFakeComposio: authConfigs[${i}]`;
      if (typeof config?.id !== "string" || config.id === "")
        throw new ComposioError(`${where}.id must be a non-empty string.`);
      if (this.configs.has(config.id)) throw new ComposioError(`${where}.id ${config.id} is there twice.`);
      if (typeof config.toolkit !== "string" || config.toolkit === "")
        throw new ComposioError(`${where}.toolkit must be a non-empty string (a toolkit slug).`);
      if (!BUILDERS.has(config.authScheme))
        throw new ComposioError(
          `${where}.authScheme is ${JSON.stringify(config.authScheme)}; the spec knows ${[...BUILDERS.keys()].join(", ")}.`,
        );
      if (config.managed && !MANAGEABLE.has(config.authScheme))
        throw new ComposioError(
          `${where}.managed: Composio manages OAuth apps only (${[...MANAGEABLE].join(", ")}), not ${config.authScheme}.`,
        );
      this.configs.set(config.id, { ...config });
    }
  }

  add(config: FakeAuthConfig, userId: string, fields: Record<string, unknown>): Account {
    const seq = this.#seq++;
    let id = randomId("ca_", 12);
    while (this.accounts.has(id)) id = randomId("ca_", 12);
    const account: Account = {
      id,
      config,
      userId,
      alias: null,
      status: "INITIALIZING",
      statusReason: null,
      createdAt: this.now,
      updatedAt: this.now,
      createdSeq: seq,
      updatedSeq: seq,
      deleted: false,
      fields,
    };
    this.accounts.set(id, account);
    return account;
  }

  /** The account, unless it never existed or was deleted. */
  live(id: string): Account | undefined {
    const account = this.accounts.get(id);
    return account && !account.deleted ? account : undefined;
  }

  change(account: Account, status: FakeStatus, reason: string | null = null): void {
    account.status = status;
    account.statusReason = reason;
    account.updatedAt = this.now;
    account.updatedSeq = this.#seq++;
    if (status !== "INITIATED") {
      account.pageToken = undefined;
      account.session = undefined;
    }
  }

  /**
   * An INITIATED account's hosted page, on the fake's address of the moment: a link made before
   * `listen()` is on the listening address once it listens, so a browser can open it.
   */
  pageUrl(account: Account): string | undefined {
    return account.pageToken && `${this.pageOrigin()}/link/${account.pageToken}`;
  }

  /** A deferred OAuth connection's session URI, on the fake's address of the moment. */
  sessionUrl(account: Account): string | undefined {
    return account.session && `${this.pageOrigin()}/s/${account.session}`;
  }

  /** Starts (or restarts) the consent: a new page, valid for ten minutes. */
  initiate(account: Account, callbackUrl: string | undefined): void {
    account.pageToken = randomId("lt_", 16);
    account.callbackUrl = callbackUrl;
    account.initiatedAt = this.now;
    account.failure = undefined;
    // A new authorization: the old credentials go (the user's consent brings new ones).
    for (const field of CREDENTIALS[account.config.authScheme] ?? []) delete account.fields[field];
    for (const field of INITIATION[account.config.authScheme] ?? [])
      account.fields[field] = randomId(`${field}_`, 16);
    this.change(account, "INITIATED");
  }

  /** The user finished: the credentials the scheme holds, made up, and ACTIVE. */
  connect(account: Account): void {
    for (const field of CREDENTIALS[account.config.authScheme] ?? [])
      account.fields[field] = randomId(`fake_${field}_`, 24);
    this.change(account, "ACTIVE");
  }

  fail(account: Account, reason: string): void {
    account.failure = { error: "access_denied", error_description: reason };
    this.change(account, "FAILED", reason);
  }

  /** Moves the clock, failing every INITIATED account that has waited ten minutes. */
  advance(ms: number): void {
    this.now += ms;
    for (const account of this.accounts.values()) {
      if (account.status === "INITIATED" && this.now - account.initiatedAt! >= INITIATION_TTL_MS) {
        const at = this.now;
        // It failed when its ten minutes ran out, not when the test looked.
        this.now = account.initiatedAt! + INITIATION_TTL_MS;
        this.fail(account, EXPIRED_REASON);
        this.now = at;
      }
    }
  }

  canRefresh = (account: Account): boolean => CONSENT.has(account.config.authScheme);

  /** Whether the scheme holds anything to revoke at the provider (NO_AUTH, SAML … do not). */
  canRevoke = (account: Account): boolean => (CREDENTIALS[account.config.authScheme] ?? []).length > 0;

  /** The token kinds a revoke takes back: the OAuth tokens held, else the stored credential. */
  revocable(account: Account): string[] {
    const tokens = ["access_token", "refresh_token"].filter((f) => typeof account.fields[f] === "string");
    if (tokens.length) return tokens;
    const held = (CREDENTIALS[account.config.authScheme] ?? []).some((f) => account.fields[f] != null);
    return held ? ["credential"] : [];
  }

  /** Revokes at the provider: the credentials go, the account is REVOKED. Returns the token kinds revoked. */
  revoke(account: Account): string[] {
    const revoked = this.revocable(account);
    for (const field of CREDENTIALS[account.config.authScheme] ?? []) delete account.fields[field];
    account.revokedAt = this.now;
    this.change(account, "REVOKED", "Revoked via user-initiated revoke endpoint");
    return revoked;
  }

  /** The account's `state`, as its scheme shows its status. */
  stateOf(account: Account): ConnectionState {
    const builder = BUILDERS.get(account.config.authScheme)!;
    const failed = account.status === "FAILED" || account.status === "EXPIRED";
    const credentialsMissing = (CREDENTIALS[account.config.authScheme] ?? []).some(
      (f) => account.fields[f] == null,
    );
    const build =
      failed && FAILS_WITH_CREDENTIALS.has(account.config.authScheme) && credentialsMissing
        ? undefined
        : builder[account.status.toLowerCase()];
    // A status the scheme has no state for (an API_KEY account FAILED at the ten minutes, say, or a
    // BASIC_WITH_JWT one that failed before it had credentials): the bare INITIALIZING state,
    // which every scheme has and which needs nothing.
    if (!build) return builder.initializing!({});
    const fields = { ...account.fields };
    switch (account.status) {
      case "INITIATED":
        return build({
          ...fields,
          redirectUrl: this.pageUrl(account),
          ...(account.config.authScheme === "OAUTH1" ? { authUri: this.pageUrl(account) } : {}),
          ...(account.callbackUrl ? { callback_url: account.callbackUrl } : {}),
        });
      case "FAILED":
      case "EXPIRED":
        return build({ ...fields, ...account.failure });
      case "REVOKED":
        return build({ revoked_at: new Date(account.revokedAt ?? this.now).toISOString() });
      default:
        return build(fields);
    }
  }
}

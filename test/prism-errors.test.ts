// The error paths of every operation against Prism mocking our spec (prism.test.ts covers the
// successes): for each error status the spec declares per operation, `Prefer: code=<status>`
// makes Prism answer that response's example, and the client must turn it into the status's class
// with the example's slug, code, request id and message.
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ComposioApiError,
  ConflictError,
  createComposioClient,
  InternalServerError,
  ManagedOAuthNotSupportedError,
  NotFoundError,
  NotImplementedError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from "../src/index.js";
import { createRawClient } from "../src/raw.js";
import { declaredErrors, OPERATIONS, operationNamed } from "./helpers/operations.js";
import { sharedPrism } from "./helpers/services.js";

// The run's Prism mocking spec/openapi.yaml (test/helpers/services.ts).
const prism = sharedPrism();

const ID = "ca_4f9d2b7c1e0a";

const CLASS_BY_STATUS: Record<number, typeof ComposioApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  500: InternalServerError,
  501: NotImplementedError,
};

// Each operation's call from the shared table (its fixture), with the spec's example id: Prism
// validates a request against the spec before it mocks an answer, and ID's slash fails the pattern.
// An operation without a fixture fails once, in operations.test.ts, and is left out here.
const declared = declaredErrors().filter((d) => OPERATIONS.some((op) => op.name === d.name));

describe("every declared error status of every operation, from Prism", () => {
  it("covers every operation", () => {
    expect(new Set(declared.map((d) => d.name))).toEqual(new Set(OPERATIONS.map((op) => op.name)));
    expect(declared.length).toBeGreaterThanOrEqual(40);
  });

  it.each(declared)("$name → $status", async ({ name, status, example }) => {
    const accounts = createComposioClient({
      apiKey: "ak_test",
      baseUrl: prism.url,
      logger: null,
    }).connectedAccounts;
    const op = operationNamed(name);
    const error = (await op
      .send(accounts, { maxRetries: 0, headers: { prefer: `code=${status}` } }, op.exampleId)
      .catch((e: unknown) => e)) as ComposioApiError;
    expect(error).toBeInstanceOf(CLASS_BY_STATUS[status]!);
    expect(error.status).toBe(status);
    expect(error.slug).toBe(example.slug);
    expect(error.code).toBe(example.code);
    expect(error.requestId).toBe(example.request_id);
    expect(error.suggestedFix).toBe(example.suggested_fix);
    expect(error.message).toContain(`${status} ${example.slug}: ${example.message}`);
    expect(error.message).toContain(`(request_id ${example.request_id})`);
  });
});

describe("chosen examples", () => {
  it("list's 400 for a parameter it does not take: a plain BadRequestError with the details", async () => {
    const accounts = createComposioClient({
      apiKey: "ak_test",
      baseUrl: prism.url,
      maxRetries: 0,
    }).connectedAccounts;
    const error = (await accounts
      .list({}, { headers: { prefer: "code=400, example=invalidParameter" } })
      .then(undefined, (e: unknown) => e)) as BadRequestError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).not.toBeInstanceOf(ManagedOAuthNotSupportedError);
    expect(error.message).toBe(
      "400 BadRequest: Invalid value for order_by: name (order_by must be one of: created_at, updated_at) (request_id req_9bf31c7ff062936a)",
    );
    expect(error.errors).toEqual(["order_by must be one of: created_at, updated_at"]);
  });

  it("link's 400 is never taken for the retired managed-OAuth case, though its text names /link", async () => {
    const accounts = createComposioClient({
      apiKey: "ak_test",
      baseUrl: prism.url,
      maxRetries: 0,
    }).connectedAccounts;
    const error = await accounts
      .link({ auth_config_id: "ac_9z8y7x6w5v4u", user_id: "user_42" }, { headers: { prefer: "code=400" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).not.toBeInstanceOf(ManagedOAuthNotSupportedError);
  });

  it("a request Prism finds invalid (user_id empty on link) is a 422 from the spec's validation", async () => {
    const accounts = createComposioClient({
      apiKey: "ak_test",
      baseUrl: prism.url,
      maxRetries: 0,
    }).connectedAccounts;
    const error = await accounts.link({ auth_config_id: "ac_1", user_id: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
  });

  it("raw: retrieve's 404 and revoke's 409 as { error }, typed by the spec", async () => {
    const raw = createRawClient({ apiKey: "ak_test", baseUrl: prism.url, maxRetries: 0 });
    const gone = await raw.GET("/api/v3.1/connected_accounts/{nanoid}", {
      params: { path: { nanoid: ID } },
      headers: { prefer: "code=404" },
    });
    expect(gone.response.status).toBe(404);
    expect(gone.error?.error?.slug).toBe("ConnectedAccount_NotFound");
    const conflict = await raw.POST("/api/v3.1/connected_accounts/{nanoid}/revoke", {
      params: { path: { nanoid: ID } },
      headers: { prefer: "code=409" },
    });
    expect(conflict.response.status).toBe(409);
    expect(conflict.error?.error?.suggested_fix).toBe("Retry the request after a moment.");
  });
});

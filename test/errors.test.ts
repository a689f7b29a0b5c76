// instanceof across two copies of the package, as when the ESM and the CommonJS build are both
// loaded in one process: each copy has its own classes, and errors still match either copy's.
// (npm run check:package proves it with the real ESM and CJS builds of the packed tarball.)
import { describe, expect, it } from "vitest";
import { errorFromResponse, unreadableSuccess } from "../src/answers.js";
import * as first from "../src/errors.js";
import { redactorFor } from "../src/redact.js";

// A second instance of the same module: its classes are other objects than the first one's.
const copy = "../src/errors.js?second-copy";
const second = (await import(copy)) as typeof first;

describe("instanceof across copies of the package", () => {
  it("the two copies are distinct classes", () => {
    expect(second.BadRequestError).not.toBe(first.BadRequestError);
  });

  it("an error of one copy is an instance of the same class, and of its bases, in the other", () => {
    const error = new second.ManagedOAuthNotSupportedError(400, new Headers(), {}, "400 retired");
    for (const Class of [
      first.ManagedOAuthNotSupportedError,
      first.BadRequestError,
      first.ComposioApiError,
      first.ComposioError,
      Error,
    ]) {
      expect(error instanceof Class, Class.name).toBe(true);
    }
    const timeout = new first.ComposioTimeoutError("late");
    expect(timeout instanceof second.ComposioConnectionError).toBe(true);
  });

  it("and of no other class", () => {
    const error = new second.BadRequestError(400, new Headers(), {}, "400");
    for (const Class of [
      first.ManagedOAuthNotSupportedError,
      first.NotFoundError,
      first.ComposioConnectionError,
      first.ComposioValidationError,
    ]) {
      expect(error instanceof Class, Class.name).toBe(false);
    }
    expect(new Error("plain") instanceof first.ComposioError).toBe(false);
    expect({ name: "BadRequestError" } instanceof first.BadRequestError).toBe(false);
  });

  it("a caller's own subclass keeps plain instanceof", () => {
    class MyError extends first.ComposioApiError {}
    expect(new first.ComposioApiError(500, new Headers(), {}, "500") instanceof MyError).toBe(false);
    expect(new MyError(500, new Headers(), {}, "500") instanceof first.ComposioApiError).toBe(true);
    expect(new MyError(500, new Headers(), {}, "500") instanceof second.ComposioApiError).toBe(true);
  });

  it("names the class in name, String() and the stack's first line", () => {
    const error = new first.NotFoundError(404, new Headers(), {}, "404 gone");
    expect(error.name).toBe("NotFoundError");
    expect(String(error)).toBe("NotFoundError: 404 gone");
    expect(error.stack?.split("\n")[0]).toBe("NotFoundError: 404 gone");
    expect(JSON.parse(JSON.stringify(error)).name).toBe("NotFoundError");
  });
});

describe("secrets the request did not carry", () => {
  it("a truncated account body quoted in an error has its tokens scrubbed by key", () => {
    const text =
      '{"id":"ca_1","state":{"authScheme":"OAUTH2","val":{"status":"ACTIVE","access_token":"at_RESPONSE_ONLY_9f","refresh_token" : "rt_RESPONSE_ONLY_2c\\"x","scope":"read","client_secret":"cs_TRUNC';
    const error = unreadableSuccess(
      200,
      new Headers(),
      text,
      undefined,
      redactorFor({}),
      "retrieveConnectedAccount",
    );
    expect(error.message).toContain('"access_token":"[redacted]"');
    expect(error.message).toContain('"refresh_token" : "[redacted]"');
    expect(error.message).toContain('"scope":"read"');
    for (const secret of ["at_RESPONSE_ONLY_9f", "rt_RESPONSE_ONLY_2c", "cs_TRUNC"]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });
});

describe("the API's details (`error.errors`) in the message", () => {
  const KEY = "ak_DETAILS_SECRET_4f9d2b7c1e0a";
  const answer = (errors: unknown, extra: Record<string, unknown> = {}) =>
    errorFromResponse(
      400,
      new Headers(),
      {
        text: JSON.stringify({
          error: { message: "Invalid request body", slug: "ConnectedAccount_BadRequest", errors, ...extra },
        }),
        truncated: false,
      },
      redactorFor({ "x-api-key": KEY }),
      "createConnectedAccountLink",
    );

  it("quotes them after the message, before the fix and the request id", () => {
    const error = answer(["auth_config_id: Required", "user_id: Required"], {
      suggested_fix: "Pass both.",
      request_id: "req_1",
    });
    expect(error).toBeInstanceOf(first.BadRequestError);
    expect(error.message).toBe(
      "400 ConnectedAccount_BadRequest: Invalid request body (auth_config_id: Required; user_id: Required) — Pass both. (request_id req_1)",
    );
    expect(error.errors).toEqual(["auth_config_id: Required", "user_id: Required"]);
  });

  it("the first three, then how many more", () => {
    const error = answer(["a: Required", "b: Required", "c: Required", "d: Required", "e: Required"]);
    expect(error.message).toBe(
      "400 ConnectedAccount_BadRequest: Invalid request body (a: Required; b: Required; c: Required; and 2 more)",
    );
  });

  it("only the strings the spec says they are: other items are neither quoted nor counted", () => {
    const error = answer([{ path: ["user_id"] }, "user_id: Required", 7, null, ["x"]]);
    expect(error.message).toBe("400 ConnectedAccount_BadRequest: Invalid request body (user_id: Required)");
    expect(answer({ user_id: "Required" }).message).toBe(
      "400 ConnectedAccount_BadRequest: Invalid request body",
    );
    expect(answer([]).message).toBe("400 ConnectedAccount_BadRequest: Invalid request body");
  });

  it("each cut short, and scrubbed like the rest of the message", () => {
    const long = `callback_url: ${"x".repeat(1000)}`;
    const error = answer([long, `x-api-key ${KEY} is not valid here`]);
    expect(error.message).toContain(`(callback_url: ${"x".repeat(186)}… (1014 chars); x-api-key [redacted]`);
    expect(error.message).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(error.stack).not.toContain(KEY);
  });

  it("a 64 KiB answer of details, or one huge detail, makes a short message, quickly", () => {
    const many = Array.from({ length: 16_000 }, (_, i) => `f${i}`);
    const start = performance.now();
    const error = answer(many);
    expect(error.message).toBe(
      "400 ConnectedAccount_BadRequest: Invalid request body (f0; f1; f2; and 15997 more)",
    );
    const huge = answer(["y".repeat(60_000)]);
    expect(huge.message.length).toBeLessThan(300);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

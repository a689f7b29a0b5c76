// instanceof across two copies of the package, as when the ESM and the CommonJS build are both
// loaded in one process: each copy has its own classes, and errors still match either copy's.
// (npm run check:package proves it with the real ESM and CJS builds of the packed tarball.)
import { describe, expect, it } from "vitest";
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
    const error = first.unreadableSuccess(
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

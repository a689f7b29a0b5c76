// The generated builders at run time: the values they build are what the spec describes.
import { describe, expect, it } from "vitest";
import * as api from "../src/index.js";
import { readBuilderUnions } from "../scripts/lib/model.js";
import { loadSpec } from "../scripts/lib/spec.js";

const [union] = readBuilderUnions(loadSpec("spec/openapi.yaml"));

describe("state builders", () => {
  it("exist for every auth scheme and every status of the spec", () => {
    for (const member of union!.members) {
      const builders = (api as unknown as Record<string, Record<string, (val?: object) => unknown>>)[
        member.name
      ];
      expect(Object.keys(builders ?? {}), member.name).toEqual(member.variants.map((v) => v.method));
      for (const variant of member.variants) {
        const input = Object.fromEntries(variant.requiredFields.map((f) => [f, `${f}-value`]));
        expect(builders![variant.method]!(input)).toEqual({
          authScheme: member.value,
          val: { ...input, status: variant.value },
        });
      }
    }
  });

  it("keep the status even when untyped input carries one", () => {
    const sneaky = { api_key: "k", status: "REVOKED" } as unknown as Parameters<
      typeof api.ApiKeyState.active
    >[0];
    expect(api.ApiKeyState.active(sneaky).val.status).toBe("ACTIVE");
  });

  it("build a no-argument variant", () => {
    expect(api.OAuth2State.initializing()).toEqual({ authScheme: "OAUTH2", val: { status: "INITIALIZING" } });
  });
});

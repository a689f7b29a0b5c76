// The public API's rating on small API Extractor reports written here: the two rule gaps the gate's
// warning ("the ratings disagree") came from. A closed union that grew is major wherever callers
// read it, also where they write it too (the spec rates it so); the builders' move from
// `Omit<Variant, "status">` to the variant's named parts is no change. The seeded specs of
// test/spec-rating.test.ts rate the first through both ratings.
import { describe, expect, it } from "vitest";
import { compareReports } from "../scripts/release/api-rating.js";

/** A report as API Extractor writes it: one ```ts block (CRLF line ends). */
const report = (body: string) => `## API Report\n\n\`\`\`ts\n${body.trim()}\n\`\`\`\n`.replace(/\n/g, "\r\n");

/** `Scope` (a closed union) in an answer, in a request, or both. */
function unionReport(scope: string, uses: ("responses" | "requestBody")[]) {
  const use = (key: string) =>
    `        ${key}: {\n            content: {\n                "application/json": components["schemas"]["Holder"];\n            };\n        };`;
  return report(`
export interface components {
    schemas: {
        Scope: ${scope};
        Holder: {
            scope: components["schemas"]["Scope"];
        };
    };
}

export interface operations {
    op: {
${uses.map(use).join("\n")}
    };
}
`);
}

describe("a closed union that gained a member", () => {
  const rate = (uses: ("responses" | "requestBody")[]) =>
    compareReports(
      "pkg",
      unionReport("string | string[]", uses),
      unionReport("string | string[] | number", uses),
    );

  it("is major where callers read it", () => {
    expect(rate(["responses"])).toMatchObject([
      { impact: "major", rule: "api/union-grew", where: "pkg: components.schemas.Scope" },
    ]);
  });

  it("is major where callers both write and read it (an exhaustive switch over the answer breaks)", () => {
    expect(rate(["requestBody", "responses"])).toMatchObject([{ impact: "major", rule: "api/union-grew" }]);
  });

  it("is minor where callers only write it", () => {
    expect(rate(["requestBody"])).toMatchObject([{ impact: "minor", rule: "api/union-grew" }]);
  });
});

describe("a builder's parameter", () => {
  const COMPONENTS = `
export interface components {
    schemas: {
        StateBase: {
            subdomain?: string;
            region?: string;
        };
        StatusActive: {
            status: "ACTIVE";
        };
        ApiKeyFields: {
            api_key: string;
        };
        ApiKeyActive: components["schemas"]["StateBase"] & components["schemas"]["StatusActive"] & components["schemas"]["ApiKeyFields"];
    };
}`;
  const builders = (param: string) =>
    report(`${COMPONENTS}

// @public
export const ApiKeyState: {
    active: (val: ${param}) => {
        authScheme: "API_KEY";
    };
};
`);

  it("rewritten from Omit<Variant, the discriminator> to the variant's other parts is no change", () => {
    const before = builders('Omit<components["schemas"]["ApiKeyActive"], "status">');
    const after = builders('components["schemas"]["StateBase"] & components["schemas"]["ApiKeyFields"]');
    expect(compareReports("pkg", before, after)).toEqual([]);
    expect(compareReports("pkg", after, before)).toEqual([]);
  });

  it("that lost a part is still a change", () => {
    const before = builders('Omit<components["schemas"]["ApiKeyActive"], "status">');
    const after = builders('components["schemas"]["StateBase"]');
    expect(compareReports("pkg", before, after)).toMatchObject([
      { impact: "major", rule: "api/changed", where: "pkg: ApiKeyState.active" },
    ]);
  });

  it("that omits a key no part declares alone is compared as written", () => {
    const before = builders('Omit<components["schemas"]["ApiKeyActive"], "subdomain">');
    const after = builders(
      'components["schemas"]["StateBase"] & components["schemas"]["StatusActive"] & components["schemas"]["ApiKeyFields"]',
    );
    expect(compareReports("pkg", before, after)).toMatchObject([{ impact: "major", rule: "api/changed" }]);
  });
});

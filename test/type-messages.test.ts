// The compiler's words for a misspelt option, read from a real compile of a user's module: the type
// error names the option and the nearest known one, as the run-time check does for JavaScript.
import { describe, expect, it } from "vitest";
import { createComposioClient } from "../src/index.js";
import { messageOf } from "./helpers/operations.js";
import { checkSamples } from "./helpers/samples.js";

const IMPORT = 'import { createComposioClient } from "composio-connected-accounts";\n';

/** The diagnostics of one module, without the location checkSamples puts first. */
function diagnostics(code: string): string[] {
  return checkSamples([{ line: 1, code: IMPORT + code }]).map((problem) =>
    problem.replace(/^README\.md:\S+ line \d+ of the sample at README\.md:\d+: /, ""),
  );
}

/** What the run-time check says of the same option, from JavaScript. */
const atRunTime = (key: string) => messageOf(() => createComposioClient({ apiKey: "k", [key]: 1 } as never));

describe("an option of no known name", () => {
  it("is a type error that names it and the option meant, in the run-time check's words", () => {
    // One program for every case: tsc over the sources costs seconds, not each sample.
    const cases = {
      timeout: "timeoutMs",
      baseURL: "baseUrl",
      api_key: "apiKey",
      retries: "maxRetries",
      defaultHeaders: "headers",
      signal: undefined, // near no name: every option is listed
    };
    const calls = Object.keys(cases).map((key) => `createComposioClient({ apiKey: "k", ${key}: 1 });`);
    const problems = diagnostics(calls.join("\n"));
    expect(problems).toHaveLength(calls.length);
    Object.entries(cases).forEach(([key, meant], index) => {
      const message = atRunTime(key);
      expect(message).toBe(
        meant
          ? `createComposioClient: unknown option \`${key}\`; did you mean \`${meant}\`?`
          : `createComposioClient: unknown option \`${key}\`; known: \`apiKey\`, \`userApiKey\`, \`baseUrl\`, \`allowInsecureHttp\`, \`fetch\`, \`timeoutMs\`, \`totalTimeoutMs\`, \`maxResponseBytes\`, \`maxRetries\`, \`headers\`, \`logger\`, \`logLevel\`, \`validate\`, \`clock\`.`,
      );
      expect(problems[index]).toBe(
        `TS2322: Type 'number' is not assignable to type '"${message}"'.\n    ${calls[index]}`,
      );
    });
  });

  it("is named in options held in a variable too, where no excess property check runs", () => {
    const [problem, ...rest] = diagnostics(
      'const options = { apiKey: "k", timeout: 5 };\ncreateComposioClient(options);',
    );
    expect(rest).toEqual([]);
    expect(problem).toContain(
      `Types of property 'timeout' are incompatible.\n        Type 'number' is not assignable to type '"createComposioClient: unknown option \`timeout\`; did you mean \`timeoutMs\`?"'.`,
    );
  });

  it("per request, is refused by the compiler's own check, naming the option meant", () => {
    const [problem, ...rest] = diagnostics(
      'const composio = createComposioClient({ apiKey: "k" });\nawait composio.connectedAccounts.list({}, { timeout: 5 });',
    );
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^TS2561: Object literal may only specify known properties, but 'timeout' does not exist in type 'RequestOptions'\. Did you mean to write 'timeoutMs'\?/,
    );
  });
});

// The redactor's rule as properties (fast-check): whatever the texts and however the secrets are
// echoed in them (whole, in pieces, encoded, cut short, as keys, across texts), no run of 8
// characters of a secret's form survives, and a text that holds no secret comes back as it was.
// Part of the fuzzer (vitest's `fuzz` project): a fixed seed in `npm test`; `npm run fuzz` runs it
// long with a fresh one (FUZZ_SEED, FUZZ_RUNS).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXCERPT, isSensitiveKey, redactorFor } from "../src/redact.js";

const runs = Number(process.env.FUZZ_RUNS ?? 200);
const seed = process.env.FUZZ_SEED === undefined ? 21 : Number(process.env.FUZZ_SEED);
const options = { numRuns: runs, ...(Number.isFinite(seed) && { seed }) };

/** Secrets of any characters but the marker's brackets (a secret "[redacted" would match the marker itself). */
const secret = fc
  .string({ unit: "binary", minLength: 8, maxLength: 60 })
  .filter((s) => !/[[\]]/.test(s) && s !== s.trim().replace(/\s/g, ""));
const plainSecret = fc.stringMatching(/^[A-Za-z0-9_-]{8,60}$/);

/** The forms a server may echo a secret in. */
const forms = (s: string): string[] => {
  const out = [s, JSON.stringify(s).slice(1, -1)];
  try {
    out.push(encodeURIComponent(s), new URLSearchParams({ s }).toString().slice(2));
  } catch {
    // a lone surrogate has no URL form
  }
  return out;
};

/** Every run of 8 characters of every form of the secrets. */
const runsOf = (secrets: string[]): string[] =>
  secrets
    .flatMap(forms)
    .flatMap((form) => Array.from({ length: Math.max(0, form.length - 7) }, (_, i) => form.slice(i, i + 8)));

/** A text made of noise and pieces of the secrets' forms (whole, or a slice of at least 8 characters). */
const echoes = (secrets: string[]) =>
  fc.array(
    fc.oneof(
      fc.string({ maxLength: 20 }).filter((s) => !/[[\]]/.test(s)),
      fc
        .record({ i: fc.nat(), form: fc.nat(3), from: fc.nat(), length: fc.integer({ min: 8, max: 80 }) })
        .map(({ i, form, from, length }) => {
          const all = forms(secrets[i % secrets.length]!);
          const text = all[form % all.length]!;
          const start = from % Math.max(1, text.length - 7);
          return text.slice(start, start + length);
        }),
    ),
    { maxLength: 12 },
  );

const hidden = (text: string, secrets: string[]) => {
  for (const run of runsOf(secrets)) expect(text.includes(run), `holds ${JSON.stringify(run)}`).toBe(false);
};

/** "" when `property` holds in `options`' runs; else fast-check's report (seed, shrunk counter-example). */
const failureOf = <T>(property: fc.IProperty<T>): string =>
  fc.defaultReportMessage(fc.check(property, options)) ?? "";

describe("redactor properties", () => {
  it("text: no run of 8 characters of any form of a secret survives", () => {
    const cases = fc
      .array(fc.oneof(secret, plainSecret), { minLength: 1, maxLength: 4 })
      .chain((s) => fc.tuple(fc.constant(s), echoes(s)));
    expect(
      failureOf(
        fc.property(cases, ([secrets, pieces]) => {
          const redact = redactorFor(
            { "x-api-key": secrets[0]! },
            JSON.stringify({ password: secrets.slice(1) }),
          );
          hidden(redact.text(pieces.join("")), secrets);
        }),
      ),
    ).toBe("");
  });

  it("seal: across message, headers, keys and values, in one pass", () => {
    const cases = fc
      .array(plainSecret, { minLength: 1, maxLength: 3 })
      .chain((s) => fc.tuple(fc.constant(s), fc.array(echoes(s), { maxLength: 6 })));
    expect(
      failureOf(
        fc.property(cases, ([secrets, groups]) => {
          const redact = redactorFor({ "x-api-key": secrets[0]! }).with({ access_token: secrets.slice(1) });
          const texts = groups.map((g) => g.join(""));
          const headers = new Headers(
            texts.map((t, i): [string, string] => [`x-h${i}`, t.replace(/[^\x20-\x7e]/g, "")]),
          );
          const body = Object.fromEntries(texts.map((t, i) => [`${t}#${i}`, { nested: [t, i] }]));
          const safe = redact.seal(texts.join(" "), headers, body);
          hidden(safe.message, secrets);
          hidden(JSON.stringify([...safe.headers]), secrets);
          hidden(JSON.stringify(safe.value), secrets);
        }),
      ),
    ).toBe("");
  });

  it("a value that holds no secret, no sensitive key and no pair comes back equal", () => {
    expect(
      failureOf(
        fc.property(
          fc.array(plainSecret, { minLength: 1, maxLength: 3 }),
          fc.json({ maxDepth: 6 }),
          (secrets, text) => {
            const value: unknown = JSON.parse(text);
            const redact = redactorFor({ "x-api-key": secrets.join("") });
            const copy = redact.value(value, EXCERPT);
            const texts: string[] = [];
            const gather = (node: unknown): void => {
              if (typeof node === "string") texts.push(node);
              else if (node && typeof node === "object")
                for (const [key, item] of Object.entries(node)) {
                  if (!Array.isArray(node)) texts.push(`${key}=`);
                  gather(item);
                }
            };
            gather(value);
            const plain = texts.every((t) => !isSensitiveKey(t.replace(/=$/, "")) && !/["=]./.test(t));
            if (plain && !runsOf(secrets).some((run) => text.includes(run))) expect(copy).toEqual(value);
          },
        ),
      ),
    ).toBe("");
  });

  it("a text cut short that ends with the first 4 to 7 characters of a secret ends with [redacted]", () => {
    expect(
      failureOf(
        fc.property(
          plainSecret,
          fc.integer({ min: 4, max: 7 }),
          fc.string({ maxLength: 30 }),
          (s, n, before) => {
            const redact = redactorFor({ "x-api-key": s });
            expect(redact.text(`${before} ${s.slice(0, n)}`).endsWith("[redacted]")).toBe(true);
          },
        ),
      ),
    ).toBe("");
  });
});

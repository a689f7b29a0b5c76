// The fuzzer's hostile answers: a generated "answer script" (one answer per request the client
// sends), written as small recipes so that fast-check prints a shrunk counter-example a person can
// read (`{ fill: "sensitive-string", ratio: 0.9 }`, not a megabyte of JSON), and turned into the
// exact bytes the hostile server writes (status line, header lines, framing, compression, a cut).
// Secrets go into recipes as markers, `«apiKey|percent»`, expanded with the run's own secrets.
import { brotliCompressSync, constants, deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { SENSITIVE_KEY } from "../../generated/meta.js";
import { listedAccount } from "../../scripts/fixtures/accounts.js";
import { OPERATIONS } from "./operations.js";

// ---------------------------------------------------------------------------------------------
// Secrets and the forms a server echoes them in

/** What the client is given (the key; a secret it sends in a header and a body) and what it receives (an account's tokens). */
export const SECRET_NAMES = [
  "apiKey",
  "userApiKey",
  "requestSecret",
  "accessToken",
  "refreshToken",
  "idToken",
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];
export type Secrets = Record<SecretName, string>;
/** The secrets a client may be given (one of the keys, and a secret of its own); the others count once an answer carried them under a sensitive key. */
export const GIVEN: readonly SecretName[] = ["apiKey", "userApiKey", "requestSecret"];

/** The encodings the redactor knows (src/redact.ts formsOf): as is, JSON-escaped, percent, form, base64. */
export const FORMS = ["plain", "json", "percent", "percentLower", "form", "base64", "base64url"] as const;
export type Form = (typeof FORMS)[number];

/** A secret in one form, as a server echoes it; base64 of the secret after `shift` bytes of something else. */
export function encodeAs(secret: string, form: Form, shift = 0): string {
  switch (form) {
    case "plain":
      return secret;
    case "json":
      return JSON.stringify(secret).slice(1, -1);
    case "percent":
      return safePercent(secret);
    case "percentLower":
      return safePercent(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
    case "form":
      return new URLSearchParams({ s: secret }).toString().slice(2);
    case "base64":
    case "base64url": {
      const bytes = Buffer.concat([Buffer.from("u:x".slice(0, shift)), Buffer.from(secret)]);
      return bytes.toString(form === "base64" ? "base64" : "base64url");
    }
  }
}

function safePercent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text; // a lone surrogate: no URL carries it
  }
}

/**
 * Every form of a secret that a leak would show: as the redactor promises to find them, base64 cut
 * to the characters no neighbouring byte changes (at each of the three alignments, both alphabets)
 * for a secret the client `sent` (the README: base64 is a credential sent back, in a `Basic`
 * header; a token an answer carried is looked for as is and in the text encodings).
 */
export function leakForms(secret: string, sent = true): Map<string, Form> {
  const forms = new Map<string, Form>();
  for (const form of ["plain", "json", "percent", "percentLower", "form"] as const)
    if (!forms.has(encodeAs(secret, form))) forms.set(encodeAs(secret, form), form);
  if (!sent) return forms;
  const bytes = Buffer.from(secret);
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    const from = Math.ceil((8 * shift) / 6);
    const to = Math.floor((8 * shifted.length) / 6);
    for (const form of ["base64", "base64url"] as const) {
      const run = shifted.toString(form === "base64" ? "base64" : "base64url").slice(from, to);
      if (!forms.has(run)) forms.set(run, form);
    }
  }
  return forms;
}

/** A character of a secret: mostly letters and digits, sometimes one each encoding changes. */
const secretChar = (extra: string[]) =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.constantFrom(
        ..."ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789_-".split(""),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(" ", '"', "%", "&", "+", "/", "=", "\\", "é", ...extra) },
  );
/** A header value (the key, the request's secret): Latin-1, no CR, LF or NUL, no space at either end. */
const headerSecret = (prefix: string) =>
  fc.string({ unit: secretChar([]), minLength: 10, maxLength: 26 }).map((s) => `${prefix}${s}Z`);
/** A token inside JSON: any character. */
const bodySecret = (prefix: string) =>
  fc
    .string({ unit: secretChar(["ß", "🔑", "\n", "<"]), minLength: 10, maxLength: 26 })
    .map((s) => `${prefix}${s}Q`);

export const secretsArb: fc.Arbitrary<Secrets> = fc.record({
  apiKey: headerSecret("ak_"),
  userApiKey: headerSecret("uak_"),
  requestSecret: headerSecret("cs_"),
  accessToken: bodySecret("at_"),
  refreshToken: bodySecret("rt_"),
  idToken: bodySecret("it_"),
});

/** `arbitrary` once in `n` times, else undefined (and shrinks to undefined). */
export const sometimes = <T>(arbitrary: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

// ---------------------------------------------------------------------------------------------
// Text with secret markers

/** `«name|form»`, `«name|form:shift»` or `«name|form|from:to»` (a slice of the secret). */
const MARKER = /«(\w+)\|(\w+)(?::(\d))?(?:\|(\d+):(\d+))?»/g;

export function expand(text: string, secrets: Secrets): string {
  return text.replace(
    MARKER,
    (_, name: SecretName, form: Form, shift?: string, from?: string, to?: string) => {
      const secret = secrets[name];
      const part = from === undefined ? secret : secret.slice(Number(from), Number(to));
      return encodeAs(part, form, Number(shift ?? 0));
    },
  );
}

const markerArb = fc
  .record({
    name: fc.constantFrom(...SECRET_NAMES),
    form: fc.constantFrom(...FORMS),
    shift: fc.integer({ min: 0, max: 2 }),
    slice: sometimes(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 9, max: 14 })), 4),
  })
  .map(
    ({ name, form, shift, slice }) =>
      `«${name}|${form}${form.startsWith("base64") && shift ? `:${shift}` : ""}${slice ? `|${slice[0]}:${slice[1]}` : ""}»`,
  );

/** Free text, with secrets echoed in it and characters of every kind (C1 controls, lone surrogates …). */
export const textArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
      { weight: 3, arbitrary: markerArb },
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(""));

// ---------------------------------------------------------------------------------------------
// Headers

/** A text repeated: a header or a string of any length, printed as its recipe. */
export interface Repeat {
  prefix?: string;
  repeat: string;
  times: number;
  suffix?: string;
}
export type Value = string | Repeat;
export const valueOf = (value: Value, secrets: Secrets): string =>
  typeof value === "string"
    ? expand(value, secrets)
    : expand(value.prefix ?? "", secrets) +
      expand(value.repeat, secrets).repeat(value.times) +
      expand(value.suffix ?? "", secrets);

/** A header line: a name and value, or a raw line the HTTP parser may refuse (bytes, no colon, a bare CR). */
export type HeaderLine = [name: string, value: Value] | { line: string };

/** The header names a client reads (deprecation, retry, redirect, request id) and some it should not trust. */
const HEADER_NAMES = [
  "link",
  "deprecation",
  "sunset",
  "x-request-id",
  "retry-after",
  "retry-after-ms",
  "location",
  "content-type",
  "content-location",
  "refresh",
  "www-authenticate",
  "set-cookie",
  "warning",
  "x-access-token",
  "authorization",
  "x-debug-echo",
];

const longValueArb: fc.Arbitrary<Repeat> = fc.record(
  {
    prefix: fc.constantFrom("", "<https://docs.example.com/", '<a>; rel="deprecation", ', "«apiKey|plain» "),
    repeat: fc.constantFrom(
      "<",
      "<a",
      "< ",
      "a",
      ";",
      '"',
      ",",
      "<;",
      "«apiKey|plain»",
      "x«accessToken|json»",
      " ",
    ),
    times: fc.integer({ min: 1, max: 12_000 }),
    suffix: fc.constantFrom("", ">", '>; rel="deprecation"', ";rel=sunset"),
  },
  { requiredKeys: ["repeat", "times"] },
);

const headerValueArb = (name: string): fc.Arbitrary<Value> => {
  const special: Record<string, fc.Arbitrary<string>> = {
    link: fc.constantFrom(
      '<https://docs.example.com/deprecations?key=«apiKey|plain»>; rel="deprecation"',
      '<https://«apiKey|percent».example.com/sunset>; rel="sunset"',
      "<>; rel=deprecation",
    ),
    deprecation: fc.constantFrom("true", "@1767225600", "«apiKey|plain»"),
    sunset: fc.constantFrom("Wed, 01 Jan 2031 00:00:00 GMT", "not a date «refreshToken|plain»"),
    "retry-after": fc.constantFrom(
      "0",
      "1",
      "-1",
      "1e400",
      "NaN",
      "9999999999999",
      "Wed, 21 Oct 2015 07:28:00 GMT",
      "",
    ),
    "retry-after-ms": fc.constantFrom("0", "1", "10", "25", "-5", "1e9", "0x10", "Infinity"),
    location: fc.constantFrom(
      "https://elsewhere.example.com/api?key=«apiKey|plain»",
      "/api/v3.1/connected_accounts/«apiKey|percent»",
      "javascript:alert(1)",
      "http://[::1",
    ),
    "content-type": fc.constantFrom("application/json", "text/html", "application/json; charset=latin1", ""),
  };
  return fc.oneof(
    { weight: 3, arbitrary: special[name] ?? textArb },
    { weight: 2, arbitrary: textArb },
    { weight: 1, arbitrary: longValueArb },
  );
};

const malformedLineArb = fc.constantFrom(
  "X-Broken: a\u0000b",
  "No-Colon-Here",
  " folded: continuation «apiKey|plain»",
  "X-Bare-Cr: a\rb",
  "X-Bad-Name\u0001: v",
  "X-Echo: «apiKey|plain»\u007f",
  ": empty name",
  "Content-Length: 5",
  "Transfer-Encoding: chunked, identity",
);

export const headerLineArb: fc.Arbitrary<HeaderLine> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .oneof(
        { weight: 6, arbitrary: fc.constantFrom(...HEADER_NAMES) },
        { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) },
      )
      .chain((name) => headerValueArb(name).map((value): HeaderLine => [name, value])),
  },
  { weight: 1, arbitrary: malformedLineArb.map((line): HeaderLine => ({ line })) },
);

// ---------------------------------------------------------------------------------------------
// Bodies

/** JSON whose strings (and keys) may carry secret markers. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys a client branches on or treats as secret, and the envelope's. */
const KEYS = [
  "status",
  "status_reason",
  "id",
  "user_id",
  "items",
  "next_cursor",
  "error",
  "message",
  "slug",
  "code",
  "request_id",
  "suggested_fix",
  "errors",
  "access_token",
  "refresh_token",
  "id_token",
  "api_key",
  "client_secret",
  "password",
  "state",
  "val",
  "data",
];

const STATUSES = [
  "ACTIVE",
  "FAILED",
  "EXPIRED",
  "REVOKED",
  "INACTIVE",
  "INITIATED",
  "INITIALIZING",
  "PENDING",
];

const leafArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: textArb },
  { weight: 1, arbitrary: fc.constantFrom(...STATUSES) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.boolean() },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer(),
      fc.constantFrom(2 ** 53 + 1, 1e308, -0, Number("12345678901234567890"), 0.1),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
  },
);

export const jsonArb: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.array(tie("json"), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(
          fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: textArb }),
          tie("json"),
        ),
        { maxLength: 5 },
      )
      .map((pairs) => Object.fromEntries(pairs)),
  ),
})).json;

/** An API shape the client reads, with the account's tokens in it as markers. */
export type ShapeName = "account" | "envelope" | "page" | `answer:${string}`;

/** A connected account as retrieve answers it: its tokens under sensitive keys (state.val, data). */
function accountShape(status: Json, reason: Json, userId: Json): Record<string, Json> {
  const val = {
    status: "ACTIVE",
    access_token: "«accessToken|plain»",
    refresh_token: "«refreshToken|plain»",
    id_token: "«idToken|plain»",
    token_type: "Bearer",
  };
  return {
    ...(listedAccount("ca_fuzz1", { authScheme: "OAUTH2", val }) as unknown as Record<string, Json>),
    status,
    status_reason: reason,
    user_id: userId,
    params: {},
  };
}

export interface ShapeBody {
  shape: ShapeName;
  /** The account's status (account shape), or the next cursor (page shape). */
  status?: Json;
  reason?: string;
  /** Replaces the value at a path of the shape (the path's keys joined by "."). */
  set?: [path: string, value: Json][];
}

/** A body: JSON (generated, or an API shape mutated), text that is not JSON, a large fill near the size limit, or none. */
export type Body =
  { json: Json } | ShapeBody | { text: Value } | { fill: FillKind; ratio: number } | { none: true };

/**
 * Bodies sized from the client's `maxResponseBytes` (`ratio` of it), built at run time: whitespace
 * around `{}`, an array of objects or of strings (a 2xx that is not an object), a FAILED account
 * with a long random string under a sensitive key or in its reason, a page with many accounts, an
 * error envelope with a long message, arrays nested deep as a cursor.
 */
export const FILL_KINDS = [
  "spaces",
  "array-objects",
  "array-strings",
  "sensitive-string",
  "failed-reason",
  "page-items",
  "envelope-message",
  "deep-cursor",
  "deep-status",
] as const;
export type FillKind = (typeof FILL_KINDS)[number];

const shapeNames: ShapeName[] = [
  "account",
  "envelope",
  "page",
  ...OPERATIONS.map((op) => `answer:${op.operationId}` as const),
];

const cursorArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    "",
    "cur_2",
    Number("12345678901234567890"),
    1.5,
    true,
    ["cur"],
    { c: 1 },
    [[["x"]]],
    "«apiKey|plain»",
  ),
  textArb,
);
const statusArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...STATUSES) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Json>(
      ["ACTIVE"],
      { toString: "ACTIVE" },
      null,
      1,
      "active",
      "ACTIVE ",
      "«apiKey|plain»",
    ),
  },
);

const shapeArb = (
  shape: fc.Arbitrary<ShapeName>,
  status: fc.Arbitrary<Json> = fc.oneof(statusArb, cursorArb),
): fc.Arbitrary<ShapeBody> =>
  fc.record(
    {
      shape,
      status,
      reason: textArb,
      set: fc.array(
        fc.tuple(
          fc.constantFrom(
            "status",
            "status_reason",
            "user_id",
            "id",
            "next_cursor",
            "items",
            "state.val",
            "state.val.access_token",
            "error",
            "error.message",
            "error.request_id",
            "error.suggested_fix",
            "error.errors",
            "data",
            "connected_account_id",
            "redirect_url",
          ),
          jsonArb,
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: ["shape"] },
  );

// The shapes the helpers branch on (an account, a page, the envelope) more often than each operation's answer.
const anyShapeArb = shapeArb(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<ShapeName>("account", "page", "envelope") },
    { weight: 2, arbitrary: fc.constantFrom(...shapeNames) },
  ),
);

/**
 * A body for a call of `operationId`: half of the time its own answer's shape (an account for a
 * retrieve, and so for a wait or a confirm; a page for a list) mutated, so that the paths past
 * the first checks are reached; else any body.
 */
export const bodyFor = (operationId: string): fc.Arbitrary<Body> => {
  const own: ShapeName =
    operationId === "retrieveConnectedAccount"
      ? "account"
      : operationId === "listConnectedAccounts"
        ? "page"
        : `answer:${operationId}`;
  // An account's status, or a page's next cursor: the values the helpers branch on.
  const status =
    own === "account"
      ? fc.oneof(fc.constantFrom(...STATUSES), statusArb)
      : own === "page"
        ? cursorArb
        : fc.oneof(statusArb, cursorArb);
  return fc.oneof(
    { weight: 1, arbitrary: shapeArb(fc.constant(own), status) },
    { weight: 1, arbitrary: bodyArb },
  );
};

export const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  { weight: 5, arbitrary: anyShapeArb },
  { weight: 3, arbitrary: jsonArb.map((json) => ({ json })) },
  { weight: 1, arbitrary: fc.oneof(textArb, longValueArb).map((text): Body => ({ text })) },
  { weight: 1, arbitrary: fillArb() },
  { weight: 1, arbitrary: fc.constant({ none: true as const }) },
);

export function fillArb(min = 0.05): fc.Arbitrary<Body> {
  return fc.record({
    fill: fc.constantFrom(...FILL_KINDS),
    ratio: fc.noBias(fc.double({ min, max: 1.1, noNaN: true })).map((r) => Math.round(r * 100) / 100),
  });
}

// ---------------------------------------------------------------------------------------------
// Answers

export type Encoding = "identity" | "gzip" | "deflate" | "br" | "gzip-lie" | "gzip,br" | "zstd";
/** How the body's end is told: content-length (true, or off by `lie` bytes), chunked, or the connection's close. */
export type Framing = "length" | "chunked" | "close" | { lie: number };
/** The answer stops after `at` (a fraction of its bytes): FIN, RST, or silence with the socket open. */
export interface Cut {
  at: number;
  how: "fin" | "rst" | "hang";
}

export interface Reply {
  /** An informational answer (1xx) first: `103` with a Link header, say. */
  interim?: { status: number; headers: HeaderLine[] };
  status: number;
  reason: string;
  headers: HeaderLine[];
  body: Body;
  encoding: Encoding;
  framing: Framing;
  cut?: Cut;
}

/** Per request: refused (the connection; nothing reaches the server), a hang (no answer ever), or a reply. */
export type Answer = "refused" | "hang" | Reply;

// Successes twice: the paths that read a body (an account, a page) begin there.
const COMMON_STATUSES = [
  200, 200, 201, 201, 204, 301, 302, 307, 308, 400, 401, 403, 404, 408, 409, 410, 422, 429, 500, 501, 502,
  503, 504,
];
export const statusCodeArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...COMMON_STATUSES) },
  { weight: 1, arbitrary: fc.noBias(fc.integer({ min: 100, max: 599 })) },
);

export const replyArb = (
  overrides: {
    status?: fc.Arbitrary<number>;
    body?: fc.Arbitrary<Body>;
    headers?: fc.Arbitrary<HeaderLine[]>;
  } = {},
): fc.Arbitrary<Reply> =>
  fc
    .record({
      interim: sometimes(
        fc.record({
          status: fc.noBias(fc.integer({ min: 100, max: 199 })),
          headers: fc.array(headerLineArb, { maxLength: 2 }),
        }),
        10,
      ),
      status: overrides.status ?? statusCodeArb,
      reason: fc.oneof({ weight: 4, arbitrary: fc.constant("") }, { weight: 1, arbitrary: textArb }),
      headers: overrides.headers ?? fc.array(headerLineArb, { maxLength: 4 }),
      body: overrides.body ?? bodyArb,
      encoding: fc.oneof(
        { weight: 6, arbitrary: fc.constant<Encoding>("identity") },
        { weight: 3, arbitrary: fc.constantFrom<Encoding>("gzip", "deflate", "br") },
        { weight: 1, arbitrary: fc.constantFrom<Encoding>("gzip-lie", "gzip,br", "zstd") },
      ),
      framing: fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<Framing>("length", "chunked", "close") },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: -20, max: 20 })
            .filter((n) => n !== 0)
            .map((lie): Framing => ({ lie })),
        },
      ),
      cut: sometimes(
        fc.record({
          at: fc.noBias(fc.double({ min: 0, max: 1, noNaN: true })).map((r) => Math.round(r * 1000) / 1000),
          how: fc.constantFrom<Cut["how"]>("fin", "rst", "hang"),
        }),
        6,
      ),
    })
    .map(({ interim, cut, ...reply }): Reply => ({
      ...(interim ? { interim } : {}),
      ...reply,
      ...(cut ? { cut } : {}),
    }));

/**
 * A reply the HTTP layer lets through whole (no 1xx, no malformed line, no lie, no cut), with the
 * same statuses, header values and bodies: half of the replies of properties 1 and 2 are these, so
 * that the client's own reading of a body (a status, a cursor, an envelope) is reached often.
 */
export const cleanReplyArb = (overrides: { status?: fc.Arbitrary<number>; body?: fc.Arbitrary<Body> } = {}) =>
  fc.record({
    status: overrides.status ?? statusCodeArb,
    reason: fc.constant(""),
    headers: fc.array(
      fc
        .constantFrom(...HEADER_NAMES)
        .chain((name) => headerValueArb(name).map((value): HeaderLine => [name, value])),
      { maxLength: 3 },
    ),
    body: overrides.body ?? bodyArb,
    encoding: fc.constantFrom<Encoding>("identity", "gzip"),
    framing: fc.constantFrom<Framing>("length", "chunked"),
  });

export const answerArb = (reply: fc.Arbitrary<Reply> = replyArb()): fc.Arbitrary<Answer> =>
  fc.oneof(
    { weight: 10, arbitrary: reply },
    { weight: 1, arbitrary: fc.constantFrom<Answer>("refused", "hang") },
  );

// ---------------------------------------------------------------------------------------------
// From recipe to bytes

/** An answer made bytes, and what the checks need to know of it. */
export interface BuiltAnswer {
  kind: "refused" | "hang" | "reply";
  /** Every byte the server writes for this answer, before any cut. */
  bytes: Buffer;
  /** Its final status line (after any 1xx), for messages. */
  statusLine: string;
  /** How many of them it writes, and what it does then. */
  writes: number;
  after: "keep" | "end" | "rst" | "hang";
  /** The body once decoded (0 for no body): what the client may have to read, at most its limit. */
  decodedBytes: number;
  /** The answer arrives whole and well-formed (no cut, no lying length or encoding, a final status). */
  whole: boolean;
  /** The tokens this answer carries in clear under a sensitive key (a body key, or a header's name). */
  carries: Set<SecretName>;
}

export interface BuildContext {
  secrets: Secrets;
  maxResponseBytes: number;
}

export function buildAnswer(answer: Answer, ctx: BuildContext): BuiltAnswer {
  if (answer === "refused" || answer === "hang")
    return {
      kind: answer,
      bytes: Buffer.alloc(0),
      statusLine: answer,
      writes: 0,
      after: "keep",
      decodedBytes: 0,
      whole: false,
      carries: new Set(),
    };
  const { secrets } = ctx;
  const body = bodyBytes(answer.body, ctx);
  const encoded = encode(body, answer.encoding);
  const lines: string[] = [];
  const head = (status: number, reason: string, headers: HeaderLine[]) => {
    lines.push(`HTTP/1.1 ${status} ${expand(reason, secrets)}`);
    for (const header of headers)
      lines.push(
        Array.isArray(header) ? `${header[0]}: ${valueOf(header[1], secrets)}` : expand(header.line, secrets),
      );
  };
  const parts: Buffer[] = [];
  if (answer.interim) {
    head(answer.interim.status, "", answer.interim.headers);
    parts.push(Buffer.from(`${lines.splice(0).join("\r\n")}\r\n\r\n`));
  }
  head(answer.status, answer.reason, answer.headers);
  if (answer.encoding !== "identity")
    lines.push(`content-encoding: ${answer.encoding === "gzip-lie" ? "gzip" : answer.encoding}`);
  const framing = answer.framing;
  if (framing === "chunked") lines.push("transfer-encoding: chunked");
  else if (framing === "close") lines.push("connection: close");
  else lines.push(`content-length: ${encoded.length + (framing === "length" ? 0 : framing.lie)}`);
  parts.push(Buffer.from(`${lines.join("\r\n")}\r\n\r\n`));
  parts.push(framing === "chunked" ? chunked(encoded) : encoded);
  const bytes = Buffer.concat(parts);
  const writes = answer.cut ? Math.floor(answer.cut.at * bytes.length) : bytes.length;
  const after = answer.cut
    ? answer.cut.how === "fin"
      ? "end"
      : answer.cut.how
    : framing === "close"
      ? "end"
      : "keep";
  // Whether the client can have read it all: no line the HTTP parser refuses (a raw line, a control
  // character, a head past undici's 16 KiB), no 1xx first, nothing cut or lying, a body within what
  // the client reads (error bodies up to 64 KiB, src/transport.ts; successes up to maxResponseBytes).
  const headText = bytes.subarray(0, bytes.indexOf("\r\n\r\n")).toString("latin1");
  const parsable =
    !answer.interim &&
    answer.headers.every((h) => Array.isArray(h)) &&
    !hasControl(headText.replace(/\r\n/g, "")) &&
    headText.length < 16 * 1024;
  const limit = answer.status <= 299 ? ctx.maxResponseBytes : Math.min(ctx.maxResponseBytes, 64 * 1024);
  const whole =
    parsable &&
    !answer.cut &&
    body.length <= limit &&
    typeof framing === "string" &&
    !["gzip-lie", "zstd"].includes(answer.encoding) &&
    answer.status >= 200 &&
    ![204, 205, 304].includes(answer.status);
  return {
    kind: "reply",
    bytes,
    statusLine: `HTTP/1.1 ${answer.status} ${expand(answer.reason, secrets)}`,
    writes,
    after,
    decodedBytes: body.length,
    whole,
    carries: whole ? carried(answer, body, secrets) : new Set(),
  };
}

/** A control character other than a tab: the HTTP parser refuses it in a status line or a header. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** The tokens an answer carries under a sensitive key: in its JSON body, or as a header whose name is sensitive. */
function carried(answer: Reply, body: Buffer, secrets: Secrets): Set<SecretName> {
  const under: string[] = [];
  for (const header of answer.headers)
    if (Array.isArray(header) && SENSITIVE_KEY.test(header[0])) under.push(valueOf(header[1], secrets));
  under.push(...underSensitiveKeys(body.toString("utf8")));
  const found = new Set<SecretName>();
  for (const name of SECRET_NAMES)
    if (!GIVEN.includes(name) && under.some((text) => text.includes(secrets[name]))) found.add(name);
  return found;
}

function chunked(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 16_384) {
    const chunk = bytes.subarray(at, at + 16_384);
    out.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
  }
  out.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(out);
}

function encode(body: Buffer, encoding: Encoding): Buffer {
  // Brotli at quality 5: its default (11) takes a second for a megabyte, outside the measured call but inside the run.
  const br = (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
  switch (encoding) {
    case "gzip":
      return gzipSync(body);
    case "deflate":
      return deflateSync(body);
    case "br":
      return br(body);
    case "gzip,br":
      return br(gzipSync(body));
    case "identity":
    case "gzip-lie":
    case "zstd":
      return body;
  }
}

function bodyBytes(body: Body, ctx: BuildContext): Buffer {
  const { secrets } = ctx;
  if ("none" in body) return Buffer.alloc(0);
  if ("text" in body) return Buffer.from(valueOf(body.text, secrets));
  if ("json" in body) return Buffer.from(JSON.stringify(expandJson(body.json, secrets)));
  if ("fill" in body) return fill(body.fill, Math.floor(body.ratio * ctx.maxResponseBytes), secrets);
  return Buffer.from(JSON.stringify(expandJson(shape(body), secrets)));
}

function expandJson(json: Json, secrets: Secrets): Json {
  if (typeof json === "string") return expand(json, secrets);
  if (Array.isArray(json)) return json.map((item) => expandJson(item, secrets));
  if (json && typeof json === "object")
    return Object.fromEntries(
      Object.entries(json).map(([key, item]) => [expand(key, secrets), expandJson(item, secrets)]),
    );
  return json;
}

function shape({ shape: name, status, reason, set = [] }: ShapeBody): Json {
  let base: Json;
  if (name === "account") base = accountShape(status ?? "ACTIVE", reason ?? null, "user_42");
  else if (name === "page")
    base = {
      items: [accountShape("ACTIVE", null, "user_42")],
      next_cursor: status ?? null,
      total_pages: 2,
      current_page: 1,
    };
  else if (name === "envelope")
    base = {
      error: {
        message: reason ?? "Failed",
        code: 10500,
        slug: "Fuzz_Error",
        status: 500,
        request_id: "req_«apiKey|plain|0:12»",
        suggested_fix: "Resend with «apiKey|plain»",
        errors: ["«requestSecret|json»", "«accessToken|plain»"],
      },
    };
  else base = structuredClone(OPERATIONS.find((op) => `answer:${op.operationId}` === name)!.answer) as Json;
  for (const [path, value] of set) base = setAt(base, path.split("."), value);
  return base;
}

/** `base` with `value` at `path` (objects made on the way), for answers and requests alike. */
export function setAt(base: Json, path: string[], value: Json): Json {
  if (!path.length) return value;
  const [key, ...rest] = path as [string, ...string[]];
  const node = base && typeof base === "object" && !Array.isArray(base) ? base : {};
  return { ...node, [key]: setAt(node[key] ?? null, rest, value) };
}

/** A body of about `size` bytes of the kind asked for (see FILL_KINDS). */
function fill(kind: FillKind, size: number, secrets: Secrets): Buffer {
  const n = Math.max(size, 16);
  const account = (extra: Record<string, Json>) =>
    JSON.stringify(expandJson({ ...accountShape("FAILED", null, "user_42"), ...extra }, secrets));
  switch (kind) {
    case "spaces":
      return Buffer.concat([Buffer.alloc(n - 2, 0x20), Buffer.from("{}")]);
    case "array-objects":
      return Buffer.from(`[${"{},".repeat(Math.floor((n - 4) / 3))}{}]`);
    case "array-strings":
      return Buffer.from(`[${'"abcdefghijklm",'.repeat(Math.floor((n - 20) / 16))}"x"]`);
    case "sensitive-string":
      return Buffer.from(account({ access_token: noise(n - 1500) }));
    case "failed-reason":
      return Buffer.from(account({ status_reason: `${noise(n - 1600)} «apiKey|plain»` }));
    case "page-items": {
      const item = account({ status: "ACTIVE" });
      return Buffer.from(
        `{"items":[${Array(Math.max(1, Math.floor(n / (item.length + 1))))
          .fill(item)
          .join(",")}],"next_cursor":null}`,
      );
    }
    case "envelope-message":
      return Buffer.from(
        JSON.stringify({ error: { message: noise(n - 200), slug: "Fuzz", request_id: "req_1" } }),
      );
    case "deep-cursor": {
      const depth = Math.floor((n - 40) / 2);
      return Buffer.from(`{"items":[],"next_cursor":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    }
    case "deep-status": {
      const depth = Math.floor((n - 40) / 2);
      return Buffer.from(
        `{"id":"ca_1","user_id":"user_42","status":${"[".repeat(depth)}"ACTIVE"${"]".repeat(depth)}}`,
      );
    }
  }
}

/** `length` characters that do not repeat in 8-character runs (so an index of runs would hold one per position). */
function noise(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let state = 0x2545f491;
  let out = "";
  for (let i = 0; i < Math.max(length, 0); i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out += alphabet[(state >>> 0) % alphabet.length];
  }
  return out;
}

/** Every string under a sensitive key of a JSON text (none when it is not JSON): what a redactor must learn from it. */
export function underSensitiveKeys(text: string | undefined): string[] {
  const under: string[] = [];
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const stack: [unknown, boolean][] = [[parsed, false]];
  while (stack.length) {
    const [node, sensitive] = stack.pop()!;
    if (typeof node === "string" && sensitive) under.push(node);
    else if (node && typeof node === "object")
      for (const [key, item] of Object.entries(node))
        stack.push([item, sensitive || SENSITIVE_KEY.test(key)]);
  }
  return under;
}

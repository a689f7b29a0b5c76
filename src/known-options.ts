// An option of no known name, as a type error that says what the run-time check says
// (checkKnown): "createComposioClient: unknown option `timeout`; did you mean `timeoutMs`?". The
// message is the type the option's value must have, so the compiler shows it in its error. Types
// cannot measure edit distance: the nearest name is the one with the same letters (case and one `_`
// aside: `baseURL`, `api_key`), else the one name that starts the other (`timeout`), else the one
// name inside the other (`retries`, `defaultHeaders`); several, or none, and every option is listed.
// Written as one type with `infer` bindings rather than helper types: every type an exported one
// names must be exported too (the API report), and the helpers are no API.
import type { ClientSettings } from "./options.js";

/** The name of an option of createComposioClient. */
export type ClientOptionName = keyof ClientSettings | "apiKey" | "userApiKey";

/**
 * The options an object has beyond the known ones are type errors, each naming the option and the
 * nearest known one (`UnknownOption`). Where there are none, nothing: the options alone.
 */
// `string extends keyof O`: `any`, or a record of any names, is left to the run-time check; as a
// type error it would make `Parameters<typeof createComposioClient>` `any`.
export type KnownOptionsOnly<O> = string extends keyof O
  ? unknown
  : [Exclude<keyof O, ClientOptionName>] extends [never]
    ? unknown
    : { [K in Exclude<keyof O, ClientOptionName>]: K extends string ? UnknownOption<K> : never };

/** The message of the type error for an option named `K`, which createComposioClient does not have. */
// No tuple starts a line: the declaration file would print it over several lines, which the API
// rating (scripts/release/api-rating.ts) would read as declarations of their own.
export type UnknownOption<K extends string> = (
  K extends `${infer A}_${infer B}` ? Lowercase<`${A}${B}`> : Lowercase<K>
) extends infer Key extends string
  ? // Each tier's names: `ClientOptionName extends infer Name` binds them all, `Name extends string`
    // takes them one by one.
    (
      ClientOptionName extends infer Name
        ? Name extends string
          ? Lowercase<Name> extends Key
            ? Name
            : never
          : never
        : never
    ) extends infer Same
    ? (
        ClientOptionName extends infer Name
          ? Name extends string
            ? Lowercase<Name> extends `${Key}${string}`
              ? Name
              : Key extends `${Lowercase<Name>}${string}`
                ? Name
                : never
            : never
          : never
      ) extends infer Prefix
      ? // Three letters at least, as checkKnown asks: `a` is inside most names.
        (
          Key extends `${infer _1}${infer _2}${infer _3}${string}`
            ? ClientOptionName extends infer Name
              ? Name extends string
                ? Lowercase<Name> extends `${string}${Key}${string}`
                  ? Name
                  : Key extends `${string}${Lowercase<Name>}${string}`
                    ? Name
                    : never
                : never
              : never
            : never
        ) extends infer Within
        ? ([Same] extends [never] ? ([Prefix] extends [never] ? Within : Prefix) : Same) extends infer Found
          ? // The tier's one name, or never when it has several (their intersection is never).
            (
              (Found extends unknown ? (name: Found) => void : never) extends (name: infer Every) => void
                ? [Found] extends [Every]
                  ? Found
                  : never
                : never
            ) extends infer Nearest extends string
            ? [Nearest] extends [never]
              ? `createComposioClient: unknown option \`${K}\`; known: \`apiKey\`, \`userApiKey\`, \`baseUrl\`, \`allowInsecureHttp\`, \`fetch\`, \`timeoutMs\`, \`totalTimeoutMs\`, \`maxResponseBytes\`, \`maxRetries\`, \`headers\`, \`logger\`, \`logLevel\`, \`validate\`, \`clock\`.`
              : `createComposioClient: unknown option \`${K}\`; did you mean \`${Nearest}\`?`
            : never
          : never
        : never
      : never
    : never
  : never;

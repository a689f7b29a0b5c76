// A call refused before anything is sent, as runtime.ts's checks throw it: what was wrong, not yet
// in words. `unlessRefused` (runtime.ts) turns it into the error, made by refusals.ts, which loads
// with the failure's module (later.ts): an app's first chunk carries the checks, not their messages.
import type { ComposioError } from "./errors.js";
import type { StrayField } from "./stray-fields.js";
import type { BodyFields } from "./types.js";

/** The makers of the refusals' errors (refusals.ts's `words`), one per way a call is refused. */
export interface Words {
  pathParam(value: unknown, name: string, operation: string, example: string | undefined): ComposioError;
  loneSurrogate(value: string, operation: string, name: string | undefined): ComposioError;
  scalar(item: unknown, operation: string, key: string): ComposioError;
  queryShape(query: object, names: readonly string[], operation: string): ComposioError;
  emptyFilter(key: string, value: unknown, at: number, operation: string): ComposioError;
  unknownParameter(key: string, names: readonly string[], operation: string): ComposioError;
  body(body: unknown, fields: BodyFields, operation: string, stray: StrayField | undefined): ComposioError;
}

/** What a check throws when it refuses a call: the error it stands for, once the words are loaded. */
export class Refusal extends Error {
  constructor(readonly make: (words: Words) => ComposioError) {
    super("refused");
  }
}

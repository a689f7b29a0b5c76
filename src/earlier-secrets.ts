// A call of many requests (a list walk, a wait) is one call to its caller: what it read in one
// answer is a secret of the errors and log lines of the requests after it. Its own module: the
// transport needs only earlierOf, and an app that neither walks nor waits carries no more of it.
import { later } from "./later.js";

/**
 * The secrets of the answers a call of many requests has read (a list walk's pages, a wait's polls),
 * by the options object it sends its next request with: that request's redactor knows them.
 */
const earlierSecrets = new WeakMap<object, ReadonlySet<string>>();
/** Characters of such secrets a call keeps; past it, the oldest go (its memory stays bounded). */
const EARLIER_SECRET_CHARS = 1 << 20;

/**
 * What a call of many requests has read that its next requests' errors and log lines must not show:
 * the secrets of every answer so far (collected by later's module, loaded then), the newest 1 MiB.
 */
export class EarlierSecrets {
  readonly secrets = new Set<string>();
  #chars = 0;

  /** Remembers the secrets under the sensitive keys of `answer`. */
  async add(answer: unknown): Promise<void> {
    (await later()).collect(answer, (secret) => {
      if (this.secrets.has(secret)) return;
      this.secrets.add(secret);
      this.#chars += secret.length;
    });
    for (const oldest of this.secrets) {
      if (this.#chars <= EARLIER_SECRET_CHARS) break;
      this.secrets.delete(oldest);
      this.#chars -= oldest.length;
    }
  }

  /** `options` for the next request: a copy its redactor finds these secrets by, when there are any. */
  on<O extends object>(options: O): O;
  on<O extends object>(options: O | undefined): O | undefined;
  on<O extends object>(options: O | undefined): O | undefined {
    if (!this.secrets.size) return options;
    const copy = { ...options } as O;
    earlierSecrets.set(copy, this.secrets);
    return copy;
  }
}

/** The secrets a request's options carry from the answers before it (none for most requests). */
export function earlierOf(options: object | undefined): ReadonlySet<string> | undefined {
  return options && earlierSecrets.get(options);
}

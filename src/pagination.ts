// Cursor pagination for the operations the spec marks `x-sdk-pagination`: one call gives the first
// page when awaited, every item of every page with `for await`, and the pages with `.pages()`.
// Servers misbehave (a cursor that comes back, `next_cursor: null` too early, empty pages with
// fresh cursors forever), so a walk that makes no progress ends with an error instead of looping:
// on a repeated cursor, on MAX_EMPTY_PAGES empty pages in a row, and after `maxPages` pages. Its
// memory stays bounded however long it runs. A signal stops it at once. What the walk branches on
// is checked for its type first: a page's items are an array, its next cursor a string, or the walk
// ends with an error naming the type (never the value, which may be huge or echo a secret). A walk is
// one call: the tokens of the pages it read are secrets of every later page's errors and log lines.
import { later } from "./later.js";
import { checkLimits } from "./options.js";
import { EarlierSecrets } from "./earlier-secrets.js";
import type { RequestOptions } from "./types.js";

/** Where the spec says the cursor goes and where the page keeps its items and the next cursor. */
export interface PaginationSpec {
  /** The operationId, for messages. */
  operation: string;
  /** The query parameter that takes the cursor. */
  cursorParam: string;
  /** The property of a page holding the next cursor; null, absent or "" on the last page. */
  nextCursor: string;
  /** The property of a page holding its items. */
  items: string;
}

/** Empty pages in a row, each with a next cursor, after which a walk is deemed stuck. */
const MAX_EMPTY_PAGES = 5;
/** How many of the last cursors a walk remembers (as hashes) to notice one that comes back. */
const REMEMBERED_CURSORS = 1024;
/** The default `maxPages`: 10,000 pages of the default 20 accounts is 200,000 accounts. */
const DEFAULT_MAX_PAGES = 10_000;

/**
 * The first page as a promise, and every page and item as async iterables. Nothing is sent until
 * it is awaited or iterated; the first page is fetched once, however it is read.
 */
export class PagePromise<Page, Item> implements PromiseLike<Page>, AsyncIterable<Item> {
  readonly #fetchPage: (query: Record<string, unknown>, options?: RequestOptions) => Promise<Page>;
  readonly #query: Record<string, unknown>;
  readonly #options: RequestOptions | undefined;
  readonly #spec: PaginationSpec;
  #first: Promise<Page> | undefined;
  /** So that it is assignable where a `Promise` of the first page is expected. */
  readonly [Symbol.toStringTag] = "PagePromise";

  /** @internal Made by the generated list methods. */
  constructor(
    fetchPage: (query: Record<string, unknown>, options?: RequestOptions) => Promise<Page>,
    query: Record<string, unknown> | undefined,
    options: RequestOptions | undefined,
    spec: PaginationSpec,
  ) {
    this.#fetchPage = fetchPage;
    this.#query = query ?? {};
    this.#options = options;
    this.#spec = spec;
  }

  #firstPage(): Promise<Page> {
    if (this.#first) return this.#first;
    // A request refused before it is sent (an unknown query parameter, say) throws at once: as a
    // rejection, so that `.catch()` and `.then(ok, fail)` see it, as they would on a Promise.
    try {
      this.#first = this.#fetchPage(this.#query, this.#options);
    } catch (error) {
      this.#first = Promise.reject(error);
    }
    return this.#first;
  }

  // oxlint-disable-next-line unicorn/no-thenable -- by design: `await client.list()` is the first page
  then<A = Page, B = never>(
    onfulfilled?: ((page: Page) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#firstPage().then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page | B> {
    return this.#firstPage().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Page> {
    return this.#firstPage().finally(onfinally);
  }

  /** Every page, first to last: the filters of the first call go with every request. */
  async *pages(): AsyncGenerator<Page, void, undefined> {
    const { cursorParam, nextCursor, items, operation } = this.#spec;
    const maxPages = checkLimits(`${operation}: options`, this.#options ?? {}).maxPages ?? DEFAULT_MAX_PAGES;
    // Hashes of the last cursors, not the cursors (which may be long): memory stays constant. A
    // cycle longer than the window ends at maxPages instead.
    const given = this.#query[cursorParam];
    const seen = new Set([cursorHash(typeof given === "string" ? given : "")]);
    let emptyInARow = 0;
    const earlier = new EarlierSecrets();
    let page = await this.#firstPage();
    for (let count = 1; ; count++) {
      const record = page as Record<string, unknown>;
      const found = record[items];
      if (!Array.isArray(found))
        throw (await later()).wrongType(operation, `page ${count}'s \`${items}\``, found, "an array");
      yield page;
      const cursor = record[nextCursor];
      if (cursor === null || cursor === undefined || cursor === "") return;
      // Only a string is a cursor: String() of an array nested 200,000 deep overflows the stack, of
      // an object may throw or give "[object Object]", and a number past 2^53 was rounded when the
      // page was parsed, so it would be sent back wrong.
      if (typeof cursor !== "string")
        throw (await later()).wrongType(operation, `page ${count}'s \`${nextCursor}\``, cursor, "a string");
      const hash = cursorHash(cursor);
      // The cursor is the server's string: not quoted (it may echo a secret), only measured.
      if (seen.has(hash)) throw (await later()).walkStopped(operation, "repeated", count, cursor.length);
      seen.add(hash);
      // A Set keeps insertion order: its first value is the oldest.
      if (seen.size > REMEMBERED_CURSORS) seen.delete(seen.values().next().value!);
      emptyInARow = found.length > 0 ? 0 : emptyInARow + 1;
      if (emptyInARow >= MAX_EMPTY_PAGES)
        throw (await later()).walkStopped(operation, "empty", count, emptyInARow);
      if (count >= maxPages) throw (await later()).walkStopped(operation, "maxPages", count, maxPages);
      // The caller's signal goes with every page request: an abort ends the walk at once. The
      // request's redactor knows the secrets of the pages before it.
      await earlier.add(page);
      page = await this.#fetchPage({ ...this.#query, [cursorParam]: cursor }, earlier.on(this.#options));
    }
  }

  /** Every item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    // pages() gives only pages whose items are an array.
    for await (const page of this.pages())
      yield* (page as Record<string, unknown>)[this.#spec.items] as Item[];
  }
}

/** A 53-bit hash of a cursor (cyrb53): a walk remembers these rather than the cursors themselves. */
function cursorHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

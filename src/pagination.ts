// Cursor pagination for the operations the spec marks `x-sdk-pagination`: one call gives the first
// page when awaited, every item of every page with `for await`, and the pages with `.pages()`.
// Servers misbehave (a cursor that comes back, `next_cursor: null` too early), so the walk stops
// on a repeated cursor with an error instead of looping, and a signal stops it at once.
import { ComposioError } from "./errors.js";
import type { RequestOptions } from "./runtime.js";

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
    return (this.#first ??= this.#fetchPage(this.#query, this.#options));
  }

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
    const { cursorParam, nextCursor, operation } = this.#spec;
    const seen = new Set<string>();
    let page = await this.#firstPage();
    for (let count = 1; ; count++) {
      yield page;
      const cursor = (page as Record<string, unknown>)[nextCursor];
      if (cursor === null || cursor === undefined || cursor === "") return;
      const key = String(cursor);
      if (seen.has(key) || key === String(this.#query[cursorParam] ?? "")) {
        // The cursor is the server's string: not quoted (it may echo a secret), only measured.
        throw new ComposioError(
          `${operation}: the server sent a cursor again (${key.length} chars) after ${count} page(s); stopped instead of reading the same pages forever.`,
        );
      }
      seen.add(key);
      // The caller's signal goes with every page request: an abort ends the walk at once.
      page = await this.#fetchPage({ ...this.#query, [cursorParam]: cursor }, this.#options);
    }
  }

  /** Every item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.pages()) {
      const items = (page as Record<string, unknown>)[this.#spec.items];
      if (Array.isArray(items)) yield* items as Item[];
    }
  }
}

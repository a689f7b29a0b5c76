// The one file of src/ that generated code imports: the transport contract the generated resources
// call. Types only, so it costs nothing at run time. Keep it small and stable.

/** Options of one request. Each one overrides the client's option of the same name. */
export interface RequestOptions {
  /** Cancels the request, and any wait between retries, at once. */
  signal?: AbortSignal;
  /** Milliseconds one attempt may take, from sending to the last byte of the answer. */
  timeoutMs?: number;
  /** How many times a failed attempt may be retried, where retrying is safe (see README). */
  maxRetries?: number;
  /**
   * Also retry failures after which the server may have acted: 408, 500, 502, 504, timeouts, and
   * connections cut after the request was sent. A create is not idempotent: a retried create can
   * make a second connected account. Set it only where a duplicate is harmless to you.
   * @default false
   */
  retryUnsafe?: boolean;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
}

/** What a generated operation hands to the transport. */
export interface RequestInput {
  path?: Record<string, string | number>;
  query?: object;
  body?: unknown;
}

/** Sends one operation and resolves to its parsed success body, or throws a ComposioError. */
export interface Transport {
  request<T>(
    method: string,
    path: string,
    input: RequestInput,
    options: RequestOptions | undefined,
  ): Promise<T>;
}

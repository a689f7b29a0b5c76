// A `fetch` that records every JSON answer it gets, by `METHOD /path`, for tests to hold them all to
// the spec and to Composio's own description afterwards (spec-schemas.ts).

/** An answer as a client received it. */
export interface SeenAnswer {
  route: string;
  status: number;
  body: unknown;
}

/** A fetch that records the JSON answers of `inner`, by `METHOD /path`. */
export function recordingFetch(inner: typeof fetch): { fetch: typeof fetch; answers: SeenAnswer[] } {
  const answers: SeenAnswer[] = [];
  const recorded: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await inner(input, init);
    if (response.headers.get("content-type")?.startsWith("application/json")) {
      const body: unknown = await response.clone().json();
      answers.push({
        route: `${request.method} ${new URL(request.url).pathname}`,
        status: response.status,
        body,
      });
    }
    return response;
  };
  return { fetch: recorded, answers };
}

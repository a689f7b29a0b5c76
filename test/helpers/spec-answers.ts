// What a server answered, held to what the spec says that operation answers: the route is matched
// to its operation by method and path template, the status must be one the operation declares,
// and the body must fit that response's schema (spec-schemas.ts). And a `fetch` that records every
// answer it gets, for tests to check them all afterwards.
import { loadSpec, schemaRefName, deref } from "../../scripts/lib/spec.js";
import { specSchemas } from "./spec-schemas.js";

/** An answer as a client received it. */
export interface SeenAnswer {
  route: string;
  status: number;
  body: unknown;
}

/** The problems of `body` as the `status` answer of `route` (`GET /path`), none when it fits. */
export type AnswerCheck = (route: string, status: number, body: unknown) => string[];

export function specAnswers(specPath = "spec/openapi.yaml"): AnswerCheck {
  const spec = loadSpec(specPath);
  const check = specSchemas(specPath);
  const routes = Object.entries(spec.doc.paths as Record<string, Record<string, any>>)
    .flatMap(([template, item]) =>
      Object.entries(item)
        .filter(([, op]) => typeof op?.operationId === "string")
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
          responses: (op.responses ?? {}) as Record<string, any>,
        })),
    )
    // Literal segments first: `/connected_accounts/link` before `/connected_accounts/{nanoid}`.
    .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  return (route, status, body) => {
    const [method, path] = route.split(" ") as [string, string];
    const op = routes.find((r) => r.method === method && r.pattern.test(path));
    if (!op) return [`${route}: the spec has no such operation`];
    const declared = op.responses[String(status)];
    if (!declared) return [`${route}: the spec declares no ${status} answer`];
    const response = deref(spec, declared, []).schema;
    const name = schemaRefName(response.content?.["application/json"]?.schema);
    if (!name) return [`${route} ${status}: the spec's answer has no named JSON schema`];
    return check(name, body);
  };
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

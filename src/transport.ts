// The transport behind the generated resources: builds the URL, sends JSON through the retry loop,
// reads the whole answer inside the attempt's timeout, and turns error statuses into typed errors.
import { errorFromResponse, parseJson, unreadableSuccess } from "./errors.js";
import { withRetries, type RetrySettings } from "./retry.js";
import type { RequestInput, RequestOptions, Transport } from "./runtime.js";

export interface TransportConfig {
  baseUrl: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  defaults: Pick<RetrySettings, "maxRetries" | "timeoutMs">;
}

export function createTransport(config: TransportConfig): Transport {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const fetchImpl = config.fetch;
  return {
    async request<T>(
      method: string,
      path: string,
      input: RequestInput,
      options: RequestOptions = {},
    ): Promise<T> {
      const url = baseUrl + fillPath(path, input.path) + queryString(input.query);
      const body = input.body === undefined ? undefined : JSON.stringify(input.body);
      const headers: Record<string, string> = {
        accept: "application/json",
        ...config.headers,
        ...options.headers,
      };
      if (body !== undefined) headers["content-type"] = "application/json";
      const settings: RetrySettings = {
        maxRetries: options.maxRetries ?? config.defaults.maxRetries,
        timeoutMs: options.timeoutMs ?? config.defaults.timeoutMs,
        retryUnsafe: options.retryUnsafe ?? false,
        signal: options.signal,
      };
      // Every attempt sends the same serialized body: a string can be sent again, a stream could not.
      const answer = await withRetries(settings, async (signal) => {
        const response = await fetchImpl(url, { method, headers, body, signal });
        return { status: response.status, headers: response.headers, text: await response.text() };
      });
      if (answer.status < 200 || answer.status > 299)
        throw errorFromResponse(answer.status, answer.headers, answer.text);
      if (answer.text === "" && answer.status === 204) return undefined as T;
      const parsed = parseJson(answer.text);
      if (parsed === undefined) throw unreadableSuccess(answer.status, answer.headers, answer.text);
      // No validation of the answer: values the client does not know yet (new auth schemes,
      // statuses, fields) reach the caller as the server sent them.
      return parsed as T;
    },
  };
}

function fillPath(path: string, params: RequestInput["path"]): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === "")
      throw new TypeError(`Missing path parameter \`${name}\` for ${path}`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: object | undefined): string {
  if (!query) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

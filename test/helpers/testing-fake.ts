// A fake of composio-connected-accounts/testing with a client on it, in process (`fake.fetch`) or
// on 127.0.0.1 (`fake.listen()`). Every answer the client receives is recorded, and after each test
// held to the spec and to Composio's own description (api/upstream/): the status must be one the
// operation declares, the body must fit its schema. Faults asked for with failNext (and answers to
// paths of no operation) are not the API's answers: they are held to the envelope only.
import { afterEach, expect } from "vitest";
import { createComposioClient, type ComposioClient } from "../../src/index.js";
import {
  createFakeComposio,
  type FakeAuthConfig,
  type FakeComposio,
  type FakeServer,
} from "../../src/testing.js";
import { recordingFetch, type SeenAnswer } from "./recording-fetch.js";
import { specAnswers, specSchemas, upstreamAnswers } from "./spec-schemas.js";

export type Transport = "fetch" | "listen";

/** The fake project's auth configs: Composio's OAuth app, your own OAuth app, an API key. */
export const MANAGED_GITHUB = "ac_managedgithub";
export const OWN_GMAIL = "ac_owngmail";
export const SERPAPI = "ac_serpapi";
export const AUTH_CONFIGS: FakeAuthConfig[] = [
  { id: MANAGED_GITHUB, toolkit: "github", authScheme: "OAUTH2", managed: true },
  { id: OWN_GMAIL, toolkit: "gmail", authScheme: "OAUTH2" },
  { id: SERPAPI, toolkit: "serpapi", authScheme: "API_KEY" },
];

export interface FakeSetup {
  fake: FakeComposio;
  composio: ComposioClient;
  /** The recording fetch the client sends with: for raw requests whose answers are checked too. */
  fetch: typeof fetch;
  /** Where the client sends: the listening server, or the API's default address (in process, which fake.fetch serves too). */
  baseUrl: string;
  answers: SeenAnswer[];
}

const checkAnswer = specAnswers();
const checkUpstream = upstreamAnswers();
const checkSchema = specSchemas();

/**
 * What is wrong with answers the client got, as `route → status: problem`: each is held to our spec
 * and to upstream's description. Faults asked for with failNext, and answers to paths of no
 * operation, are not answers the spec describes: they are held to the envelope only.
 */
export function answerProblems(answers: readonly SeenAnswer[]): string[] {
  return answers.flatMap(({ route, status, body }) => {
    const injected = /\(fake\.failNext\)|not faked yet|"No route /.test(JSON.stringify(body));
    const problems = injected
      ? checkSchema("ErrorEnvelope", body)
      : [...checkAnswer(route, status, body), ...checkUpstream(route, status, body)];
    return problems.map((problem) => `${route} → ${status}: ${problem}`);
  });
}

/** Registers the checks after each test; returns `setup` for the tests. */
export function useFake(): (transport?: Transport, authConfigs?: FakeAuthConfig[]) => Promise<FakeSetup> {
  const servers: FakeServer[] = [];
  const recorded: SeenAnswer[][] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    expect(answerProblems(recorded.splice(0).flat())).toEqual([]);
  });
  return async (transport = "fetch", authConfigs = AUTH_CONFIGS) => {
    const fake = createFakeComposio({ authConfigs });
    let baseUrl = "https://backend.composio.dev";
    let inner = fake.fetch;
    if (transport === "listen") {
      const server = await fake.listen();
      servers.push(server);
      baseUrl = server.baseUrl;
      inner = fetch;
    }
    const { fetch: recording, answers } = recordingFetch(inner);
    recorded.push(answers);
    // In process, the client waits on the fake's clock (no real backoff or timeout); over a socket,
    // whose requests the fake cannot see on their way, on the real one.
    const clock = transport === "fetch" ? fake.clock : undefined;
    const composio = createComposioClient({
      apiKey: fake.apiKey,
      baseUrl,
      fetch: recording,
      logger: null,
      clock,
    });
    return { fake, composio, fetch: recording, baseUrl, answers };
  };
}

/** What the user's browser does on the hosted page: opens it (declining with `deny`) and reads where it is sent. */
export async function openPage(
  fetchImpl: typeof fetch,
  url: string,
  { deny = false }: { deny?: boolean } = {},
): Promise<{ status: number; location: string | null; text: string }> {
  const page = new URL(url);
  if (deny) page.searchParams.set("error", "access_denied");
  const response = await fetchImpl(page, { redirect: "manual" });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

// Tokens planted in the server's ANSWER (an account's `state.val`), never in the request: the
// client cannot scrub them as request secrets, only by the keys they sit under.
import { expect } from "vitest";
import { account } from "./operations.js";
import { viewsOf } from "./secrets.js";

export const ANSWER_TOKENS = {
  accessToken: "at_ANSWER_acc_tkn_6c1f0b",
  refreshToken: "rt_ANSWER_rfr_tkn_93ad2e",
  idToken: "it_ANSWER_idt_58b7c4",
};

/** A retrieved account carrying the answer tokens. */
export const tokenAccount = (id = "ca_tokens") =>
  account(id, {
    access: ANSWER_TOKENS.accessToken,
    refresh: ANSWER_TOKENS.refreshToken,
    id: ANSWER_TOKENS.idToken,
  });

/** Asserts that no answer token appears in any view of the error, nor in any log line; returns the checks made. */
export function expectNoAnswerTokens(error: unknown, logLines: string[] = []): number {
  const views = { ...viewsOf(error), ...Object.fromEntries(logLines.map((line, i) => [`log ${i}`, line])) };
  let checks = 0;
  for (const [where, text] of Object.entries(views)) {
    for (const [name, token] of Object.entries(ANSWER_TOKENS)) {
      expect(text.includes(token), `${name} leaked in ${where}`).toBe(false);
      checks++;
    }
  }
  return checks;
}

// Waiting for a connection, on a simulated clock (no real waiting, no server): for a connection that
// turns ACTIVE early or late, or never (the server fails it at 10 minutes), how long each polling
// policy takes to notice the change, and how many polls it sends meanwhile.
//
// A poll is instantaneous here (no round trip) and sees the status at its instant. The change time
// is drawn uniformly within ±0.5 s of the nominal one (seeded), so that a fixed 1 s or 5 s grid is
// neither lucky nor unlucky: the median is what a user sees on average. Ours draws its jitter from
// Math.random, as the client does.
import { pollDelay } from "../../src/wait.js";
import { stats, type Stats } from "./stats.js";

type Status = "INITIATED" | "ACTIVE" | "FAILED";
type Outcome = "ACTIVE" | "FAILED" | "timeout";
interface End {
  outcome: Outcome;
  /** When the policy stopped: it saw ACTIVE or FAILED, or gave up. */
  endedAtMs: number;
  polls: number;
}
type Policy = (statusAt: (t: number) => Status) => End;

/** The server fails a connection not completed within 10 minutes. */
const SERVER_FAILS_AT_MS = 600_000;

// As in src/wait.ts (not exported there): the default deadline, and the time a last look gets.
const OUR_TIMEOUT_MS = 630_000;
const LAST_LOOK_MS = 1_000;

/** Our waitForConnection's loop, with its own pollDelay (1 s ×1.5 to 10 s, jitter to −20%). */
const ours: Policy = (statusAt) => {
  let t = 0;
  let polls = 0;
  for (let n = 0; ; n++) {
    let delay = pollDelay(n);
    const before = OUR_TIMEOUT_MS - t;
    if (delay >= before) {
      if (before <= LAST_LOOK_MS) return { outcome: "timeout", endedAtMs: t, polls };
      delay = before - LAST_LOOK_MS;
    }
    t += delay;
    polls++;
    const status = statusAt(t);
    if (status !== "INITIATED") return { outcome: status, endedAtMs: t, polls };
  }
};

/**
 * @composio/core's ConnectionRequest.waitForConnection(timeout = 60_000): one retrieve, then a loop
 * that retrieves at once, then every 1 s after each answer, while less than `timeout` has passed.
 */
const composioCore =
  (timeoutMs: number): Policy =>
  (statusAt) => {
    let status = statusAt(0);
    if (status !== "INITIATED") return { outcome: status, endedAtMs: 0, polls: 1 };
    let t = 0;
    let polls = 1;
    while (t < timeoutMs) {
      polls++;
      status = statusAt(t);
      if (status !== "INITIATED") return { outcome: status, endedAtMs: t, polls };
      t += 1_000;
    }
    return { outcome: "timeout", endedAtMs: t, polls };
  };

/** openai-node's poll helpers (runs.poll …): every 5 s unless the server sends openai-poll-after-ms; no deadline. */
const openaiNode: Policy = (statusAt) => {
  for (let t = 0, polls = 1; ; t += 5_000, polls++) {
    const status = statusAt(t);
    if (status !== "INITIATED") return { outcome: status, endedAtMs: t, polls };
  }
};

export const POLICIES: Record<string, { policy: Policy; describe: string }> = {
  "composio-connected-accounts": {
    policy: ours,
    describe: "at once, then 1 s ×1.5 to 10 s, jitter to −20%; deadline 10.5 min",
  },
  "@composio/core": { policy: composioCore(60_000), describe: "every 1 s; default timeout 60 s" },
  "@composio/core, timeout 630 s": {
    policy: composioCore(OUR_TIMEOUT_MS),
    describe: "every 1 s; timeout raised to ours",
  },
  "openai-node": { policy: openaiNode, describe: "every 5 s; no deadline" },
};

export const CASES: Record<string, number> = {
  "ACTIVE after 2 s": 2_000,
  "ACTIVE after 5 s": 5_000,
  "ACTIVE after 2 min": 120_000,
  "ACTIVE after 5 min": 300_000,
  "never (FAILED at 10 min)": Infinity,
};

export interface WaitFigure {
  /** How many trials ended each way. */
  outcomes: Partial<Record<Outcome, number>>;
  /** From the change to when it was noticed, over the trials that noticed it; null if none did. */
  delayMs: Stats | null;
  polls: Stats;
  endedAtMs: Stats;
}

/** Every policy on every case, `trials` times each. */
export function simulateWaiting(trials: number): Record<string, Record<string, WaitFigure>> {
  const results: Record<string, Record<string, WaitFigure>> = {};
  for (const [label, nominal] of Object.entries(CASES)) {
    results[label] = {};
    for (const [name, { policy }] of Object.entries(POLICIES)) {
      const random = mulberry32(0x5eed);
      const ends: (End & { delayMs: number | undefined })[] = [];
      for (let i = 0; i < trials; i++) {
        const phase = (random() - 0.5) * 1_000;
        const activeAt = nominal + phase;
        const failsAt = SERVER_FAILS_AT_MS + phase;
        const statusAt = (t: number): Status =>
          t >= activeAt ? "ACTIVE" : t >= failsAt ? "FAILED" : "INITIATED";
        const end = policy(statusAt);
        const changedAt = Math.min(activeAt, failsAt);
        ends.push({ ...end, delayMs: end.outcome === "timeout" ? undefined : end.endedAtMs - changedAt });
      }
      const noticed = ends.flatMap((e) => (e.delayMs === undefined ? [] : [e.delayMs]));
      const outcomes: Partial<Record<Outcome, number>> = {};
      for (const e of ends) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
      results[label][name] = {
        outcomes,
        delayMs: noticed.length ? stats(noticed) : null,
        polls: stats(ends.map((e) => e.polls)),
        endedAtMs: stats(ends.map((e) => e.endedAtMs)),
      };
    }
  }
  return results;
}

/** A small seeded PRNG, for the change times. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

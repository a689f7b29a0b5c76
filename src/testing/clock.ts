// `fake.clock`: the fake's clock, as a `Clock` a client waits on (its `clock` option). Virtual time,
// as in Go's testing/synctest: time stands still while anything may still happen without it, and
// jumps to the next timer when nothing can. What it can see of "anything" is the requests: a
// request the fake is answering, and every attempt of a client on this clock, from the moment the
// client starts it (the transport tells the clock: `Clock.attempt`) until it ends — so a fetch
// wrapper's real work, a hop through `listen()`'s socket and the reading of the answer all take
// no fake time. An attempt whose request the fake leaves unanswered (a "hang") is what synctest
// calls durably blocked: only time can end it, so it holds nothing, and the client's timeout fires
// in fake time. The attempts are counted, not matched to their requests (a socket's carries no
// mark of its sender): time moves when no request is in the fake's hands and no more attempts are
// out than requests hang. What the clock cannot see is real work the test itself waits on (a
// browser opening the hosted page while a wait sleeps): the test says so with `pause()`, and moves
// the clock, if it likes, with `fake.advance(ms)`, as sinon's `tick` does. Knowing when the whole
// process is idle instead (no real timer or socket pending) is what a runtime knows, not a library.
//
// Each timer is fired on a turn of the event loop of its own (after the microtasks of the last
// one), so the code it wakes runs, and starts its next attempt (which holds the clock), before
// time moves again. The clock is the store's: `fake.advance(ms)` moves it as well, and the
// ten-minute expiry follows both.
import type { Clock } from "../types.js";
import type { FakeStore } from "./accounts.js";

/** `fake.clock`: the fake's time, for a client's `clock` option, which a test may pause. */
export interface FakeClock extends Clock {
  /**
   * Stops the clock's own jumps until the function it returns is called: for a test that waits on
   * real work (a browser on the hosted page) while something sleeps on the clock. Meanwhile
   * `fake.advance(ms)` still moves it, firing what falls due. Pauses count: each is resumed.
   */
  pause(): () => void;
}

interface Timer {
  at: number;
  callback: () => void;
}

/** The largest delay a host's timer holds (2^31 - 1 ms); Node and browsers fire a longer one at once. */
const MAX_DELAY_MS = 2_147_483_647;
/** The last time a Date holds (ECMA-262: 8.64e15 ms from the epoch). */
export const MAX_DATE_MS = 8.64e15;

// The host's own, taken when this module loads: fake timers a test installs later (vi.useFakeTimers,
// sinon) replace the globals, and would stop this clock until the test moved theirs.
const [immediate, timeout] = [globalThis.setImmediate, globalThis.setTimeout];
/** A turn of the event loop: setImmediate where there is one (Node), else a zero timeout. */
const nextTurn = (run: () => void): unknown => (immediate ? immediate(run) : timeout(run, 0));

export class VirtualClock implements FakeClock {
  readonly #timers = new Map<number, Timer>();
  #lastId = 0;
  /** Requests in the fake's hands, and the test's pauses: time stands still while there are any. */
  #held = 0;
  /** Attempts of clients on this clock, from their start to their end. */
  #attempts = 0;
  /** Requests the fake leaves unanswered, until they end: only time ends them. */
  #hanging = 0;
  #scheduled = false;
  readonly #store: FakeStore;

  constructor(store: FakeStore) {
    this.#store = store;
  }

  now = (): number => this.#store.now;

  /** The fake's time is the time of day its timestamps (`created_at` …) are written with. */
  epochNow = (): number => this.#store.now;

  setTimeout = (callback: () => void, ms: number): number => {
    const id = ++this.#lastId;
    // No later than the last date: past it the fake's dates could not be written.
    this.#timers.set(id, { at: Math.min(this.#store.now + delay(ms), MAX_DATE_MS), callback });
    this.wake();
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  attempt = (): (() => void) => this.#count(1, 0);

  pause = (): (() => void) => this.hold();

  /** A request enters the fake: time stands still until the returned function is called. */
  hold(): () => void {
    this.#held++;
    return once(() => {
      this.#held--;
      this.wake();
    });
  }

  /** The fake leaves a request unanswered: its attempt holds nothing until the returned function is called. */
  hang(): () => void {
    return this.#count(0, 1);
  }

  #count(attempts: number, hanging: number): () => void {
    this.#attempts += attempts;
    this.#hanging += hanging;
    // A hang may free the clock at once.
    if (hanging) this.wake();
    return once(() => {
      this.#attempts -= attempts;
      this.#hanging -= hanging;
      this.wake();
    });
  }

  /** Looks for a timer to fire on the next turn (after `fake.advance`, a new timer, a request answered). */
  wake(): void {
    if (this.#scheduled || this.#timers.size === 0) return;
    this.#scheduled = true;
    nextTurn(() => {
      this.#scheduled = false;
      this.#fireNext();
    });
  }

  /** Fires the earliest timer: at once if it is due, else by moving the clock to it, if nothing holds it. */
  #fireNext(): void {
    let next: [number, Timer] | undefined;
    for (const entry of this.#timers) if (!next || entry[1].at < next[1].at) next = entry;
    if (!next) return;
    const [id, timer] = next;
    if (timer.at > this.#store.now) {
      // A release, an attempt's end or a hang wakes the clock again.
      if (this.#held > 0 || this.#attempts > this.#hanging) return;
      this.#store.advance(timer.at - this.#store.now);
    }
    this.#timers.delete(id);
    this.wake();
    timer.callback();
  }
}

/**
 * A delay as the host's timers read it: none for one that is no number > 0, and 1 ms, with Node's
 * TimeoutOverflowWarning, for one past what a timer holds (Infinity too). Browsers fire those at
 * once as well: a test on the fake sees what the app would. Refusing them would break a client
 * that the real clock serves.
 */
function delay(given: number): number {
  const ms = Number(given);
  if (!(ms > 0)) return 0;
  if (ms <= MAX_DELAY_MS) return ms;
  const message = `fake.clock.setTimeout: ${ms} ms does not fit into a 32-bit signed integer; as the host's timers do, the timer fires after 1 ms.`;
  const host = globalThis as { process?: { emitWarning?: (message: string, type: string) => void } };
  if (typeof host.process?.emitWarning === "function")
    host.process.emitWarning(message, "TimeoutOverflowWarning");
  else console.warn(`TimeoutOverflowWarning: ${message}`);
  return 1;
}

/** `release`, callable any number of times, acting once. */
function once(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

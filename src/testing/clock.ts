// `fake.clock`: the fake's clock, as a `Clock` a client waits on (its `clock` option). Virtual time,
// as in Go's testing/synctest: time stands still while anything may still happen without it, and
// jumps to the next timer when nothing can — here, when the fake is not answering a request. Each
// timer is fired on a turn of the event loop of its own (after the microtasks of the last one),
// so the code it wakes runs, and sends its next request (which holds the clock), before time moves
// again. A request the fake leaves hanging holds nothing: the client's timeout then fires, in fake
// time. Over `listen()`, a request on its way through a socket is not yet the fake's to see: a
// client that waits on this clock sends through `fake.fetch` (which serves the listening address
// too). The clock is the store's: `fake.advance(ms)` moves it as well, and the ten-minute expiry
// follows both.
import type { Clock } from "../types.js";
import type { FakeStore } from "./accounts.js";

interface Timer {
  at: number;
  callback: () => void;
}

// The host's own, taken when this module loads: fake timers a test installs later (vi.useFakeTimers,
// sinon) replace the globals, and would stop this clock until the test moved theirs.
const [immediate, timeout] = [globalThis.setImmediate, globalThis.setTimeout];
/** A turn of the event loop: setImmediate where there is one (Node), else a zero timeout. */
const nextTurn = (run: () => void): unknown => (immediate ? immediate(run) : timeout(run, 0));

export class FakeClock implements Clock {
  readonly #timers = new Map<number, Timer>();
  #lastId = 0;
  /** Requests in the fake's hands: time stands still while there are any. */
  #held = 0;
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
    // As a host's timers do: a delay that is no number ≥ 0 is none.
    this.#timers.set(id, { at: this.#store.now + (ms > 0 ? ms : 0), callback });
    this.wake();
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  /** A request enters the fake: time stands still until the returned function is called. */
  hold(): () => void {
    this.#held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      this.wake();
    };
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
      // A release wakes the clock again.
      if (this.#held > 0) return;
      this.#store.advance(timer.at - this.#store.now);
    }
    this.#timers.delete(id);
    this.wake();
    timer.callback();
  }
}

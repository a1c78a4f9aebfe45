import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleType } from "cockatiel";

import { StoreFault } from "./store-errors.js";

/** An operation got no answer within the deadline: the store is stuck, not merely refusing. */
class StoreTimeout extends Error {
  override readonly name = "StoreTimeout";
}

/** One store operation; `signal` aborts when its deadline has passed, so that it stops retrying. */
export type StoreWork<T> = (signal: AbortSignal) => Promise<T>;

function withinDeadline<T>(deadlineMs: number, work: StoreWork<T>): Promise<T> {
  const abandon = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandon.abort();
      reject(new StoreTimeout(`no answer within ${deadlineMs} ms`));
    }, deadlineMs);
  });
  return Promise.race([work(abandon.signal), deadline]).finally(() => clearTimeout(timer));
}

/** Consecutive missed deadlines after which the store is left alone for one deadline. */
export const MISSES_TO_STOP = 3;

/**
 * Runs the operations of one store, each within `deadlineMs`, and stops asking a stuck store.
 *
 * A stuck store (a SQLite file whose lock another process holds, a Redis that stops answering)
 * answers no operation within its deadline, and a command makes three to five of them in turn:
 * each would wait its full deadline. So once operations have missed their deadline
 * `MISSES_TO_STOP` times in a row, the next ones fail at once for one deadline, then a single one
 * tries the store again (one miss alone may be a busy machine; three in a row are a stuck store).
 * Failing at once is what a store that is down does already: decisions ask GitHub, answers are not
 * kept, removals are answered 5xx.
 */
export class StoreGuard {
  readonly #breaker;

  constructor(private readonly deadlineMs: number) {
    this.#breaker = circuitBreaker(handleType(StoreTimeout), {
      halfOpenAfter: deadlineMs,
      breaker: new ConsecutiveBreaker(MISSES_TO_STOP),
    });
  }

  /** Runs `work`: a {@link StoreFault} on error, past the deadline, or while the store is stuck. */
  async run<T>(operation: string, work: StoreWork<T>): Promise<T> {
    try {
      return await this.#breaker.execute(() => withinDeadline(this.deadlineMs, work));
    } catch (error) {
      throw new StoreFault(
        operation,
        error instanceof BrokenCircuitError ? stuck(this.deadlineMs) : error,
      );
    }
  }
}

function stuck(deadlineMs: number): Error {
  return new Error(`not tried: the store missed its ${deadlineMs} ms deadline moments ago`);
}

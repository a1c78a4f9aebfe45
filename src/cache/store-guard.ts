import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleType } from "cockatiel";

import { StoreFault } from "./store-errors.js";

/** An operation got no answer within the deadline: the store is stuck, not merely refusing. */
class StoreTimeout extends Error {
  override readonly name = "StoreTimeout";
}

function withinDeadline<T>(deadlineMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreTimeout(`no answer within ${deadlineMs} ms`)),
      deadlineMs,
    );
  });
  return Promise.race([work(), deadline]).finally(() => clearTimeout(timer));
}

/**
 * Runs the operations of one store, each within `deadlineMs`, and stops asking a stuck store.
 *
 * When the store stops answering (a SQLite file locked by another process, a Redis that hangs),
 * the operations a deadline gave up on still hold the store's queue, and every later one waits
 * behind them: in the soak a delivery's reads and writes then took 7 s in all, close to GitHub's
 * 10 s. So once an operation misses its deadline, the next ones fail at once for one deadline,
 * then a single one tries the store again. Failing at once is what a store that is down does
 * already: decisions ask GitHub, answers are not kept, removals are answered 5xx.
 */
export class StoreGuard {
  readonly #breaker;

  constructor(private readonly deadlineMs: number) {
    this.#breaker = circuitBreaker(handleType(StoreTimeout), {
      halfOpenAfter: deadlineMs,
      breaker: new ConsecutiveBreaker(1),
    });
  }

  /** Runs `work`, failing with a {@link StoreFault} on error, after the deadline, or while the store is stuck. */
  async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
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

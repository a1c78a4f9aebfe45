import type fc from "fast-check";

import type { GateStore } from "../../src/cache/gate-store.js";

/**
 * A store whose every answer is handed back when a fast-check scheduler says so, so that
 * lookups and invalidations interleave at each store round trip in a random but replayable
 * order. Each operation still runs on the real store the moment it is called.
 */
export class SteppedStore implements GateStore {
  readonly kind;
  readonly location = "stepped://test";
  scheduler: fc.Scheduler | undefined;

  constructor(private readonly inner: GateStore) {
    this.kind = inner.kind;
  }

  getMany(keys: readonly string[]): Promise<unknown[]> {
    return this.#step("read", this.inner.getMany(keys));
  }

  set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    return this.#step(`write ${key}`, this.inner.set(key, value, ttlMs));
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.#step("delete", this.inner.delete(keys));
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.#step("claim", this.inner.claim(key, ttlMs));
  }

  purgeExpired(): Promise<number> {
    return this.inner.purgeExpired();
  }

  countByKind(): Promise<Record<string, number>> {
    return this.inner.countByKind();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  #step<T>(label: string, operation: Promise<T>): Promise<T> {
    return this.scheduler === undefined ? operation : this.scheduler.schedule(operation, label);
  }
}

import type { GateStore } from "../../src/cache/gate-store.js";
import { StoreFault } from "../../src/cache/store-errors.js";

type Operation = "read" | "write" | "delete";

/** A store that delegates to a real one, except for the operations a test switches off. */
export class FaultyStore implements GateStore {
  readonly kind;
  readonly location = "faulty://test";
  readonly failing = new Set<Operation>();

  constructor(private readonly inner: GateStore) {
    this.kind = inner.kind;
  }

  getMany(keys: readonly string[]): Promise<unknown[]> {
    return this.#guard("read", () => this.inner.getMany(keys));
  }

  set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    return this.#guard("write", () => this.inner.set(key, value, ttlMs));
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.#guard("delete", () => this.inner.delete(keys));
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.#guard("write", () => this.inner.claim(key, ttlMs));
  }

  purgeExpired(): Promise<number> {
    return this.#guard("delete", () => this.inner.purgeExpired());
  }

  countByKind(): Promise<Record<string, number>> {
    return this.#guard("read", () => this.inner.countByKind());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  #guard<T>(operation: Operation, work: () => Promise<T>): Promise<T> {
    if (this.failing.has(operation)) {
      return Promise.reject(new StoreFault(operation, new Error("SQLITE_READONLY (test)")));
    }
    return work();
  }
}

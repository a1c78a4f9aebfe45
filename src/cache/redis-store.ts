import KeyvRedis, { createClient } from "@keyv/redis";
import Keyv from "keyv";

import { KEY_PREFIX, redactUrl, type GateStore } from "./gate-store.js";
import { StoreGuard } from "./store-guard.js";

/**
 * The shared store for several replicas. Commands fail at once while Redis is unreachable (no
 * offline queue), so that a decision falls back to GitHub instead of waiting for a reconnect.
 */
export class RedisStore implements GateStore {
  readonly kind = "redis";
  readonly location: string;
  readonly #keyv: Keyv;
  readonly #adapter: KeyvRedis<unknown>;
  readonly #client: ReturnType<typeof createClient>;
  readonly #guard: StoreGuard;

  private constructor(url: string, deadlineMs: number) {
    this.location = redactUrl(url);
    this.#guard = new StoreGuard(deadlineMs);
    this.#client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: deadlineMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
      },
    });
    this.#client.on("error", () => undefined); // reconnects by itself; operations report faults
    this.#adapter = new KeyvRedis(this.#client, {
      throwOnErrors: true,
      throwOnConnectError: true,
      connectionTimeout: deadlineMs,
    });
    this.#adapter.on("error", () => undefined);
    this.#keyv = new Keyv({ store: this.#adapter, useKeyPrefix: false, throwOnErrors: true });
    // Keyv hands its default namespace "keyv" to the adapter, which would then store "keyv::mg:…"
    // while delete, claim and countByKind address "mg:…" directly. One key space for all.
    this.#keyv.namespace = undefined;
    this.#keyv.on("error", () => undefined); // errors reach callers as StoreFault instead
  }

  static async open(url: string, deadlineMs: number): Promise<RedisStore> {
    const store = new RedisStore(url, deadlineMs);
    try {
      await store.#run("open", async () => {
        await store.#adapter.getClient();
        await store.#client.ping();
      });
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  getMany(keys: readonly string[]): Promise<unknown[]> {
    return this.#run("read", () => this.#keyv.getMany([...keys]));
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.#run("write", () => this.#keyv.set(key, value, ttlMs));
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#run("delete", async () => {
      await this.#client.del([...keys]);
    });
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.#run("claim", async () => {
      const value = JSON.stringify({ value: true, expires: Date.now() + ttlMs });
      return (await this.#client.set(key, value, { NX: true, PX: ttlMs })) === "OK";
    });
  }

  /** Redis expires keys itself. */
  purgeExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  countByKind(): Promise<Record<string, number>> {
    return this.#run("count", async () => {
      const counts: Record<string, number> = {};
      for await (const keys of this.#client.scanIterator({
        MATCH: `${KEY_PREFIX}*`,
        COUNT: 1000,
      })) {
        for (const key of keys) {
          const kind = key.slice(KEY_PREFIX.length).split(":")[0] ?? "";
          counts[kind] = (counts[kind] ?? 0) + 1;
        }
      }
      return counts;
    });
  }

  async close(): Promise<void> {
    try {
      this.#client.destroy();
    } catch {
      // already closed
    }
  }

  #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return this.#guard.run(operation, work);
  }
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

import KeyvSqlite from "@keyv/sqlite";
import { ExponentialBackoff, handleWhen, retry } from "cockatiel";
import Keyv from "keyv";

import { KEY_PREFIX, redactUrl, type GateStore } from "./gate-store.js";
import { StoreGuard } from "./store-guard.js";

const TABLE = "keyv";
/** Bytes the write-ahead log is truncated to after a checkpoint, so it cannot grow for ever. */
const WAL_SIZE_LIMIT = 4 * 1024 * 1024;
const PURGE_BATCH = 2000;
/** Where the kind starts in a key (`mg:member:...` → `member`), 1-based as SQL counts. */
const KIND_START = KEY_PREFIX.length + 1;

/** Another connection holds the write lock (or, briefly, the file). */
function isBusy(error: Error): boolean {
  return /SQLITE_BUSY|SQLITE_LOCKED/.test(error.message);
}

/**
 * SQLite's own busy timeout sleeps with the connection's mutex held, and node's main thread
 * waits for that mutex too: with the file locked by another process, a few queued writes froze
 * the whole app for seconds. So SQLite gives up at once and the wait happens here, between tries,
 * until the operation's deadline.
 */
const whileBusy = retry(handleWhen(isBusy), {
  maxAttempts: Number.MAX_SAFE_INTEGER,
  backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 100 }),
});

/** The SQLite file named by a `sqlite://PATH` URL (`:memory:` for none). */
export function sqliteFile(url: string): string {
  return url.replace(/^sqlite:\/\//, "");
}

/** The SQLite file behind a `sqlite://PATH` URL, its folder created if missing. */
export function sqlitePath(url: string): string {
  const path = sqliteFile(url);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** The default store: one SQLite file in WAL mode, expired rows purged on demand. */
export class SqliteStore implements GateStore {
  readonly kind = "sqlite";
  readonly location: string;
  readonly #adapter: KeyvSqlite;
  readonly #keyv: Keyv;
  readonly #guard: StoreGuard;

  private constructor(url: string, deadlineMs: number) {
    this.location = redactUrl(url);
    this.#guard = new StoreGuard(deadlineMs);
    this.#adapter = new KeyvSqlite({ uri: `sqlite://${sqlitePath(url)}` });
    this.#keyv = new Keyv({ store: this.#adapter, useKeyPrefix: false, throwOnErrors: true });
    this.#keyv.on("error", () => undefined); // errors reach callers as StoreFault instead
  }

  static async open(url: string, deadlineMs: number): Promise<SqliteStore> {
    const store = new SqliteStore(url, deadlineMs);
    await store.#run("open", async () => {
      await store.#adapter.query("PRAGMA busy_timeout=0"); // node's sqlite3 sets 1000 ms
      await store.#adapter.query("PRAGMA journal_mode=WAL");
      await store.#adapter.query("PRAGMA synchronous=NORMAL");
      await store.#adapter.query(`PRAGMA journal_size_limit=${WAL_SIZE_LIMIT}`);
    });
    return store;
  }

  getMany(keys: readonly string[]): Promise<unknown[]> {
    return this.#run("read", () => this.#keyv.getMany([...keys]));
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.#run("write", () => this.#keyv.set(key, value, ttlMs));
  }

  async delete(keys: readonly string[]): Promise<void> {
    await this.#run("delete", () =>
      this.#adapter.query(
        `DELETE FROM ${TABLE} WHERE key IN (SELECT value FROM json_each(?))`,
        JSON.stringify(keys),
      ),
    );
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const value = JSON.stringify({ value: true, expires: now + ttlMs });
    return this.#run("claim", async () => {
      const rows: unknown[] = await this.#adapter.query(
        `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value
         WHERE json_extract(${TABLE}.value, '$.expires') < ?
         RETURNING key`,
        key,
        value,
        now,
      );
      return rows.length === 1;
    });
  }

  /**
   * Deletes expired rows in batches (each within the store deadline); their pages are reused, so
   * the file stops growing.
   */
  async purgeExpired(): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.#run("purge", () => this.#purgeBatch(Date.now()));
      removed += batch;
      if (batch < PURGE_BATCH) break;
    }
    await this.#run("checkpoint", () => this.#adapter.query("PRAGMA wal_checkpoint(TRUNCATE)"));
    return removed;
  }

  async #purgeBatch(now: number): Promise<number> {
    const rows: unknown[] = await this.#adapter.query(
      `DELETE FROM ${TABLE} WHERE key IN (
         SELECT key FROM ${TABLE} WHERE json_extract(value, '$.expires') < ? LIMIT ${PURGE_BATCH}
       ) RETURNING key`,
      now,
    );
    return rows.length;
  }

  countByKind(): Promise<Record<string, number>> {
    return this.#run("count", async () => {
      const rows: Array<{ kind: string; count: number }> = await this.#adapter.query(
        `SELECT substr(key, ${KIND_START}, instr(substr(key, ${KIND_START}), ':') - 1)
           AS kind, count(*) AS count
         FROM ${TABLE}
         WHERE key LIKE '${KEY_PREFIX}%'
           AND coalesce(json_extract(value, '$.expires'), ?) >= ?
         GROUP BY kind`,
        Date.now(),
        Date.now(),
      );
      return Object.fromEntries(rows.map((row) => [row.kind, row.count]));
    });
  }

  async close(): Promise<void> {
    await this.#adapter.disconnect();
  }

  #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return this.#guard.run(operation, (signal) => whileBusy.execute(work, signal));
  }
}

import sqlite3 from "sqlite3";

import type { RedisServer } from "../test/helpers/redis-server.js";

/** A fault of the cache store that the schedule switches on and off. */
export interface StoreFault {
  readonly label: string;
  /** True when the store comes back empty (a Redis without persistence). */
  readonly clearsCache: boolean;
  begin(): Promise<void>;
  end(): Promise<void>;
}

/**
 * Another process holding the SQLite file's write lock: a second connection runs
 * `BEGIN EXCLUSIVE` and keeps the transaction open, so the app's writes wait out their busy
 * timeout and fail. (Making the file read-only proves nothing here: the soak runs as root, and
 * the app's connection is already open.)
 */
export class SqliteLock implements StoreFault {
  readonly label = "SQLite write lock held by a second connection (BEGIN EXCLUSIVE)";
  readonly clearsCache = false;
  #connection: sqlite3.Database | undefined;

  constructor(private readonly file: string) {}

  async begin(): Promise<void> {
    const connection = new sqlite3.Database(this.file);
    connection.configure("busyTimeout", 5_000);
    await exec(connection, "BEGIN EXCLUSIVE");
    this.#connection = connection;
  }

  async end(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection === undefined) return;
    await exec(connection, "COMMIT");
    await new Promise<void>((resolve, reject) =>
      connection.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

/** redis-server stopped, and started again (empty: the soak's Redis keeps no data on disk). */
export class RedisOutage implements StoreFault {
  readonly label = "redis-server stopped, then started again (empty)";
  readonly clearsCache = true;

  constructor(private readonly server: RedisServer) {}

  begin(): Promise<void> {
    return this.server.stop();
  }

  end(): Promise<void> {
    return this.server.start();
  }
}

function exec(connection: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) =>
    connection.exec(sql, (error) => (error ? reject(error) : resolve())),
  );
}

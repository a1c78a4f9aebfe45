import { writeFileSync } from "node:fs";

import sqlite3 from "sqlite3";

/**
 * Another process's connection to the SQLite file at `path` that opens a write transaction and
 * keeps the write lock until the returned function is called.
 */
export async function holdWriteLock(path: string): Promise<() => Promise<void>> {
  const other = new sqlite3.Database(path);
  const exec = (sql: string) =>
    new Promise<void>((resolve, reject) => other.exec(sql, (e) => (e ? reject(e) : resolve())));
  await exec("BEGIN IMMEDIATE; INSERT INTO keyv (key, value) VALUES ('other', '{}');");
  return async () => {
    await exec("ROLLBACK");
    await new Promise<void>((resolve) => other.close(() => resolve()));
  };
}

/** Overwrites the database, its write-ahead log and its index in place, as a disk fault would. */
export function corrupt(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    writeFileSync(file, Buffer.alloc(65536, 0x5a));
  }
}

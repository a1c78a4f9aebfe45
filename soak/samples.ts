import { readFileSync, statSync } from "node:fs";

import sqlite3 from "sqlite3";

/** What the soak samples every few seconds. */
export interface Sample {
  /** Milliseconds since the traffic started. */
  readonly at: number;
  /** The app's resident set (VmRSS), bytes; 0 once it is gone. */
  readonly rss: number;
  /** The SQLite database file and its write-ahead log, bytes (0 for Redis). */
  readonly file: number;
  readonly wal: number;
  /** Live and expired rows by kind (the key's first segment), when the file could be read. */
  readonly rows: ReadonlyMap<string, number> | undefined;
}

/** VmRSS of a process from /proc, in bytes; 0 when the process is gone. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib === undefined ? 0 : Number(kib) * 1024;
  } catch {
    return 0;
  }
}

export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const ROWS_BY_KIND = `SELECT substr(key, 4, instr(substr(key, 4), ':') - 1) AS kind, count(*) AS n
  FROM keyv GROUP BY kind`;

/**
 * Counts the cache's rows by kind (`member`, `team-member`, `gen`, `delivery`, ...) through a
 * read-only connection; undefined if the file is locked or unreadable at that moment.
 */
export function rowsByKind(file: string): Promise<Map<string, number> | undefined> {
  return new Promise((resolve) => {
    const connection = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => {
      if (error) return resolve(undefined);
      connection.configure("busyTimeout", 200);
      connection.all<{ kind: string; n: number }>(ROWS_BY_KIND, (queryError, rows) => {
        connection.close(() => undefined);
        if (queryError) return resolve(undefined);
        resolve(new Map(rows.map((row) => [row.kind, row.n])));
      });
    });
  });
}

/** Takes one sample of the app process and, for SQLite, of its file. */
export async function takeSample(at: number, pid: number, file?: string): Promise<Sample> {
  if (file === undefined) return { at, rss: rssOf(pid), file: 0, wal: 0, rows: undefined };
  return {
    at,
    rss: rssOf(pid),
    file: sizeOf(file),
    wal: sizeOf(`${file}-wal`),
    rows: await rowsByKind(file),
  };
}

/** Whether a figure stopped growing: the last third's peak against the middle third's. */
export interface Growth {
  readonly middleMax: number;
  readonly lastMax: number;
  /** lastMax / middleMax - 1 */
  readonly change: number;
  readonly tolerance: number;
  readonly flat: boolean;
}

export function growthOf(
  samples: readonly Sample[],
  value: (sample: Sample) => number,
  tolerance: number,
): Growth {
  const end = samples.at(-1)?.at ?? 0;
  const peak = (from: number, to: number) =>
    Math.max(0, ...samples.filter((s) => s.at >= from && s.at <= to).map(value));
  const middleMax = peak(end / 3, (2 * end) / 3);
  const lastMax = peak((2 * end) / 3, end);
  const change = middleMax === 0 ? 0 : lastMax / middleMax - 1;
  return { middleMax, lastMax, change, tolerance, flat: change <= tolerance };
}

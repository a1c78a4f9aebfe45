import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { SqliteStore } from "../src/cache/sqlite-store.js";
import { measureDecisions, measureSqliteFile } from "./decision-latency.js";
import { fmt, mib, printTable } from "./stats.js";

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "member-gate-bench-"));
  try {
    const sqliteUrl = `sqlite://${join(folder, "decisions.sqlite")}`;
    const sqlite = await measureDecisions(await SqliteStore.open(sqliteUrl, 5000), "sqlite");
    printTable(
      "2. Decision inside the process (warm cache, 100,000 decisions)",
      ["store", "p50 ms", "p99 ms", "RSS after"],
      [[sqlite.store, fmt(sqlite.latency.p50), fmt(sqlite.latency.p99), mib(sqlite.rssAfter)]],
    );
    printTable(
      "6. Growth: decision time by cached users",
      ["store", "users", "p50 ms", "p99 ms"],
      sqlite.growth.map((g) => [sqlite.store, String(g.users), fmt(g.p50), fmt(g.p99)]),
    );
    const filePath = join(folder, "file.sqlite");
    const file = await measureSqliteFile(
      await SqliteStore.open(`sqlite://${filePath}`, 5000),
      filePath,
    );
    printTable(
      "5. SQLite file, 100,000 distinct users",
      ["after fill", "expired rows purged", "after purge and 100,000 more"],
      [file],
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();

import { existsSync, statSync } from "node:fs";

import { CliError, type CliEnvironment, type CommandResult } from "./cli-environment.js";
import { openStore } from "../cache/open-store.js";
import { sqliteFile } from "../cache/sqlite-store.js";

const SQLITE_PARTS = ["", "-wal", "-shm"] as const;

/** `member-gate cache stats`: the store, its live entries by kind, and the SQLite file size. */
export async function cacheStats(env: CliEnvironment): Promise<CommandResult> {
  const { cacheUrl, storeDeadlineMs } = env.settings;
  const file = cacheUrl.startsWith("sqlite://") ? sqliteFile(cacheUrl) : undefined;
  if (file !== undefined && !existsSync(file)) {
    throw new CliError(`No cache file at ${file}: the app has not run with this CACHE_URL yet.`);
  }

  const store = await openStore(cacheUrl, storeDeadlineMs);
  try {
    const counts = await store.countByKind();
    const lines = [`store:    ${store.kind}`, `location: ${store.location}`];
    if (file !== undefined) lines.push(`size:     ${fileSize(file)}`);
    lines.push(`entries:  ${describeCounts(counts)}`);
    return { exitCode: 0, lines };
  } finally {
    await store.close();
  }
}

/** Total bytes of the database and its WAL and shared-memory files, with the parts. */
function fileSize(file: string): string {
  const parts = SQLITE_PARTS.map((suffix) => ({
    name: `${file}${suffix}`,
    bytes: existsSync(`${file}${suffix}`) ? statSync(`${file}${suffix}`).size : 0,
  }));
  const total = parts.reduce((sum, part) => sum + part.bytes, 0);
  const detail = parts
    .filter((part) => part.bytes > 0)
    .map((part) => `${part.name} ${part.bytes}`)
    .join(", ");
  return `${total} bytes (${detail})`;
}

function describeCounts(counts: Readonly<Record<string, number>>): string {
  const kinds = Object.keys(counts).sort();
  if (kinds.length === 0) return "none";
  return kinds.map((kind) => `${kind} ${counts[kind] ?? 0}`).join(", ");
}

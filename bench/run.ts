/**
 * `npm run bench`: every figure of the performance issue in one run, printed as Markdown tables.
 * BENCH_ONLY=throughput|decisions|lookups|revocation|file runs one section; BENCH_REQUESTS,
 * BENCH_INSTALLATIONS, BENCH_CONCURRENCY and BENCH_REPETITIONS size the throughput run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { GateStore } from "../src/cache/gate-store.js";
import { RedisStore } from "../src/cache/redis-store.js";
import { SqliteStore } from "../src/cache/sqlite-store.js";
import { hasRedisServer, RedisServer } from "../test/helpers/redis-server.js";
import { measureDecisions, measureSqliteFile } from "./decision-latency.js";
import { measureLookupCounts } from "./lookup-count.js";
import { measureRevocation } from "./revocation-latency.js";
import { fmt, medianAndSpread, mib, printTable } from "./stats.js";
import { measureThroughput, type LoadResult } from "./throughput.js";

const only = process.env.BENCH_ONLY;
const wanted = (section: string) => only === undefined || only === section;
const folder = mkdtempSync(join(tmpdir(), "member-gate-bench-"));
let sqliteFiles = 0;

const stores: Array<{ label: string; open: () => Promise<GateStore> }> = [
  {
    label: "sqlite",
    open: () => SqliteStore.open(`sqlite://${join(folder, `s${++sqliteFiles}.sqlite`)}`, 5000),
  },
];

async function throughput(): Promise<void> {
  const plan = {
    installations: Number(process.env.BENCH_INSTALLATIONS ?? 200),
    membersPerOrg: 5,
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
    requests: Number(process.env.BENCH_REQUESTS ?? 4000),
  };
  const repetitions = Number(process.env.BENCH_REPETITIONS ?? 3);
  const { app, floor, probot, ratios } = await measureThroughput(plan, repetitions);
  const row = (name: string, results: LoadResult[]) => [
    name,
    medianAndSpread(results.map((r) => r.perSecond)),
    medianAndSpread(results.map((r) => r.p50)),
    medianAndSpread(results.map((r) => r.p99)),
    medianAndSpread(results.map((r) => r.cpuMsPerCommand)),
    String(results.reduce((n, r) => n + r.failed, 0)),
  ];
  printTable(
    `1. Admitted commands on a warm cache: ${plan.requests} signed deliveries over ${plan.installations} installations, concurrency ${plan.concurrency}; median (min–max) of ${repetitions}`,
    ["server", "commands/s", "p50 ms", "p99 ms", "server CPU ms/command", "non-2xx"],
    [
      row("floor", floor),
      row("Probot alone: the two writes, no gate", probot),
      row("member-gate (npm start)", app),
    ],
  );
  console.log(`\nratio member-gate / floor: ${medianAndSpread(ratios)} (target >= 0.8)`);
  const cpuRatios = app.map(
    (r, i) => (floor[i]?.cpuMsPerCommand ?? Number.NaN) / r.cpuMsPerCommand,
  );
  console.log(`CPU ratio floor / member-gate per command: ${medianAndSpread(cpuRatios)}`);
  const probotRatios = probot.map((r, i) => r.perSecond / (floor[i]?.perSecond ?? Number.NaN));
  console.log(`ratio Probot alone / floor: ${medianAndSpread(probotRatios)}`);
}

async function decisions(): Promise<void> {
  const rows: string[][] = [];
  const growth: string[][] = [];
  for (const store of stores) {
    const figures = await measureDecisions(await store.open(), store.label);
    rows.push([
      store.label,
      fmt(figures.latency.p50),
      fmt(figures.latency.p99),
      mib(figures.rssAfter),
    ]);
    for (const g of figures.growth)
      growth.push([store.label, String(g.users), fmt(g.p50), fmt(g.p99)]);
  }
  printTable(
    "2. A decision inside the process (cache and policy, no HTTP), 100,000 decisions",
    ["store", "p50 ms", "p99 ms", "RSS after (5.)"],
    rows,
  );
  printTable(
    "6. Decision time by cached users (20,000 decisions each)",
    ["store", "cached users", "p50 ms", "p99 ms"],
    growth,
  );
}

async function lookups(): Promise<void> {
  const rows: string[][] = [];
  for (const store of stores) {
    for (const row of await measureLookupCounts(store.open)) rows.push([store.label, ...row]);
  }
  printTable("3. GitHub lookups on a cold cache", ["store", "commands", "lookups", "target"], rows);
}

async function revocation(): Promise<void> {
  const rows: string[][] = [];
  for (const store of stores) {
    const { p50, p99 } = await measureRevocation(await store.open(), 1_000);
    rows.push([store.label, fmt(p50), fmt(p99)]);
  }
  printTable(
    "4. member_removed delivery to its 2xx (1,000 deliveries)",
    ["store", "p50 ms", "p99 ms"],
    rows,
  );
}

async function file(): Promise<void> {
  const path = join(folder, "file.sqlite");
  const figures = await measureSqliteFile(await SqliteStore.open(`sqlite://${path}`, 5000), path);
  printTable(
    "5. The SQLite file (database and WAL) with 100,000 distinct users, MEMBER_TTL 1 s",
    ["after 100,000 users", "expired rows purged", "after purge and 100,000 more"],
    [figures],
  );
}

const redis = hasRedisServer ? await RedisServer.start() : undefined;
if (redis) stores.push({ label: "redis", open: () => RedisStore.open(redis.url, 5000) });
else console.log("redis-server not found: the Redis rows are left out");
try {
  if (wanted("throughput")) await throughput();
  if (wanted("decisions")) await decisions();
  if (wanted("lookups")) await lookups();
  if (wanted("revocation")) await revocation();
  if (wanted("file")) await file();
} finally {
  await redis?.remove();
  rmSync(folder, { recursive: true, force: true });
}

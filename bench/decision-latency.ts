import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

import type { Logger } from "probot";
import { pino } from "pino";

import type { GateStore } from "../src/cache/gate-store.js";
import { authorize, type Owner } from "../src/commands/authorize.js";
import type { CommandConfig } from "../src/commands/command-config.js";
import type { GitHubClient } from "../src/github/membership-lookup.js";
import type { OrgRef } from "../src/membership/types.js";
import { buildServices, type Services } from "../src/services.js";
import { fmt, mib, summarize } from "./stats.js";
import { benchSettings } from "./bench-services.js";

const log: Logger = pino({ level: "silent" });
const ORG: OrgRef = { installationId: 1, orgId: 1, login: "bench-org" };
const OWNER: Owner = { kind: "org", org: ORG };
const DEPLOY: CommandConfig = {
  name: "deploy",
  teams: [],
  adminsOnly: false,
  eventType: "deploy-command",
  allowEdits: false,
  on: ["pull_request"],
};

/** GitHub must not be asked: every decision here is served from a warm cache. */
const unreachableGitHub = {
  request: () => Promise.reject(new Error("the benchmark expected a cache hit")),
} as unknown as GitHubClient;

/** Writes "member" entries for users 1..count, as lookups would. */
async function fill(services: Services, from: number, to: number): Promise<void> {
  const batch: Promise<void>[] = [];
  for (let userId = from; userId <= to; userId += 1) {
    const scope = { installationId: ORG.installationId, orgId: ORG.orgId, userId };
    batch.push(
      services.cache
        .generations(scope)
        .then((stamp) => services.cache.write(scope, { outcome: "member", role: "member" }, stamp)),
    );
    if (batch.length === 200) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
}

/** Times `count` decisions (cache and policy) for random cached users; ms per decision. */
async function timeDecisions(services: Services, users: number, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const actor = { id: 1 + Math.floor(Math.random() * users), login: "u" };
    const started = performance.now();
    const verdict = await authorize(services.gate, unreachableGitHub, OWNER, DEPLOY, actor);
    samples.push(performance.now() - started);
    if (verdict.source !== "cache") throw new Error(`decision ${i} missed the cache`);
  }
  return samples;
}

export interface DecisionFigures {
  readonly store: string;
  readonly latency: { p50: number; p99: number };
  readonly growth: Array<{ users: number; p50: number; p99: number }>;
  readonly rssAfter: number;
}

/** Sections 2 and 6: decision latency on a warm cache, and how it grows with the cache. */
export async function measureDecisions(store: GateStore, label: string): Promise<DecisionFigures> {
  const services = buildServices(benchSettings(label), store, log);
  const growth: DecisionFigures["growth"] = [];
  let cached = 0;
  for (const users of [1_000, 10_000, 100_000]) {
    await fill(services, cached + 1, users);
    cached = users;
    const { p50, p99 } = summarize(await timeDecisions(services, users, 20_000));
    growth.push({ users, p50, p99 });
  }
  const { p50, p99 } = summarize(await timeDecisions(services, cached, 100_000));
  const rssAfter = process.memoryUsage().rss;
  await services.close();
  return { store: label, latency: { p50, p99 }, growth, rssAfter };
}

/** Section 5: the SQLite file after 100,000 distinct users, then after expiry purge and refill. */
export async function measureSqliteFile(store: GateStore, path: string): Promise<string[]> {
  const services = buildServices(
    { ...benchSettings(`sqlite://${path}`), memberTtlSeconds: 1 },
    store,
    log,
  );
  const size = () => statSync(path).size + walSize(path);
  await fill(services, 1, 100_000);
  const afterFill = size();
  await sleep(1_100);
  const purged = await store.purgeExpired();
  await fill(services, 100_001, 200_000);
  const afterRefill = size();
  await services.close();
  return [mib(afterFill), fmt(purged), mib(afterRefill)];
}

function walSize(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

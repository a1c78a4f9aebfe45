/**
 * `npm run soak`: the app as production starts it, fed mixed signed deliveries at a steady rate
 * for SOAK_MINUTES while GitHub and the store fail on a schedule. Prints a line a minute and a
 * report; exits non-zero on a stale admission or a crash. Knobs: soak/soak-options.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { appEnv } from "../test/helpers/app-process.js";
import { RedisServer } from "../test/helpers/redis-server.js";
import { TEST_WEBHOOK_SECRET } from "../test/helpers/test-app.js";
import { gateCounters, scrapeMetrics, total } from "./app-metrics.js";
import { FaultSchedule } from "./fault-schedule.js";
import { LookupLedger } from "./lookup-ledger.js";
import { MinuteLine } from "./minute-line.js";
import { printReport } from "./report.js";
import { takeSample, type Sample } from "./samples.js";
import { ROOT, startSoakApp, type SoakApp } from "./soak-app.js";
import { readSoakOptions, type SoakOptions } from "./soak-options.js";
import { RedisOutage, SqliteLock, type StoreFault } from "./store-fault.js";
import { Traffic, type Latency, type TrafficCounts } from "./traffic.js";
import { SoakWorld } from "./world.js";

/** Past this many unanswered deliveries the soak stops adding more, and counts them as skipped. */
const MAX_IN_FLIGHT = 2_000;
const TICK_MS = 50;
const DRAIN_MS = 30_000;
/** A comment with no dispatch after this is forgotten; no handling takes nearly so long. */
const DISPATCH_HORIZON_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Soak {
  readonly options: SoakOptions;
  readonly app: SoakApp;
  readonly world: SoakWorld;
  readonly traffic: Traffic;
  readonly ledger: LookupLedger;
  readonly schedule: FaultSchedule;
  /** The SQLite file, for the sqlite store. */
  readonly cacheFile: string | undefined;
}

interface Driven {
  readonly elapsedMs: number;
  readonly skipped: number;
  readonly samples: Sample[];
  readonly latencies: Latency[];
}

/** Sends at the steady rate, switches the faults, samples and prints a line a minute. */
async function drive(soak: Soak): Promise<Driven> {
  const { options, app, traffic, schedule } = soak;
  const durationMs = options.minutes * 60_000;
  const driven: Driven & { skipped: number } = {
    elapsedMs: 0,
    skipped: 0,
    samples: [],
    latencies: [],
  };
  const minuteLine = new MinuteLine();
  const startedAt = Date.now();
  let started = 0;
  let nextSample = 0;
  let nextMinute = 60_000;

  for (
    let elapsed = 0;
    elapsed < durationMs && app.crash() === undefined;
    elapsed = Date.now() - startedAt
  ) {
    void schedule.tick(elapsed);
    traffic.phase = schedule.phase;
    const due = Math.floor((elapsed / 1000) * options.rate);
    for (; started < due; started += 1) {
      if (traffic.inFlight >= MAX_IN_FLIGHT) driven.skipped += 1;
      else void traffic.sendOne();
    }
    if (elapsed >= nextSample) {
      driven.samples.push(await takeSample(elapsed, app.pid, soak.cacheFile));
      nextSample += options.sampleSeconds * 1000;
    }
    if (elapsed >= nextMinute) {
      await printMinute(soak, minuteLine, elapsed, driven);
      nextMinute += 60_000;
    }
    traffic.forgetOlderThan(DISPATCH_HORIZON_MS);
    await sleep(TICK_MS);
  }
  const elapsedMs = Date.now() - startedAt;
  await printMinute(soak, minuteLine, elapsedMs, driven);
  return { ...driven, elapsedMs };
}

async function printMinute(soak: Soak, line: MinuteLine, elapsed: number, driven: Driven) {
  const latencies = soak.traffic.takeLatencies();
  driven.latencies.push(...latencies);
  const scrape = await scrapeMetrics(soak.app.url);
  line.print(elapsed, {
    counts: soak.traffic.counts,
    counters: scrape && gateCounters(scrape),
    lookups: total(soak.world.answers),
    latencies,
    sample: driven.samples.at(-1),
    phase: soak.schedule.phase,
  });
}

/** Ends the faults and waits for the deliveries still in flight (revocations until acknowledged). */
async function drain(soak: Soak): Promise<void> {
  await soak.schedule.stop();
  const deadline = Date.now() + DRAIN_MS;
  while (soak.traffic.inFlight > 0 && Date.now() < deadline) await sleep(100);
  await sleep(2 * soak.options.lookupDeadlineMs);
}

async function openStoreFault(options: SoakOptions, folder: string) {
  if (options.store === "sqlite") {
    const file = join(folder, "cache.sqlite");
    return {
      url: `sqlite://${file}`,
      file,
      fault: new SqliteLock(file) as StoreFault,
      redis: undefined,
    };
  }
  const redis = await RedisServer.start();
  return { url: redis.url, file: undefined, fault: new RedisOutage(redis), redis };
}

async function main(): Promise<number> {
  const options = readSoakOptions();
  const folder = join(ROOT, "dist-soak", "run");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });

  const world = await SoakWorld.start(options.lookupDeadlineMs + 1_000);
  const store = await openStoreFault(options, folder);
  const app = await startSoakApp(
    {
      ...appEnv(world.stub, folder),
      CACHE_URL: store.url,
      LOG_LEVEL: "info",
      LOOKUP_DEADLINE: String(options.lookupDeadlineMs),
      MEMBER_TTL: String(options.memberTtlSeconds),
      NON_MEMBER_TTL: String(options.nonMemberTtlSeconds),
      DELIVERY_TTL: String(options.deliveryTtlSeconds),
    },
    folder,
  );
  console.log(`member-gate pid ${app.pid} at ${app.url}; its log: ${app.log}`);
  console.log(`store fault: ${store.fault.label}\n`);

  const ledger = new LookupLedger({
    memberTtlMs: options.memberTtlSeconds * 1000,
    nonMemberTtlMs: options.nonMemberTtlSeconds * 1000,
  });
  world.onLookup = (lookup) => ledger.lookedUp(lookup);
  const traffic = new Traffic(app.url, TEST_WEBHOOK_SECRET, world, ledger);
  const schedule = new FaultSchedule(world, store.fault, ledger, options.cycleSeconds * 1000);
  const soak: Soak = { options, app, world, traffic, ledger, schedule, cacheFile: store.file };

  const driven = await drive(soak);
  await drain(soak);
  driven.latencies.push(...traffic.takeLatencies());
  driven.samples.push(await takeSample(driven.elapsedMs, app.pid, store.file));
  const scrape = await scrapeMetrics(app.url);
  const exit = await app.stop();
  writeFileSync(join(folder, "repeats.json"), JSON.stringify(ledger.repeatDetails, null, 1));
  await world.close();
  await store.redis?.remove();

  printReport({
    options,
    elapsedMs: driven.elapsedMs,
    counts: traffic.counts,
    skipped: driven.skipped,
    stubAnswers: world.answers,
    dispatches: world.dispatches,
    repeats: ledger.repeats,
    phases: schedule.spent,
    faultProblems: schedule.problems,
    counters: scrape && gateCounters(scrape),
    samples: driven.samples,
    latencies: driven.latencies,
    crash: app.crash(),
    exit,
  });
  return verdictCode(traffic.counts, app.crash());
}

/** Fails on a crash, a stale admission, or an admission the app's distrust should have stopped. */
function verdictCode(counts: TrafficCounts, crash: string | undefined): number {
  const failures = [
    crash === undefined ? "" : `the app process ended by itself (${crash})`,
    counts.staleAdmissions === 0 ? "" : `${counts.staleAdmissions} stale admissions`,
    counts.admittedAfterRefusal === 0
      ? ""
      : `${counts.admittedAfterRefusal} admissions after the app answered the removal 5xx`,
  ].filter((failure) => failure !== "");
  for (const failure of failures) console.log(`\nFAILED: ${failure}.`);
  if (failures.length === 0) console.log("\nPASSED: no crash, no stale admission.");
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();

import { startGitHubWorld } from "./github-world.js";
import { fmt, medianAndSpread, printTable } from "./stats.js";
import { measureApp, measureFloor, type LoadResult, type ThroughputPlan } from "./throughput.js";

const plan: ThroughputPlan = {
  installations: Number(process.env.BENCH_INSTALLATIONS ?? 200),
  membersPerOrg: 5,
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  requests: Number(process.env.BENCH_REQUESTS ?? 4000),
};
const repetitions = Number(process.env.BENCH_REPETITIONS ?? 3);

const stub = await startGitHubWorld();
const app: LoadResult[] = [];
const floor: LoadResult[] = [];
for (let rep = 0; rep < repetitions; rep += 1) {
  floor.push(await measureFloor(stub, plan));
  app.push(await measureApp(stub, plan));
}
await stub.close();

const column = (results: LoadResult[], pick: (r: LoadResult) => number) =>
  medianAndSpread(results.map(pick));
const ratios = app.map((result, i) => result.perSecond / (floor[i]?.perSecond ?? Number.NaN));
printTable(
  `1. Admitted commands, warm cache (${plan.requests} deliveries, ${plan.installations} installations, concurrency ${plan.concurrency}, ${repetitions} repetitions: median (min–max))`,
  ["server", "commands/s", "p50 ms", "p99 ms", "failed"],
  [
    [
      "floor",
      column(floor, (r) => r.perSecond),
      column(floor, (r) => r.p50),
      column(floor, (r) => r.p99),
      String(floor.reduce((n, r) => n + r.failed, 0)),
    ],
    [
      "member-gate",
      column(app, (r) => r.perSecond),
      column(app, (r) => r.p50),
      column(app, (r) => r.p99),
      String(app.reduce((n, r) => n + r.failed, 0)),
    ],
  ],
);
console.log(`\nratio member-gate / floor (commands/s): ${medianAndSpread(ratios)}; target >= 0.8`);
console.log(`(per repetition: ${ratios.map((r) => fmt(r)).join(", ")})`);

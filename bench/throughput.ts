import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { GitHubStub } from "../test/helpers/github-stub.js";
import { TEST_PRIVATE_KEY } from "../test/helpers/test-app.js";
import { startGitHubWorld } from "./github-world.js";
import { freePort, ROOT, runJson, startServer, stop } from "./processes.js";

const SECRET = "bench-webhook-secret";
const LOAD_CLIENT = join(ROOT, "dist-bench/bench/load-client.js");

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
}

export interface ThroughputPlan {
  readonly installations: number;
  readonly membersPerOrg: number;
  readonly concurrency: number;
  readonly requests: number;
}

async function load(port: number, plan: ThroughputPlan, requests: number): Promise<LoadResult> {
  return runJson<LoadResult>(LOAD_CLIENT, {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    secret: SECRET,
    concurrency: plan.concurrency,
    requests,
    installations: plan.installations,
    membersPerOrg: plan.membersPerOrg,
  });
}

/** member-gate as `npm start` runs it (the built server), against the stub; warm before timing. */
export async function measureApp(stub: GitHubStub, plan: ThroughputPlan): Promise<LoadResult> {
  const folder = mkdtempSync(join(tmpdir(), "member-gate-bench-app-"));
  const port = await freePort();
  const app = await startServer(
    join(ROOT, "dist/main.js"),
    [],
    {
      APP_ID: "1",
      PRIVATE_KEY: TEST_PRIVATE_KEY,
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      HOST: "127.0.0.1",
      GHE_HOST: stub.host,
      GHE_PROTOCOL: "http",
      CACHE_URL: `sqlite://${join(folder, "cache.sqlite")}`,
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      NODE_ENV: "production",
    },
    // e.g. BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles" to profile the app
    process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? [],
  );
  try {
    await load(port, plan, plan.installations * plan.membersPerOrg);
    return await load(port, plan, plan.requests);
  } finally {
    await stop(app);
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The floor server against the same stub, measured the same way. */
export async function measureFloor(stub: GitHubStub, plan: ThroughputPlan): Promise<LoadResult> {
  const port = await freePort();
  const floor = await startServer(
    join(ROOT, "dist-bench/bench/floor-server.js"),
    [String(port), `http://${stub.host}/api/v3`, SECRET],
    {},
  );
  try {
    await load(port, plan, plan.installations * plan.membersPerOrg);
    return await load(port, plan, plan.requests);
  } finally {
    await stop(floor);
  }
}

/** Section 1: the app and the floor, alternating, each warmed up before it is timed. */
export async function measureThroughput(plan: ThroughputPlan, repetitions: number) {
  const stub = await startGitHubWorld();
  const app: LoadResult[] = [];
  const floor: LoadResult[] = [];
  try {
    for (let rep = 0; rep < repetitions; rep += 1) {
      floor.push(await measureFloor(stub, plan));
      app.push(await measureApp(stub, plan));
    }
  } finally {
    await stub.close();
  }
  const ratios = app.map((result, i) => result.perSecond / (floor[i]?.perSecond ?? Number.NaN));
  return { app, floor, ratios };
}

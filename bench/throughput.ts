import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { GitHubStub } from "../test/helpers/github-stub.js";
import { TEST_PRIVATE_KEY } from "../test/helpers/test-app.js";
import { startGitHubWorld } from "./github-world.js";
import { cpuMs, freePort, ROOT, runJson, startServer, stop } from "./processes.js";

const SECRET = "bench-webhook-secret";
const LOAD_CLIENT = join(ROOT, "dist-bench/bench/load-client.js");

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
  /** The server's own CPU time (user + system) per command over the timed run. */
  readonly cpuMsPerCommand: number;
}

type LoadFigures = Omit<LoadResult, "cpuMsPerCommand">;

export interface ThroughputPlan {
  readonly installations: number;
  readonly membersPerOrg: number;
  readonly concurrency: number;
  readonly requests: number;
}

async function load(port: number, plan: ThroughputPlan, requests: number): Promise<LoadFigures> {
  return runJson<LoadFigures>(LOAD_CLIENT, {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    secret: SECRET,
    concurrency: plan.concurrency,
    requests,
    installations: plan.installations,
    membersPerOrg: plan.membersPerOrg,
  });
}

/** Warms the server up, then times a run and the server's CPU time over it. */
async function warmThenTime(
  server: ChildProcess,
  port: number,
  plan: ThroughputPlan,
): Promise<LoadResult> {
  await load(port, plan, plan.installations * plan.membersPerOrg);
  const cpuBefore = cpuMs(server.pid);
  const figures = await load(port, plan, plan.requests);
  return { ...figures, cpuMsPerCommand: (cpuMs(server.pid) - cpuBefore) / figures.requests };
}

/** member-gate as `npm start` runs it (the built server), against the stub; warm before timing. */
export function measureApp(stub: GitHubStub, plan: ThroughputPlan): Promise<LoadResult> {
  return measureProbotServer(join(ROOT, "dist/main.js"), stub, plan);
}

/** A Probot app without the gate, making the floor's two writes (see probot-baseline.ts). */
export function measureProbotBaseline(stub: GitHubStub, plan: ThroughputPlan): Promise<LoadResult> {
  return measureProbotServer(join(ROOT, "dist-bench/bench/probot-baseline.js"), stub, plan);
}

async function measureProbotServer(
  script: string,
  stub: GitHubStub,
  plan: ThroughputPlan,
): Promise<LoadResult> {
  const folder = mkdtempSync(join(tmpdir(), "member-gate-bench-app-"));
  const port = await freePort();
  const app = await startServer(
    script,
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
    return await warmThenTime(app, port, plan);
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
    return await warmThenTime(floor, port, plan);
  } finally {
    await stop(floor);
  }
}

/** Section 1: the app and the floor, alternating, each warmed up before it is timed. */
export async function measureThroughput(plan: ThroughputPlan, repetitions: number) {
  const stub = await startGitHubWorld();
  const app: LoadResult[] = [];
  const floor: LoadResult[] = [];
  const probot: LoadResult[] = [];
  try {
    for (let rep = 0; rep < repetitions; rep += 1) {
      floor.push(await measureFloor(stub, plan));
      probot.push(await measureProbotBaseline(stub, plan));
      app.push(await measureApp(stub, plan));
    }
  } finally {
    await stub.close();
  }
  const ratios = app.map((result, i) => result.perSecond / (floor[i]?.perSecond ?? Number.NaN));
  return { app, floor, probot, ratios };
}

import { performance } from "node:perf_hooks";

import type { GateStore } from "../src/cache/gate-store.js";
import { testProbot } from "../test/helpers/test-app.js";
import { webhookServer } from "../test/helpers/webhook-server.js";
import { summarize } from "./stats.js";
import { benchServices } from "./bench-services.js";

/**
 * Section 4: a signed `organization.member_removed` delivery over HTTP to Probot's middleware,
 * timed from the request to its 2xx (the invalidation is written before the answer).
 */
export async function measureRevocation(store: GateStore, count: number) {
  const services = benchServices(store);
  const server = await webhookServer(await testProbot(services));
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const status = await server.post("organization.member_removed");
    samples.push(performance.now() - started);
    if (status < 200 || status >= 300) throw new Error(`member_removed answered ${status}`);
  }
  await server.close();
  await services.close();
  return summarize(samples);
}

/**
 * Sends signed `issue_comment.created` deliveries to a server at a fixed concurrency and prints
 * one JSON line with the figures. Run as its own process, so that it does not share an event loop
 * with the server it measures: `node load-client.js '<json options>'`.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

import { signature } from "../test/helpers/signature.js";
import { commentDelivery } from "./deliveries.js";
import { summarize } from "./stats.js";

interface LoadOptions {
  readonly url: string;
  readonly secret: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly installations: number;
  readonly membersPerOrg: number;
}

const options = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
const target = new URL(options.url);
const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });

function send(sequence: number): Promise<number> {
  const installation = 1 + (sequence % options.installations);
  const member = Math.floor(sequence / options.installations) % options.membersPerOrg;
  const delivery = commentDelivery(installation, member);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(delivery.body),
          "x-github-event": "issue_comment",
          "x-github-delivery": delivery.id,
          "x-hub-signature-256": signature(delivery.body, options.secret),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(delivery.body);
  });
}

async function main(): Promise<void> {
  let next = 0;
  let failed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const worker = async () => {
    while (next < options.requests) {
      const sequence = next++;
      const sent = performance.now();
      const status = await send(sequence).catch(() => 0);
      latencies.push(performance.now() - sent);
      if (status < 200 || status >= 300) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const { p50, p99 } = summarize(latencies);
  const result = { requests: options.requests, seconds, perSecond: options.requests / seconds };
  console.log(JSON.stringify({ ...result, p50, p99, failed }));
  agent.destroy();
}

await main();

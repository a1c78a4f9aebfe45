import type { IncomingMessage, ServerResponse } from "node:http";

import type { GateMetrics } from "../metrics/gate-metrics.js";
import { isGet } from "./respond.js";

/** `GET /metrics`: the process's metrics in Prometheus text format. */
export function metricsEndpoint(metrics: GateMetrics) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (!isGet(request, "/metrics")) return false;

    const body = await metrics.registry.metrics();
    response
      .writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" })
      .end(body);
    return true;
  };
}

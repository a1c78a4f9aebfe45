import type { IncomingMessage, ServerResponse } from "node:http";

import { KEY_PREFIX, type GateStore } from "../cache/gate-store.js";
import { isGet, sendJson } from "./respond.js";

/** The key `/readyz` reads; it is never written, so the read costs one lookup of a missing key. */
const PROBE_KEY = `${KEY_PREFIX}readyz`;

export type Readiness =
  { readonly status: "ok" } | { readonly status: "unavailable"; readonly reason: string };

/**
 * Whether the cache store answers a read. The store bounds the read by its own deadline
 * (STORE_DEADLINE), so this never hangs; a fault becomes the reason.
 */
export async function readiness(store: GateStore): Promise<Readiness> {
  try {
    await store.getMany([PROBE_KEY]);
    return { status: "ok" };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { status: "unavailable", reason };
  }
}

/**
 * `GET /healthz`: 200 while the process answers. `GET /readyz`: 200 when the cache store answers
 * a read, 503 with the reason otherwise. Any other request is left to the next handler.
 */
export function healthEndpoints(store: GateStore) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (isGet(request, "/healthz")) {
      sendJson(response, 200, { status: "ok" });
      return true;
    }
    if (isGet(request, "/readyz")) {
      const ready = await readiness(store);
      sendJson(response, ready.status === "ok" ? 200 : 503, ready);
      return true;
    }
    return false;
  };
}

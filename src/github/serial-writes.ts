import type { Octokit } from "@octokit/core";
import pLimit, { type LimitFunction } from "p-limit";

/** One write at a time per installation; a queue is dropped as soon as it has nothing to do. */
const queues = new Map<string, LimitFunction>();

function queueOf(key: string): LimitFunction {
  let queue = queues.get(key);
  if (queue === undefined) {
    queue = pLimit(1);
    queues.set(key, queue);
  }
  return queue;
}

/** Runs `write` after the earlier writes with the same key have finished. */
export async function inTurn<T>(key: string, write: () => Promise<T>): Promise<T> {
  const queue = queueOf(key);
  try {
    return await queue(write);
  } finally {
    if (queue.activeCount === 0 && queue.pendingCount === 0) queues.delete(key);
  }
}

/**
 * Reads are never held, nor are the app's own requests (`/app/...`, with the app's JWT): the
 * installation token a write waits for is one of them, and holding it behind that write would
 * stall the installation for good.
 */
function isInstallationWrite(method: string | undefined, url: string | undefined): boolean {
  if (method === undefined || method === "GET" || method === "HEAD") return false;
  return !(url ?? "").startsWith("/app/");
}

/** The key writes are serialized by: the installation the Octokit is authenticated as. */
export function installationKey(options: { auth?: unknown }): string {
  const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
  return installationId === undefined ? "app" : `installation-${String(installationId)}`;
}

/**
 * An Octokit plugin that sends the writes of one installation one after another, as GitHub asks
 * ("make requests for a single user or client ID serially"), without the fixed one-second gap of
 * Probot's throttling: GitHub's limits are per installation, and a secondary limit it answers
 * fails the request at once (the caller reports it) instead of stalling the delivery.
 */
export function serialWrites(octokit: Octokit, options: { auth?: unknown }): void {
  const key = installationKey(options);
  octokit.hook.wrap("request", (request, route) => {
    if (!isInstallationWrite(route.method, route.url)) return request(route);
    return inTurn(key, async () => request(route));
  });
}

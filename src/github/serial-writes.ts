import Bottleneck from "bottleneck";
import type { Octokit } from "@octokit/core";

/** One write of an installation at a time; reads are never held. */
const writes = new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 });

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
  const queue = writes.key(installationKey(options));
  octokit.hook.wrap("request", (request, route) => {
    const method = route.method ?? "GET";
    if (method === "GET" || method === "HEAD") return request(route);
    return queue.schedule(async () => request(route));
  });
}

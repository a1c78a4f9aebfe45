import type { Logger } from "probot";

import type { GateStore } from "./cache/gate-store.js";
import { MembershipCache } from "./cache/membership-cache.js";
import { openStore } from "./cache/open-store.js";
import type { Settings } from "./config/settings.js";
import { MembershipLookup } from "./github/membership-lookup.js";
import { RateLimitBrake } from "./github/rate-limit-brake.js";
import { GateMetrics } from "./metrics/gate-metrics.js";
import { MembershipGate } from "./membership/membership-gate.js";
import { MissedRevocations } from "./membership/missed-revocations.js";
import { Revocations } from "./membership/revocations.js";
import { TeamDirectory } from "./membership/team-directory.js";

/** Everything the webhook handlers share, built once per process. */
export interface Services {
  readonly settings: Settings;
  readonly store: GateStore;
  readonly metrics: GateMetrics;
  readonly cache: MembershipCache;
  readonly gate: MembershipGate;
  readonly revocations: Revocations;
  readonly teams: TeamDirectory;
  /** Stops timers and closes the store. */
  close(): Promise<void>;
}

/** Expired entries are purged this often, or once per the longest answer TTL if that is shorter. */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;
/** How soon a failed invalidation is written once the store is back, on every other replica too. */
const REPLAY_INTERVAL_MS = 5 * 1000;

export function buildServices(
  settings: Settings,
  store: GateStore,
  log: Logger,
  metrics: GateMetrics = new GateMetrics(),
  missed: MissedRevocations = MissedRevocations.assumeNone(),
): Services {
  const ttls = {
    memberTtlMs: settings.memberTtlSeconds * 1000,
    nonMemberTtlMs: settings.nonMemberTtlSeconds * 1000,
  };
  const cache = new MembershipCache(store, ttls, log.child({ name: "cache" }));
  const lookup = new MembershipLookup(new RateLimitBrake());
  const teams = new TeamDirectory(store, lookup, ttls.memberTtlMs, log.child({ name: "teams" }));
  const revocations = new Revocations(cache, log.child({ name: "revocations" }), missed);
  const gate = new MembershipGate({
    metrics,
    cache,
    lookup,
    teams,
    revocations,
    log: log.child({ name: "gate" }),
  });
  const purgeEveryMs = Math.min(PURGE_INTERVAL_MS, Math.max(ttls.memberTtlMs, ttls.nonMemberTtlMs));
  const purge = setInterval(() => void purgeExpired(store, log), purgeEveryMs).unref();
  const replay = setInterval(() => void revocations.replayAll(), REPLAY_INTERVAL_MS).unref();

  const close = async () => {
    clearInterval(purge);
    clearInterval(replay);
    await store.close();
  };
  return { settings, store, metrics, cache, gate, revocations, teams, close };
}

/**
 * Opens the store named by the settings and builds the services around it. The app passes
 * `missed` unknown until its first check of missed deliveries; the CLI assumes none.
 */
export async function openServices(
  settings: Settings,
  log: Logger,
  missed: MissedRevocations = MissedRevocations.assumeNone(),
): Promise<Services> {
  const store = await openStore(settings.cacheUrl, settings.storeDeadlineMs);
  log.info({ store: store.kind, location: store.location }, "cache store ready");
  await purgeExpired(store, log);
  return buildServices(settings, store, log, new GateMetrics(), missed);
}

async function purgeExpired(store: GateStore, log: Logger): Promise<void> {
  try {
    const removed = await store.purgeExpired();
    log.debug({ removed }, "expired cache entries purged");
  } catch (error) {
    log.warn({ err: error }, "expired cache entries not purged");
  }
}

import type { Logger, Probot, ProbotOctokit } from "probot";

import { missedDeliveries, type DeliveryAttempt } from "./missed-deliveries.js";
import { KEY_PREFIX, type GateStore } from "../cache/gate-store.js";
import type { MissedRevocations } from "../membership/missed-revocations.js";
import type { Services } from "../services.js";

/** When the last check listed deliveries, in ms since the epoch; kept without a TTL. */
export const LAST_CHECK_KEY = `${KEY_PREFIX}meta:redelivery-checked-at`;

export const REDELIVERY_INTERVAL_MS = 5 * 60 * 1000;
/** Until a check has succeeded, a failed one is tried again this soon. */
export const FIRST_CHECK_RETRY_MS = 15 * 1000;

/** A delivery still in flight when a check starts is listed by the next one. */
const OVERLAP_MS = 60 * 1000;
/** Bounds one check: 50 pages of 100 attempts. */
const MAX_PAGES = 50;

export interface RedeliveryOptions {
  /** The app-level (JWT) Octokit: `app.auth()` without an installation id. */
  readonly appOctokit: () => Promise<ProbotOctokit>;
  readonly store: GateStore;
  readonly log: Logger;
  /** How far back a first check looks: older entries have expired anyway. */
  readonly lookbackMs: number;
  /** Told what each check found missed, or that it could not tell. */
  readonly missed?: MissedRevocations;
}

/** What one check did, for logs and tests. */
export interface RedeliveryReport {
  readonly outcome: "checked" | "failed";
  readonly listed: number;
  /** Watched events (guids) no attempt delivered, whether or not this replica asked for them. */
  readonly missed: readonly string[];
  readonly requested: readonly string[];
}

/**
 * GitHub does not redeliver a failed delivery by itself. This lists the app's deliveries since the
 * last check and asks GitHub to redeliver each watched event that no attempt delivered. Several
 * replicas may check: each event is claimed in the store first, so one replica asks for it.
 * Never throws; a failure is logged and the next check covers the same period again.
 */
export async function checkMissedDeliveries(options: RedeliveryOptions): Promise<RedeliveryReport> {
  const startedAt = Date.now();
  try {
    const since = await lastCheck(options, startedAt);
    const octokit = await options.appOctokit();
    const attempts = await listSince(octokit, since);
    const missed = missedDeliveries(attempts);
    options.missed?.found(missed.map((attempt) => attempt.guid));
    const requested = await requestAll(octokit, options, missed);
    if (requested.every((entry) => entry.ok)) {
      await options.store.set(LAST_CHECK_KEY, startedAt - OVERLAP_MS).catch(noteUnsaved(options));
    }
    const figures = { listed: attempts.length, missed: missed.length, requested: requested.length };
    if (missed.length > 0) {
      options.log.warn(
        figures,
        "missed revocations found; cached members distrusted until applied",
      );
    } else {
      options.log.debug(figures, "deliveries checked");
    }
    return {
      outcome: "checked",
      listed: attempts.length,
      missed: missed.map((attempt) => attempt.guid),
      requested: requested.map((entry) => entry.guid),
    };
  } catch (error) {
    options.missed?.unknowable();
    options.log.warn({ err: error }, "missed deliveries not checked; trying again later");
    return { outcome: "failed", listed: 0, missed: [], requested: [] };
  }
}

/** The next check covers the same period again: harmless, so only noted. */
function noteUnsaved(options: RedeliveryOptions): (error: unknown) => void {
  return (error) => options.log.warn({ err: error }, "time of the deliveries check not saved");
}

/**
 * Checks now, then every `intervalMs` on an unref'd timer; until a check has succeeded, a failed
 * one is tried again after `FIRST_CHECK_RETRY_MS`. Logs the first check's outcome at info, and
 * resolves once it is done with the function that stops the checks.
 */
export async function startRedeliveryChecks(
  options: RedeliveryOptions,
  intervalMs = REDELIVERY_INTERVAL_MS,
): Promise<() => void> {
  let running: Promise<RedeliveryReport> | undefined;
  let succeeded = false;
  let retry: NodeJS.Timeout | undefined;
  const tick = (): Promise<RedeliveryReport> => {
    running ??= checkMissedDeliveries(options).finally(() => (running = undefined));
    return running.then((report) => {
      succeeded ||= report.outcome === "checked";
      if (!succeeded && retry === undefined) {
        retry = setTimeout(() => {
          retry = undefined;
          void tick();
        }, FIRST_CHECK_RETRY_MS).unref();
      }
      return report;
    });
  };
  const first = await tick();
  options.log.info(
    { outcome: first.outcome, missed: first.missed.length, trusted: options.missed?.settled },
    "first check of missed deliveries done",
  );
  const timer = setInterval(() => void tick(), intervalMs).unref();
  return () => {
    clearInterval(timer);
    clearTimeout(retry);
  };
}

/** Since the last check, or one lookback if it is unknown (never checked, or the store is down). */
async function lastCheck(options: RedeliveryOptions, now: number): Promise<number> {
  const [stored] = await options.store.getMany([LAST_CHECK_KEY]).catch(() => [undefined]);
  const floor = now - options.lookbackMs;
  return typeof stored === "number" ? Math.max(stored, floor) : floor;
}

/** Newest first, page after page, until an attempt older than `since`. */
async function listSince(octokit: ProbotOctokit, since: number): Promise<DeliveryAttempt[]> {
  const attempts: DeliveryAttempt[] = [];
  let pages = 0;
  const route = "GET /app/hook/deliveries" as const;
  for await (const page of octokit.paginate.iterator(route, { per_page: 100 })) {
    const recent = page.data.filter((attempt) => Date.parse(attempt.delivered_at) >= since);
    attempts.push(...recent);
    pages += 1;
    if (recent.length < page.data.length || pages >= MAX_PAGES) break;
  }
  return attempts;
}

async function requestAll(
  octokit: ProbotOctokit,
  options: RedeliveryOptions,
  missed: readonly DeliveryAttempt[],
): Promise<Array<{ guid: string; ok: boolean }>> {
  const results: Array<{ guid: string; ok: boolean }> = [];
  for (const attempt of missed) {
    if (!(await isClaimed(options, attempt))) continue;
    results.push({ guid: attempt.guid, ok: await redeliver(octokit, options.log, attempt) });
  }
  return results;
}

/** One replica asks for an event; if the store cannot tell, asking twice is harmless. */
async function isClaimed(options: RedeliveryOptions, attempt: DeliveryAttempt): Promise<boolean> {
  const key = `${KEY_PREFIX}redelivery:${attempt.guid}`;
  return options.store.claim(key, REDELIVERY_INTERVAL_MS / 2).catch(() => true);
}

async function redeliver(
  octokit: ProbotOctokit,
  log: Logger,
  attempt: DeliveryAttempt,
): Promise<boolean> {
  const fields = { guid: attempt.guid, attemptId: attempt.id, event: attempt.event };
  try {
    await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
      delivery_id: attempt.id,
    });
    log.info({ ...fields, action: attempt.action }, "missed delivery requested again");
    return true;
  } catch (error) {
    log.warn({ ...fields, err: error }, "redelivery not requested; trying again later");
    return false;
  }
}

/** The production wiring: the app's JWT, the shared store, and a lookback of the longest TTL. */
export function redeliveryOptions(app: Probot, services: Services): RedeliveryOptions {
  const { memberTtlSeconds, nonMemberTtlSeconds } = services.settings;
  return {
    appOctokit: () => app.auth(),
    store: services.store,
    log: app.log.child({ name: "redelivery" }),
    lookbackMs: Math.max(memberTtlSeconds, nonMemberTtlSeconds) * 1000,
    missed: services.revocations.missed,
  };
}

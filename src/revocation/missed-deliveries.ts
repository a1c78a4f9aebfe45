import { REVOCATION_EVENTS } from "./revocation-plan.js";

/** The fields of `GET /app/hook/deliveries` items that the redelivery check reads. */
export interface DeliveryAttempt {
  /** This attempt; redeliveries get a new id. */
  readonly id: number;
  /** The event; shared by every attempt to deliver it. */
  readonly guid: string;
  readonly delivered_at: string;
  readonly status_code: number;
  readonly event: string;
  readonly action: string | null;
}

const WATCHED = new Set<string>(REVOCATION_EVENTS);

/** True when the app did not answer the attempt with 2xx (0 means no answer at all). */
export function isFailedAttempt(attempt: DeliveryAttempt): boolean {
  return attempt.status_code < 200 || attempt.status_code >= 300;
}

export function isWatchedEvent(attempt: DeliveryAttempt): boolean {
  return WATCHED.has(`${attempt.event}.${attempt.action ?? ""}`);
}

/**
 * The attempts to redeliver: for each watched event (guid) that no attempt delivered, its newest
 * failed attempt, so that every event is asked for once. `attempts` may be in any order.
 */
export function missedDeliveries(attempts: readonly DeliveryAttempt[]): DeliveryAttempt[] {
  const delivered = new Set<string>();
  const newestFailed = new Map<string, DeliveryAttempt>();

  for (const attempt of attempts.filter(isWatchedEvent)) {
    if (!isFailedAttempt(attempt)) {
      delivered.add(attempt.guid);
      continue;
    }
    const known = newestFailed.get(attempt.guid);
    if (known === undefined || Date.parse(attempt.delivered_at) > Date.parse(known.delivered_at)) {
      newestFailed.set(attempt.guid, attempt);
    }
  }
  return [...newestFailed.values()].filter((attempt) => !delivered.has(attempt.guid));
}

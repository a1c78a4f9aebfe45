import type { Logger, Probot } from "probot";

import {
  revocationPlan,
  REVOCATION_EVENTS,
  type RevocationEvent,
  type RevocationPlan,
} from "./revocation-plan.js";
import type { Invalidation } from "../membership/invalidation.js";
import type { Services } from "../services.js";

/** One received delivery, reduced to what the handlers read. */
export interface Delivery {
  readonly id: string;
  readonly event: RevocationEvent;
  readonly payload: unknown;
}

/**
 * Subscribes the membership, team, organization and installation events. A delivery is answered
 * 2xx only after everything it drops is gone from the store; if the store cannot be written the
 * handler throws, Probot answers 5xx, and GitHub records a failed delivery that the redelivery
 * check asks for again.
 */
export function registerRevocationHandlers(app: Probot, services: Services): void {
  const log = app.log.child({ name: "revocation" });
  app.on([...REVOCATION_EVENTS], async (context) => {
    const event = `${context.name}.${context.payload.action}` as RevocationEvent;
    await handleDelivery(services, { id: context.id, event, payload: context.payload }, log);
  });
}

/** Applies one delivery's plan; throws the first store fault after trying every step. */
export async function handleDelivery(
  services: Services,
  delivery: Delivery,
  log: Logger,
): Promise<void> {
  const stop = services.metrics.webhookSeconds.startTimer({ event: delivery.event });
  try {
    const plan = revocationPlan(delivery.event, delivery.payload);
    const failures = await applyPlan(services, delivery, plan, log);
    if (failures.length > 0) throw failures[0];
    services.revocations.missed.applied(delivery.id);
  } finally {
    stop();
  }
}

async function applyPlan(
  services: Services,
  delivery: Delivery,
  plan: RevocationPlan,
  log: Logger,
): Promise<unknown[]> {
  const failures: unknown[] = [];
  const attempt = (step: Promise<void>) => step.catch((error: unknown) => failures.push(error));

  for (const invalidation of plan.invalidations) {
    await attempt(invalidate(services, delivery, invalidation, log));
  }
  const { suspension, forgetTeam } = plan;
  if (suspension !== undefined) {
    await attempt(
      services.cache.setSuspended(suspension.installationId, suspension.suspended).then(() => {
        log.info({ delivery: delivery.id, event: delivery.event, ...suspension }, "suspension set");
      }),
    );
  }
  if (forgetTeam !== undefined) {
    await attempt(services.teams.forget(forgetTeam.orgId, forgetTeam.slug));
  }
  if (failures.length > 0) {
    log.warn({ delivery: delivery.id, event: delivery.event }, "delivery failed; answering 5xx");
  }
  return failures;
}

async function invalidate(
  services: Services,
  delivery: Delivery,
  invalidation: Invalidation,
  log: Logger,
): Promise<void> {
  const fields = { delivery: delivery.id, event: delivery.event, ...invalidation };
  try {
    await services.revocations.apply(invalidation);
  } catch (error) {
    services.metrics.invalidations.inc({ event: delivery.event, result: "failed" });
    throw error;
  }
  services.metrics.invalidations.inc({ event: delivery.event, result: "ok" });
  log.info(fields, "cache entries invalidated");
}

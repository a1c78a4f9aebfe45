import type { ApplicationFunction, Probot } from "probot";

import type { Settings } from "./config/settings.js";
import { healthEndpoints } from "./http/health.js";
import { metricsEndpoint } from "./http/metrics-endpoint.js";
import { MissedRevocations } from "./membership/missed-revocations.js";
import { redeliveryOptions, startRedeliveryChecks } from "./revocation/redelivery.js";
import { registerRevocationHandlers } from "./revocation/revocation-handlers.js";
import { openServices, type Services } from "./services.js";
import { registerCommandHandlers } from "./webhooks/issue-comment.js";

/** Registers every webhook handler on the Probot app. */
export function registerHandlers(app: Probot, services: Services): void {
  registerCommandHandlers(app, services);
  registerRevocationHandlers(app, services);
  app.log.debug({ store: services.store.kind }, "member-gate handlers registered");
}

/**
 * The app over services that are already open (tests build their own): the webhook handlers, and
 * `/healthz`, `/readyz` and `/metrics` beside the webhook path.
 */
export function memberGateWith(services: Services): ApplicationFunction {
  return (app, { addHandler }) => {
    registerHandlers(app, services);
    addHandler(healthEndpoints(services.store));
    addHandler(metricsEndpoint(services.metrics));
  };
}

/**
 * The member-gate Probot app: opens the cache store (start-up fails with a clear message if it
 * cannot), registers the handlers, and starts the checks for missed deliveries: at once (GitHub
 * may send what it asks for again as soon as the server listens), then periodically. Cached
 * members are trusted only once a check has found no revocation missed, or all were applied.
 */
export function memberGate(settings: Settings): ApplicationFunction {
  return async (app, options) => {
    const services = await openServices(settings, app.log, MissedRevocations.unknownUntilChecked());
    await memberGateWith(services)(app, options);
    void startRedeliveryChecks(redeliveryOptions(app, services));
  };
}

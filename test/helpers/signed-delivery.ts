import { randomUUID } from "node:crypto";

import type { GitHubStub, StubRequest } from "./github-stub.js";
import { signature } from "./signature.js";
import { TEST_WEBHOOK_SECRET } from "./test-app.js";

export const WEBHOOK_PATH = "/api/github/webhooks";

export interface Delivery {
  readonly event: string;
  readonly payload: unknown;
  /** The secret to sign with; `null` sends no signature. Default: the app's secret. */
  readonly secret?: string | null;
}

export { signature };

/** Posts a webhook delivery to the app over HTTP, signed the way GitHub signs it. */
export async function sendDelivery(appUrl: string, delivery: Delivery): Promise<Response> {
  const body = JSON.stringify(delivery.payload);
  const secret = delivery.secret === undefined ? TEST_WEBHOOK_SECRET : delivery.secret;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-github-event": delivery.event,
    "x-github-delivery": randomUUID(),
  };
  if (secret !== null) headers["x-hub-signature-256"] = signature(body, secret);
  return fetch(`${appUrl}${WEBHOOK_PATH}`, { method: "POST", headers, body });
}

/**
 * Sends a signed delivery and waits until the stub has seen the GitHub request the app makes in
 * answer (a membership lookup, a reaction, a dispatch): how a start-path test observes a decision.
 */
export async function deliverAndAwait(
  appUrl: string,
  delivery: Delivery,
  stub: GitHubStub,
  match: (request: StubRequest) => boolean,
): Promise<{ response: Response; request: StubRequest }> {
  const response = await sendDelivery(appUrl, delivery);
  const request = await stub.waitFor(match);
  return { response, request };
}

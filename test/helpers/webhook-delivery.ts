import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import type { Probot } from "probot";

type ProbotEvent = Parameters<Probot["receive"]>[0];

/** A payload from test/fixtures, named `event.action[.variant]`. */
export function webhookFixture(name: string): Record<string, unknown> {
  const url = new URL(`../fixtures/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Record<string, unknown>;
}

/** Hands the fixture to Probot as one delivery, the way its webhook server would. */
export async function deliver(
  probot: Probot,
  fixture: string,
  payload: Record<string, unknown> = webhookFixture(fixture),
): Promise<void> {
  const name = fixture.split(".")[0] ?? fixture;
  await probot.receive({ id: randomUUID(), name, payload } as ProbotEvent);
}

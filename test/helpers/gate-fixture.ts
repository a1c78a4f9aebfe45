import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { GateStore } from "../../src/cache/gate-store.js";
import { SqliteStore } from "../../src/cache/sqlite-store.js";
import type { Settings } from "../../src/config/settings.js";
import type { ActorRef, OrgRef } from "../../src/membership/types.js";
import { buildServices, type Services } from "../../src/services.js";
import { silentLog } from "./silent-log.js";

export const ORG: OrgRef = { installationId: 7, orgId: 1001, login: "acme" };
export const ALICE: ActorRef = { id: 501, login: "alice" };
export const BOB: ActorRef = { id: 502, login: "bob" };

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    cacheUrl: "sqlite://:memory:",
    memberTtlSeconds: 3600,
    nonMemberTtlSeconds: 300,
    lookupDeadlineMs: 2000,
    storeDeadlineMs: 1000,
    deliveryTtlSeconds: 24 * 3600,
    ...overrides,
  };
}

/** A folder for one test's SQLite file, removed afterwards. */
export function tempSqliteUrl(): { url: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), "member-gate-"));
  return {
    url: `sqlite://${join(folder, "cache.sqlite")}`,
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}

export async function openSqlite(url: string): Promise<SqliteStore> {
  return SqliteStore.open(url, 1000);
}

export function servicesOver(store: GateStore, overrides: Partial<Settings> = {}): Services {
  return buildServices(testSettings(overrides), store, silentLog);
}

/** The org membership answer GitHub gives, trimmed to what the gate reads. */
export function orgMembershipBody(state: "active" | "pending", user = ALICE, role = "member") {
  return { state, role, user: { id: user.id, login: user.login }, organization: { id: ORG.orgId } };
}

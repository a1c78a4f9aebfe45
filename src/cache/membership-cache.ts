import { randomBytes } from "node:crypto";

import type { Logger } from "probot";

import { KEY_PREFIX, type GateStore } from "./gate-store.js";
import type { DefiniteMembership } from "../membership/types.js";

/** Whose membership an entry answers: always numeric ids, never logins. */
export interface MembershipScope {
  readonly installationId: number;
  readonly orgId: number;
  readonly userId: number;
  /** Set for a team membership; absent for the org membership. */
  readonly teamId?: number;
}

/** What the store holds for one scope: the answer and the generations it was written under. */
interface StoredEntry {
  readonly membership: DefiniteMembership;
  readonly stamp: readonly string[];
}

/** One read of a scope: a still-valid entry, and the generations now in force. */
export interface CacheSnapshot {
  readonly entry: DefiniteMembership | undefined;
  readonly generations: readonly string[];
  readonly suspended: boolean;
}

export interface CacheTtls {
  readonly memberTtlMs: number;
  readonly nonMemberTtlMs: number;
}

const NO_GENERATION = "0";

export function entryKey(scope: Omit<MembershipScope, "installationId">): string {
  const { orgId, userId, teamId } = scope;
  return teamId === undefined
    ? `${KEY_PREFIX}member:o${orgId}:u${userId}`
    : `${KEY_PREFIX}team-member:o${orgId}:t${teamId}:u${userId}`;
}

/**
 * The generation keys that guard an entry. An invalidation replaces the value of one of them;
 * an entry stamped with other values is dead, and a lookup that saw other values at its start is
 * older than the invalidation.
 */
export function generationKeys(scope: Omit<MembershipScope, "installationId">): string[] {
  const { orgId, userId, teamId } = scope;
  const keys = [`${KEY_PREFIX}gen:o${orgId}`, `${KEY_PREFIX}gen:o${orgId}:u${userId}`];
  if (teamId !== undefined) {
    keys.push(`${KEY_PREFIX}gen:o${orgId}:t${teamId}`);
    keys.push(`${KEY_PREFIX}gen:o${orgId}:t${teamId}:u${userId}`);
  }
  return keys;
}

export function suspendedKey(installationId: number): string {
  return `${KEY_PREFIX}suspended:i${installationId}`;
}

export function sameGenerations(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * An entry is alive while no guard holds a value other than its stamp. A guard that is now absent
 * has expired, which a generation does only long after every entry written under it (an
 * invalidation sets a fresh value that lives two TTLs and a minute, longer than any entry): no
 * invalidation can have come after this entry, so the entry stands, instead of costing a lookup.
 */
function isAlive(stamp: readonly string[], now: readonly string[]): boolean {
  return (
    stamp.length === now.length &&
    stamp.every((value, index) => value === now[index] || now[index] === NO_GENERATION)
  );
}

/**
 * Membership answers in the store, guarded by generations that live in the same store, so that
 * an invalidation on one replica holds on every replica. Store faults are thrown as StoreFault.
 */
export class MembershipCache {
  constructor(
    private readonly store: GateStore,
    private readonly ttls: CacheTtls,
    private readonly log: Logger,
  ) {}

  /** Reads the entry, its guards and the installation's suspension in one store round trip. */
  async read(scope: MembershipScope): Promise<CacheSnapshot> {
    const guards = generationKeys(scope);
    const keys = [entryKey(scope), suspendedKey(scope.installationId), ...guards];
    const [stored, suspended, ...values] = await this.store.getMany(keys);

    const generations = values.map(asGeneration);
    const entry = asEntry(stored);
    const valid = entry !== undefined && isAlive(entry.stamp, generations);
    return {
      entry: valid ? entry.membership : undefined,
      generations,
      suspended: suspended === true,
    };
  }

  /** The generations now in force for the scope. */
  async generations(scope: MembershipScope): Promise<string[]> {
    const values = await this.store.getMany(generationKeys(scope));
    return values.map(asGeneration);
  }

  /**
   * Writes a definite answer stamped with the generations read after the lookup. A failed write is
   * logged and swallowed: the decision stands, it is only not remembered.
   */
  async write(scope: MembershipScope, membership: DefiniteMembership, stamp: readonly string[]) {
    const ttlMs =
      membership.outcome === "member" ? this.ttls.memberTtlMs : this.ttls.nonMemberTtlMs;
    const entry: StoredEntry = { membership, stamp };
    try {
      await this.store.set(entryKey(scope), entry, ttlMs);
      this.log.debug({ key: entryKey(scope), outcome: membership.outcome, ttlMs }, "cached");
    } catch (error) {
      this.log.warn({ err: error, key: entryKey(scope) }, "membership answer not cached");
    }
  }

  /** Replaces the generation at `guardKey` and deletes the listed entries. Throws StoreFault. */
  async invalidate(guardKey: string, entryKeys: readonly string[]): Promise<void> {
    await this.store.set(guardKey, newGeneration(), this.#generationTtlMs());
    await this.store.delete(entryKeys);
  }

  async setSuspended(installationId: number, suspended: boolean): Promise<void> {
    const key = suspendedKey(installationId);
    await (suspended ? this.store.set(key, true) : this.store.delete([key]));
  }

  /**
   * A generation must outlive every entry written under the one it replaced; after that, its
   * absence only turns later entries into misses.
   */
  #generationTtlMs(): number {
    return 2 * Math.max(this.ttls.memberTtlMs, this.ttls.nonMemberTtlMs) + 60_000;
  }
}

function newGeneration(): string {
  return randomBytes(9).toString("base64url");
}

function asGeneration(value: unknown): string {
  return typeof value === "string" ? value : NO_GENERATION;
}

function asEntry(value: unknown): StoredEntry | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const candidate = value as Partial<StoredEntry>;
  const outcome = candidate.membership?.outcome;
  const definite = outcome === "member" || outcome === "not_member";
  return definite && Array.isArray(candidate.stamp) ? (candidate as StoredEntry) : undefined;
}

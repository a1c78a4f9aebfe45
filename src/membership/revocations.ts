import type { Logger } from "probot";

import { invalidationKeys, type Invalidation } from "./invalidation.js";
import { MissedRevocations } from "./missed-revocations.js";
import type { MembershipCache } from "../cache/membership-cache.js";

/**
 * Applies invalidations to the cache. One that fails (store down) is kept and retried, and until
 * it succeeds this process trusts no cached "member" answer for that org. Nor does it trust any
 * while a revocation GitHub delivered may not have been applied by any replica (`missed`).
 */
export class Revocations {
  /** In this process only: after a restart, the check of missed deliveries finds them. */
  readonly #pending = new Map<number, Invalidation[]>();

  constructor(
    private readonly cache: MembershipCache,
    private readonly log: Logger,
    readonly missed: MissedRevocations = MissedRevocations.assumeNone(),
  ) {}

  /**
   * Applies the invalidation; throws StoreFault after recording it as pending. Once applied, a
   * pending copy of it (the same delivery failed earlier, GitHub sent it again) has nothing left
   * to do: replaying it would only drop the answers cached since, and cost a lookup each.
   */
  async apply(invalidation: Invalidation): Promise<void> {
    try {
      await this.#write(invalidation);
    } catch (error) {
      this.#remember(invalidation);
      this.log.warn({ err: error, invalidation }, "invalidation failed; cached members distrusted");
      throw error;
    }
    this.#forget(invalidation);
  }

  /** True while an invalidation of the org is still pending, or a missed revocation unapplied. */
  isDistrusted(orgId: number): boolean {
    return this.#pending.has(orgId) || !this.missed.settled;
  }

  /** Retries the org's pending invalidations; those that succeed are forgotten. */
  async replay(orgId: number): Promise<void> {
    const pending = this.#pending.get(orgId);
    if (pending === undefined) return;

    const left: Invalidation[] = [];
    for (const invalidation of pending) {
      await this.#write(invalidation).catch(() => left.push(invalidation));
    }
    if (left.length === 0) this.#pending.delete(orgId);
    else this.#pending.set(orgId, left);
    this.log.info({ orgId, left: left.length }, "pending invalidations replayed");
  }

  /** Retries the pending invalidations of every org; never throws. */
  async replayAll(): Promise<void> {
    for (const orgId of [...this.#pending.keys()]) await this.replay(orgId);
  }

  async #write(invalidation: Invalidation): Promise<void> {
    const { guard, entries } = invalidationKeys(invalidation);
    await this.cache.invalidate(guard, entries);
  }

  #forget(applied: Invalidation): void {
    const pending = this.#pending.get(applied.orgId);
    if (pending === undefined) return;
    const same = sameKeys(applied);
    const left = pending.filter((invalidation) => !same(invalidation));
    if (left.length === 0) this.#pending.delete(applied.orgId);
    else this.#pending.set(applied.orgId, left);
  }

  #remember(invalidation: Invalidation): void {
    const pending = this.#pending.get(invalidation.orgId) ?? [];
    pending.push(invalidation);
    this.#pending.set(invalidation.orgId, pending);
  }
}

/** A test for invalidations that bump the same generation and drop the same entries as `one`. */
function sameKeys(one: Invalidation): (other: Invalidation) => boolean {
  const keys = JSON.stringify(invalidationKeys(one));
  return (other) => JSON.stringify(invalidationKeys(other)) === keys;
}

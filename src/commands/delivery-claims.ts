import type { Logger } from "probot";

import { KEY_PREFIX, type GateStore } from "../cache/gate-store.js";

const MAX_LOCAL_CLAIMS = 10_000;

export type ClaimResult = "claimed" | "already_claimed";

/**
 * Makes a delivery run once: the first caller for an `X-GitHub-Delivery` id claims it, every later
 * one (a redelivery, or a concurrent copy on any replica) is told it was already claimed. Claims
 * are also kept in this process, so that when the store cannot be written a delivery still runs
 * once per process rather than failing.
 */
export class DeliveryClaims {
  /** delivery id → when its local claim expires (ms since epoch). */
  readonly #local = new Map<string, number>();

  /** `ttlMs`: DELIVERY_TTL; GitHub lets a delivery be redelivered by hand for a few days. */
  constructor(
    private readonly store: GateStore,
    private readonly log: Logger,
    private readonly ttlMs: number,
  ) {}

  async claim(delivery: string): Promise<ClaimResult> {
    if (!this.#claimLocally(delivery)) return "already_claimed";

    try {
      const won = await this.store.claim(claimKey(delivery), this.ttlMs);
      return won ? "claimed" : "already_claimed";
    } catch (error) {
      this.log.warn({ err: error, delivery }, "delivery claim not stored; claimed in this process");
      return "claimed";
    }
  }

  /** Synchronous check-and-set: two copies in this process cannot both pass. */
  #claimLocally(delivery: string): boolean {
    const now = Date.now();
    const expiresAt = this.#local.get(delivery);
    if (expiresAt !== undefined && expiresAt > now) return false;

    this.#forgetExpired(now);
    this.#local.set(delivery, now + this.ttlMs);
    return true;
  }

  #forgetExpired(now: number): void {
    for (const [delivery, expiresAt] of this.#local) {
      if (expiresAt > now && this.#local.size < MAX_LOCAL_CLAIMS) return;
      this.#local.delete(delivery);
    }
  }
}

export function claimKey(delivery: string): string {
  return `${KEY_PREFIX}delivery:${delivery}`;
}

import type { StubLookup } from "./world.js";

export interface LedgerTtls {
  readonly memberTtlMs: number;
  readonly nonMemberTtlMs: number;
}

/** A cache write lands a few milliseconds after GitHub's answer; this much slack is allowed. */
const SLACK_MS = 1_000;
/**
 * After a store fault, cached members of an org stay distrusted until its failed invalidations
 * are written again (the app retries every 5 s), and the app's store guard may still fail writes
 * for a second: lookups in that window are expected, and their answers may not have been kept.
 */
const AFTER_STORE_FAULT_MS = 6_000;

interface Answered {
  readonly at: number;
  readonly ttlMs: number;
  readonly answer: string;
}

/** One lookup the cache should have spared, for finding out why (written to repeats.json). */
export interface Repeat {
  readonly at: number;
  readonly kind: string;
  readonly org: number;
  readonly user: number | undefined;
  readonly previousAnswer: string;
  readonly previousAgeMs: number;
  /** Since the last store fault ended; undefined before the first. */
  readonly sinceStoreFaultMs: number | undefined;
}

const MAX_REPEATS_KEPT = 500;

/**
 * Promise (3) seen from GitHub: a membership that GitHub answered definitely must not be asked
 * again before its TTL ends, unless the membership changed (a webhook was sent or answered since)
 * or the store could not keep the answer (a store fault, or the short distrust after it).
 */
export class LookupLedger {
  readonly #answered = new Map<string, Answered>();
  /** "org:user" → when its org or team membership last changed or was last acknowledged. */
  readonly #changedAt = new Map<string, number>();
  #storeFault = false;
  #quietUntil = 0;
  #faultEndedAt: number | undefined;
  /** The first repeats, with what the ledger knew of them. */
  readonly repeatDetails: Repeat[] = [];
  /** Lookups the cache should have spared, by kind (org, team, team_id). */
  readonly repeats = new Map<string, number>();

  constructor(private readonly ttls: LedgerTtls) {}

  /** Records one lookup the stub answered. */
  lookedUp(lookup: StubLookup, now = Date.now()): void {
    const key = `${lookup.kind}:${lookup.org}:${lookup.user ?? ""}`;
    if (this.#isRepeat(key, lookup, now)) {
      this.repeats.set(lookup.kind, (this.repeats.get(lookup.kind) ?? 0) + 1);
      this.#detail(key, lookup, now);
    }

    const definite = lookup.answer === "member" || lookup.answer === "not_member";
    if (!definite) return;
    if (this.#storeFault || now < this.#quietUntil) {
      this.#answered.delete(key);
      return;
    }
    const member = lookup.answer === "member";
    const ttlMs = member ? this.ttls.memberTtlMs : this.ttls.nonMemberTtlMs;
    this.#answered.set(key, { at: now, ttlMs, answer: lookup.answer });
  }

  #detail(key: string, lookup: StubLookup, now: number): void {
    const previous = this.#answered.get(key);
    if (previous === undefined || this.repeatDetails.length >= MAX_REPEATS_KEPT) return;
    this.repeatDetails.push({
      at: now,
      kind: lookup.kind,
      org: lookup.org,
      user: lookup.user,
      previousAnswer: previous.answer,
      previousAgeMs: now - previous.at,
      sinceStoreFaultMs: this.#faultEndedAt === undefined ? undefined : now - this.#faultEndedAt,
    });
  }

  /** A membership change of the user in the org: sent, or acknowledged by the app. */
  changed(org: number, user: number, now = Date.now()): void {
    this.#changedAt.set(`${org}:${user}`, now);
  }

  /** `clearsCache`: the fault empties the store (a Redis without persistence restarted). */
  storeFaultStarted(clearsCache: boolean): void {
    this.#storeFault = true;
    if (clearsCache) this.#answered.clear();
  }

  storeFaultEnded(now = Date.now()): void {
    this.#storeFault = false;
    this.#faultEndedAt = now;
    this.#quietUntil = now + AFTER_STORE_FAULT_MS;
  }

  #isRepeat(key: string, lookup: StubLookup, now: number): boolean {
    if (this.#storeFault || now < this.#quietUntil) return false;
    const previous = this.#answered.get(key);
    if (previous === undefined || now - previous.at >= previous.ttlMs - SLACK_MS) return false;
    if (lookup.user === undefined) return true;
    const changedAt = this.#changedAt.get(`${lookup.org}:${lookup.user}`) ?? 0;
    return changedAt < previous.at;
  }
}

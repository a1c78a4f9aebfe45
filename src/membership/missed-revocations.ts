/**
 * What this process knows of revocations that GitHub delivered and no replica applied.
 *
 * A process that answered a removal 5xx distrusts that org's cached members in memory
 * (Revocations), but a restart forgets it, and other replicas never knew it. GitHub's delivery
 * log keeps the failed delivery: the check of missed deliveries is the record that survives.
 * Until the first check has ended, and while a revocation a check found missed has not been
 * applied here, no cached "member" answer is trusted, and decisions ask GitHub. A check that
 * fails (GitHub down, or a GitHub without the delivery log) cannot tell more: the cache is
 * trusted as it was before checks existed, rather than every command costing a lookup.
 */
export class MissedRevocations {
  #checked: boolean;
  /** Revocation deliveries (guids) the last check found missed, less those applied here since. */
  readonly #awaited = new Set<string>();

  private constructor(checked: boolean) {
    this.#checked = checked;
  }

  /** For processes that do not check deliveries (in-process tests, the CLI): none missed. */
  static assumeNone(): MissedRevocations {
    return new MissedRevocations(true);
  }

  /** For the app: unknown until the first check of missed deliveries has ended. */
  static unknownUntilChecked(): MissedRevocations {
    return new MissedRevocations(false);
  }

  /** True once a check has ended and every revocation found missed was applied here. */
  get settled(): boolean {
    return this.#checked && this.#awaited.size === 0;
  }

  /** A check succeeded and found these revocation deliveries (guids) missed; replaces the last. */
  found(missed: readonly string[]): void {
    this.#checked = true;
    this.#awaited.clear();
    for (const guid of missed) this.#awaited.add(guid);
  }

  /** A check failed: nothing new is known; what an earlier check found stays awaited. */
  unknowable(): void {
    this.#checked = true;
  }

  /** A revocation delivery was applied here, and will be answered 2xx. */
  applied(delivery: string): void {
    this.#awaited.delete(delivery);
  }
}

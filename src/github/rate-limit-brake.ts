/**
 * Remembers, per installation, until when GitHub told us to stop (a primary rate limit's reset or
 * a secondary limit's `retry-after`), so that no lookup is sent into a wall we already hit.
 */
export class RateLimitBrake {
  readonly #until = new Map<number, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The time (ms since epoch) until which lookups for the installation are held, if any. */
  heldUntil(installationId: number): number | undefined {
    const until = this.#until.get(installationId);
    if (until === undefined) return undefined;
    if (until <= this.now()) {
      this.#until.delete(installationId);
      return undefined;
    }
    return until;
  }

  /** Reads a rate-limit answer's headers; returns whether they held the installation. */
  noteHeaders(installationId: number, headers: Record<string, unknown>): boolean {
    const until = holdFromHeaders(headers, this.now());
    if (until === undefined) return false;

    this.#until.set(installationId, Math.max(until, this.#until.get(installationId) ?? 0));
    return true;
  }
}

function holdFromHeaders(headers: Record<string, unknown>, now: number): number | undefined {
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return now + retryAfter * 1000;

  const remaining = headers["x-ratelimit-remaining"];
  const reset = Number(headers["x-ratelimit-reset"]);
  if (String(remaining) === "0" && Number.isFinite(reset)) return reset * 1000;
  return undefined;
}

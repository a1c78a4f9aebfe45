/**
 * A cache store operation failed or missed its deadline. Callers treat a failed read as a miss and
 * a failed write as "not remembered"; never as "not a member".
 */
export class StoreFault extends Error {
  override readonly name = "StoreFault";

  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cache store ${operation} failed: ${reason}`, { cause });
  }
}

/** The store named by CACHE_URL cannot be used; thrown at start-up only. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";

  constructor(location: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `The cache store ${location} cannot be used (${reason}). ` +
        "Check CACHE_URL: a writable sqlite://PATH, or a redis://HOST:PORT that answers.",
      { cause },
    );
  }
}

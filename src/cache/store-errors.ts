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

/** Runs `operation`, failing with a {@link StoreFault} on error or after `deadlineMs`. */
export async function withDeadline<T>(
  name: string,
  deadlineMs: number,
  operation: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([operation(), deadline]);
  } catch (error) {
    throw new StoreFault(name, error);
  } finally {
    clearTimeout(timer);
  }
}

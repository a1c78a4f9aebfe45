/** What the membership cache needs of a store; SQLite and Redis each provide it. */
export interface GateStore {
  readonly kind: "sqlite" | "redis";
  /** CACHE_URL without credentials, for logs and messages. */
  readonly location: string;
  /** Values in the order of `keys`; `undefined` where absent or expired. Throws StoreFault. */
  getMany(keys: readonly string[]): Promise<unknown[]>;
  /** Writes `value`; `ttlMs` undefined keeps it until deleted. Throws StoreFault. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** Deletes the keys. Throws StoreFault. */
  delete(keys: readonly string[]): Promise<void>;
  /** Writes `key` only if it is absent; true when this call wrote it. Throws StoreFault. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Removes expired entries; the number removed. Throws StoreFault. */
  purgeExpired(): Promise<number>;
  /** Counts live keys by their first segment (after the prefix). Throws StoreFault. */
  countByKind(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Every key member-gate writes starts with this, so a shared Redis can hold other data. */
export const KEY_PREFIX = "mg:";

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

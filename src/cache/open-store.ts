import type { GateStore } from "./gate-store.js";
import { RedisStore } from "./redis-store.js";
import { SqliteStore } from "./sqlite-store.js";
import { StoreUnavailableError } from "./store-errors.js";
import { redactUrl } from "./gate-store.js";

/**
 * Opens the store named by CACHE_URL and checks that it answers; throws
 * {@link StoreUnavailableError} with what to fix otherwise.
 */
export async function openStore(cacheUrl: string, deadlineMs: number): Promise<GateStore> {
  const location = redactUrl(cacheUrl);
  try {
    if (cacheUrl.startsWith("sqlite://")) return await SqliteStore.open(cacheUrl, deadlineMs);
    if (/^rediss?:\/\//.test(cacheUrl)) return await RedisStore.open(cacheUrl, deadlineMs);
  } catch (error) {
    throw new StoreUnavailableError(location, error);
  }
  throw new StoreUnavailableError(location, new Error("unsupported scheme"));
}

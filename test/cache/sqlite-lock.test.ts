import { SqliteStore } from "../../src/cache/sqlite-store.js";
import { StoreFault } from "../../src/cache/store-errors.js";
import { useFigures } from "../helpers/figures.js";
import { tempSqliteUrl } from "../helpers/gate-fixture.js";
import { holdWriteLock } from "../helpers/sqlite-damage.js";

const DEADLINE_MS = 1000;
const figure = useFigures("A SQLite file locked by another process");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The longest gap between ticks of a 10 ms timer while `work` runs: how long the process froze. */
async function longestFreeze(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  return longest;
}

describe("a SQLite file whose write lock another process holds", () => {
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let store: SqliteStore;

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    store = await SqliteStore.open(sqlite.url, DEADLINE_MS);
  });

  afterEach(async () => {
    await store.close();
    sqlite.remove();
  });

  it("is written once the lock is released within the deadline", async () => {
    const unlock = await holdWriteLock(sqlite.url.replace("sqlite://", ""));
    const write = store.set("mg:probe:1", "kept");

    await sleep(200);
    await unlock();
    await write;

    expect(await store.getMany(["mg:probe:1"])).toEqual(["kept"]);
  });

  it("fails the writes at their deadline, never freezing the process", async () => {
    const unlock = await holdWriteLock(sqlite.url.replace("sqlite://", ""));

    const freeze = await longestFreeze(async () => {
      const writes = Array.from({ length: 20 }, (_, i) => store.set(`mg:probe:${i}`, i));
      const settled = await Promise.allSettled(writes);
      expect(settled.every((s) => s.status === "rejected" && s.reason instanceof StoreFault)).toBe(
        true,
      );
      await sleep(3 * DEADLINE_MS); // SQLite's own busy timeout froze node here, for seconds
    });
    await unlock();
    figure(
      "20 writes, STORE_DEADLINE 1000 ms",
      `longest stall of a 10 ms timer: ${Math.round(freeze)} ms`,
    );

    // a hang guard, not a speed target: before, the twenty writes froze the process ~8 s
    expect(freeze).toBeLessThan(DEADLINE_MS);
  });
});

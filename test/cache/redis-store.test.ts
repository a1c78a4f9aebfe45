import { openStore } from "../../src/cache/open-store.js";
import { RedisStore } from "../../src/cache/redis-store.js";
import { StoreFault, StoreUnavailableError } from "../../src/cache/store-errors.js";
import { describeWithRedis, RedisServer } from "../helpers/redis-server.js";

const DEADLINE_MS = 1000;

describeWithRedis("RedisStore over a real redis-server", () => {
  let redis: RedisServer;
  let store: RedisStore;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    await redis.stop();
  });

  beforeEach(async () => {
    await redis.start().catch(() => undefined);
    store = await RedisStore.open(redis.url, DEADLINE_MS);
  });

  afterEach(async () => {
    await store.close();
  });

  it("reads many keys in order, undefined where absent", async () => {
    await store.set("mg:test:a", { role: "member" });
    await store.set("mg:test:c", "gen-1", 60_000);

    expect(await store.getMany(["mg:test:a", "mg:test:b", "mg:test:c"])).toEqual([
      { role: "member" },
      undefined,
      "gen-1",
    ]);
  });

  it("deletes several keys at once and accepts an empty list", async () => {
    await store.set("mg:test:d1", 1);
    await store.set("mg:test:d2", 2);

    await store.delete(["mg:test:d1", "mg:test:d2"]);
    await store.delete([]);

    expect(await store.getMany(["mg:test:d1", "mg:test:d2"])).toEqual([undefined, undefined]);
  });

  it("lets only the first claim of a key win", async () => {
    expect(await store.claim("mg:test:claim", 60_000)).toBe(true);
    expect(await store.claim("mg:test:claim", 60_000)).toBe(false);
  });

  it("keeps claimed and written keys in one key space, without a namespace", async () => {
    await store.claim("mg:space:claimed", 60_000);
    await store.set("mg:space:written", "w");

    expect(await store.getMany(["mg:space:claimed"])).toEqual([true]);
    expect(await store.countByKind()).toMatchObject({ space: 2 });
  });

  it("counts live keys by kind", async () => {
    await store.set("mg:gen:o1", "g");
    await store.set("mg:gen:o2", "g");

    expect(await store.countByKind()).toMatchObject({ gen: 2 });
  });

  it("fails with StoreFault at once, not a hang, while Redis is stopped", async () => {
    await redis.stop();
    const started = Date.now();

    await expect(store.getMany(["mg:test:a"])).rejects.toBeInstanceOf(StoreFault);
    await expect(store.set("mg:test:a", 1)).rejects.toBeInstanceOf(StoreFault);
    await expect(store.delete(["mg:test:a"])).rejects.toBeInstanceOf(StoreFault);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
  });

  it("refuses to open when nothing answers, naming CACHE_URL", async () => {
    await redis.stop();

    await expect(openStore(redis.url, 300)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

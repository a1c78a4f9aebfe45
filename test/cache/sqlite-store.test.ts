import { existsSync } from "node:fs";
import { join } from "node:path";

import { openStore } from "../../src/cache/open-store.js";
import { SqliteStore } from "../../src/cache/sqlite-store.js";
import { StoreUnavailableError } from "../../src/cache/store-errors.js";
import { useFakeClock } from "../helpers/fake-clock.js";
import { tempSqliteUrl } from "../helpers/gate-fixture.js";

describe("SqliteStore", () => {
  const clock = useFakeClock();
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let store: SqliteStore;

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    store = await SqliteStore.open(sqlite.url, 1000);
  });

  afterEach(async () => {
    await store.close();
    sqlite.remove();
  });

  it("creates the folder of the file and runs in WAL mode", async () => {
    const nested = sqlite.url.replace("cache.sqlite", "deeper/cache.sqlite");
    const other = await SqliteStore.open(nested, 1000);
    await other.set("mg:probe:1", true);

    expect(existsSync(join(nested.replace("sqlite://", ""), "..", ""))).toBe(true);
    expect(existsSync(`${nested.replace("sqlite://", "")}-wal`)).toBe(true);
    await other.close();
  });

  it("lets only the first claim of a key win until it expires", async () => {
    expect(await store.claim("mg:delivery:abc", 60_000)).toBe(true);
    expect(await store.claim("mg:delivery:abc", 60_000)).toBe(false);

    clock.advance(61_000);
    expect(await store.claim("mg:delivery:abc", 60_000)).toBe(true);
  });

  it("purges expired rows so that the file stops growing", async () => {
    await store.set("mg:member:o1:u1", { a: 1 }, 1_000);
    await store.set("mg:member:o1:u2", { a: 2 }, 100_000);
    await store.set("mg:gen:o1", "g");

    clock.advance(2_000);

    expect(await store.purgeExpired()).toBe(1);
    expect(await store.countByKind()).toEqual({ member: 1, gen: 1 });
  });

  it("refuses an unsupported CACHE_URL at start-up with what to fix", async () => {
    await expect(openStore("memcached://localhost", 100)).rejects.toThrow(StoreUnavailableError);
    await expect(openStore("memcached://localhost", 100)).rejects.toThrow(/Check CACHE_URL/);
  });

  it("refuses a SQLite path whose folder cannot be created", async () => {
    await expect(openStore("sqlite:///etc/hostname/member-gate/cache.sqlite", 500)).rejects.toThrow(
      StoreUnavailableError,
    );
  });
});

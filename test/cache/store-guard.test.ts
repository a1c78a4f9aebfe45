import { StoreFault } from "../../src/cache/store-errors.js";
import { MISSES_TO_STOP, StoreGuard } from "../../src/cache/store-guard.js";

const DEADLINE_MS = 50;

const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the guard around a cache store's operations", () => {
  let tries: number;
  const counted =
    <T>(work: () => Promise<T>) =>
    () => {
      tries += 1;
      return work();
    };

  beforeEach(() => {
    tries = 0;
  });

  it("answers what the store answers", async () => {
    const guard = new StoreGuard(DEADLINE_MS);

    expect(await guard.run("read", async () => ["a"])).toEqual(["a"]);
  });

  it("fails with a StoreFault naming the operation when the store refuses", async () => {
    const guard = new StoreGuard(DEADLINE_MS);

    const failure = guard.run("write", async () => Promise.reject(new Error("SQLITE_READONLY")));

    await expect(failure).rejects.toThrow(new StoreFault("write", new Error("SQLITE_READONLY")));
  });

  it("keeps asking a store that refuses: only a missed deadline means stuck", async () => {
    const guard = new StoreGuard(DEADLINE_MS);
    const refuse = counted(async () => Promise.reject(new Error("connection refused")));

    await expect(guard.run("read", refuse)).rejects.toBeInstanceOf(StoreFault);
    await expect(guard.run("read", refuse)).rejects.toBeInstanceOf(StoreFault);

    expect(tries).toBe(2);
  });

  /** The store misses its deadline the number of times in a row that marks it stuck. */
  async function stick(guard: StoreGuard) {
    for (let miss = 0; miss < MISSES_TO_STOP; miss += 1) {
      await expect(guard.run("claim", never)).rejects.toThrow(/no answer within 50 ms/);
    }
  }

  it("keeps asking a store that missed one deadline: the machine may be busy", async () => {
    const guard = new StoreGuard(DEADLINE_MS);
    await expect(guard.run("claim", never)).rejects.toBeInstanceOf(StoreFault);

    expect(
      await guard.run(
        "read",
        counted(async () => ["a"]),
      ),
    ).toEqual(["a"]);
    expect(tries).toBe(1);
  });

  it("leaves a store alone after three missed deadlines: the next ones fail at once", async () => {
    const guard = new StoreGuard(DEADLINE_MS);
    await stick(guard);

    const next = guard.run(
      "read",
      counted(async () => ["a"]),
    );

    await expect(next).rejects.toThrow(/not tried: the store missed its 50 ms deadline/);
    expect(tries).toBe(0);
  });

  it("tries the store again one deadline later, and trusts it again once it answers", async () => {
    const guard = new StoreGuard(DEADLINE_MS);
    await stick(guard);

    await sleep(DEADLINE_MS + 10);
    const probe = await guard.run(
      "read",
      counted(async () => ["a"]),
    );
    const after = await guard.run(
      "read",
      counted(async () => ["b"]),
    );

    expect([probe, after, tries]).toEqual([["a"], ["b"], 2]);
  });
});

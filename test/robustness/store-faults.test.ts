import { chmodSync, chownSync, existsSync, rmSync } from "node:fs";
import { dirname } from "node:path";

import {
  ALICE,
  ALICE_NOT_A_MEMBER,
  BOB,
  startWithCachedMembers,
  type BuiltGate,
  type BuiltGateOptions,
} from "../helpers/built-gate.js";
import { useFigures } from "../helpers/figures.js";
import { tempSqliteUrl } from "../helpers/gate-fixture.js";
import { describeWithRedis, RedisServer } from "../helpers/redis-server.js";
import { corrupt, holdWriteLock } from "../helpers/sqlite-damage.js";
import { until } from "../helpers/until.js";

const figure = useFigures("Store faults: the removal's answer, then alice's and bob's commands");

/** Store operations give up quickly while another process holds the write lock. */
const STORE_DEADLINE = { STORE_DEADLINE: "300" };

/** Root ignores file modes: the read-only case runs the app as nobody then. */
const NOBODY = { uid: 65534, gid: 65534 };
const runsAsRoot = process.getuid?.() === 0;

interface Decisions {
  readonly removal: number;
  readonly alice: { readonly reactions: readonly string[]; readonly lookups: number };
  readonly bob: { readonly reactions: readonly string[]; readonly lookups: number };
}

/**
 * GitHub removes alice and tells the app; then alice and bob each comment. Resolves with the
 * removal's HTTP status, what each command got and how many lookups it cost.
 */
async function removeAliceThenAsk(gate: BuiltGate): Promise<Decisions> {
  const removal = await gate.removeFromOrg(ALICE);
  return { removal, ...(await askBoth(gate)) };
}

async function askBoth(gate: BuiltGate): Promise<Omit<Decisions, "removal">> {
  const ask = async (actor: typeof ALICE) => {
    const before = gate.org.lookups(actor);
    const answered = await gate.comment("/deploy staging", { actor });
    const { reactions, reply } = gate.effectsOf(answered);
    if (actor === ALICE && reactions[0] === "-1") expect(reply).toBe(ALICE_NOT_A_MEMBER);
    return { reactions, lookups: gate.org.lookups(actor) - before };
  };
  return { alice: await ask(ALICE), bob: await ask(BOB) };
}

function describeDecisions(decisions: Partial<Decisions>): string {
  const who = (name: string, one: Decisions["alice"] | undefined) =>
    one
      ? `${name} ${one.reactions.join()} (${one.lookups} lookup${one.lookups === 1 ? "" : "s"})`
      : "";
  const removal = decisions.removal === undefined ? "" : `removal ${decisions.removal}; `;
  return `${removal}${who("alice", decisions.alice)}, ${who("bob", decisions.bob)}`;
}

/** While the store fails: the removal is refused, and both decisions come from GitHub. */
const DECIDED_BY_GITHUB: Decisions = {
  removal: 500,
  alice: { reactions: ["-1"], lookups: 1 },
  bob: { reactions: ["rocket"], lookups: 1 },
};

/** Once the store works again: alice is still refused, bob is served from the cache. */
const RECOVERED = {
  alice: { reactions: ["-1"], lookups: expect.any(Number) as unknown as number },
  bob: { reactions: ["rocket"], lookups: 0 },
};

describe("a damaged SQLite cache under the built app", () => {
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let path: string;
  let gate: BuiltGate;

  async function start(options: BuiltGateOptions = {}) {
    gate = await startWithCachedMembers(sqlite.url, { env: STORE_DEADLINE, ...options });
  }

  beforeEach(() => {
    sqlite = tempSqliteUrl();
    path = sqlite.url.replace("sqlite://", "");
  });

  afterEach(async () => {
    await gate?.stop();
    await gate?.org.close();
    sqlite.remove();
  });

  it("decides from GitHub under another's write lock, then trusts the cache again", async () => {
    await start();
    const unlock = await holdWriteLock(path);

    const during = await removeAliceThenAsk(gate);
    await unlock();
    // after a missed deadline the app leaves the store alone for one deadline, then tries again
    await until(() => gate.isReady(), "the store to answer again");
    const after = await askBoth(gate);

    expect(during).toEqual(DECIDED_BY_GITHUB);
    expect(after).toEqual(RECOVERED);
    figure("locked by another process", describeDecisions(during));
    figure("  lock released", describeDecisions(after));
  });

  it("decides from GitHub on a read-only file, even once writable, until a restart", async () => {
    const user = runsAsRoot ? NOBODY : undefined;
    if (user) chownSync(dirname(path), user.uid, user.gid);
    await start(user && { user });
    await gate.stop();
    for (const file of sqliteFiles(path)) chmodSync(file, 0o444);
    await gate.restart();

    const during = await removeAliceThenAsk(gate);
    for (const file of sqliteFiles(path)) chmodSync(file, 0o644);
    const writableUnseen = await askBoth(gate); // the process's connection stays read-only
    const redelivered = gate.redeliverWhenAsked();
    await gate.restart();
    await until(() => redelivered.length === 1, "the redelivery of the refused removal");
    const after = await askBoth(gate);

    expect(during).toEqual(DECIDED_BY_GITHUB);
    const { removal: _, ...decidedByGitHub } = DECIDED_BY_GITHUB;
    expect(writableUnseen).toEqual(decidedByGitHub);
    expect(redelivered).toEqual([200]);
    expect(after).toEqual(RECOVERED);
    figure("read-only file (app restarted on it)", describeDecisions(during));
    figure("  writable again, not restarted", describeDecisions(writableUnseen));
    figure("  writable again, restarted, redelivered", describeDecisions(after));
  });

  it("keeps deciding when the file is deleted, and a restart starts afresh", async () => {
    await start();
    for (const file of sqliteFiles(path)) rmSync(file);

    const during = await removeAliceThenAsk(gate);
    await gate.restart();
    const after = await askBoth(gate);

    // SQLite keeps the deleted file open: the removal is written there and bob read from it.
    expect(during).toEqual({
      removal: 200,
      alice: { reactions: ["-1"], lookups: 1 },
      bob: { reactions: ["rocket"], lookups: 0 },
    });
    expect(after).toEqual({
      alice: { reactions: ["-1"], lookups: 1 },
      bob: { reactions: ["rocket"], lookups: 1 },
    });
    figure("deleted while running", describeDecisions(during));
    figure("  restarted on a new file", describeDecisions(after));
  });

  it("decides from GitHub on a corrupted file, and refuses a restart on it", async () => {
    await start();
    corrupt(path);

    const during = await removeAliceThenAsk(gate);

    expect(during).toEqual(DECIDED_BY_GITHUB);
    expect(await gate.isServing()).toBe(true);
    figure("corrupted while running", describeDecisions(during));

    const restart = gate.restart();
    await expect(restart).rejects.toThrow(/exit 1/);
    await expect(restart).rejects.toThrow(
      `The cache store ${sqlite.url} cannot be used (cache store open failed: SQLITE_NOTADB`,
    );
    figure("  restarted on the corrupted file", "exit 1, SQLITE_NOTADB named; no decisions");
  });
});

describeWithRedis("a Redis cache stopped in the middle of a run and started again", () => {
  let redis: RedisServer;
  let gate: BuiltGate;

  beforeAll(async () => {
    redis = await RedisServer.start({ persistent: true });
  });

  afterAll(async () => {
    await gate?.stop();
    await gate?.org.close();
    await redis.remove();
  });

  it("decides from GitHub while Redis is down, and from Redis once it is back", async () => {
    gate = await startWithCachedMembers(redis.url, { env: STORE_DEADLINE });
    await redis.stop();

    const during = await removeAliceThenAsk(gate);
    await redis.start();
    await until(async () => (await fetch(`${gate.app.url}/readyz`)).status === 200, "readyz");
    const after = await askBoth(gate);

    expect(during).toEqual(DECIDED_BY_GITHUB);
    expect(after).toEqual(RECOVERED);
    figure("Redis stopped", describeDecisions(during));
    figure("  Redis started again (data kept)", describeDecisions(after));
  });
});

/** The database and, when present, its write-ahead log and shared-memory index. */
function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file));
}

import nock from "nock";
import type { Probot } from "probot";

import type { GateStore } from "../../src/cache/gate-store.js";
import { RedisStore } from "../../src/cache/redis-store.js";
import type { Services } from "../../src/services.js";
import { ALICE, ORG, servicesOver } from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork } from "../helpers/github-client.js";
import { BOARD, decide, nockMember, nockTeam } from "../helpers/membership-board.js";
import { describeWithRedis, RedisServer } from "../helpers/redis-server.js";
import { testProbot } from "../helpers/test-app.js";
import { deliver } from "../helpers/webhook-delivery.js";

const aliceOrg = BOARD[0]!;
const aliceRelease = BOARD[1]!;
const notFound = () => nock(GITHUB).get(`/orgs/${ORG.login}/memberships/${ALICE.login}`).reply(404);

/** Waits until a store's client has reconnected after Redis came back. */
async function untilAnswers(store: GateStore): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await store.getMany(["mg:probe"]);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

interface Replicas {
  readonly a: Services;
  readonly b: Services;
  /** Replica B's Probot, which receives the deliveries. */
  readonly probotB: Probot;
  close(): Promise<void>;
}

/** Two app instances over one Redis; alice's membership already looked up through A. */
async function replicasOver(redis: RedisServer): Promise<Replicas> {
  const a = servicesOver(await RedisStore.open(redis.url, 1000));
  const b = servicesOver(await RedisStore.open(redis.url, 1000));
  await testProbot(a);
  const probotB = await testProbot(b);
  nockMember(aliceOrg);
  await decide(a, aliceOrg);
  return { a, b, probotB, close: async () => void (await Promise.all([a.close(), b.close()])) };
}

describeWithRedis("two replicas sharing one Redis that keeps its data", () => {
  guardNetwork();

  let redis: RedisServer;
  let replicas: Replicas;

  beforeEach(async () => {
    redis = await RedisServer.start({ persistent: true });
    replicas = await replicasOver(redis);
  });

  afterEach(async () => {
    await replicas.close();
    await redis.remove();
  });

  it("writes a removal B could not write once Redis is back, so A's old entry dies", async () => {
    await redis.stop();
    await expect(deliver(replicas.probotB, "organization.member_removed")).rejects.toThrow();
    await redis.start();
    await untilAnswers(replicas.a.store);
    await untilAnswers(replicas.b.store);
    expect(await decide(replicas.a, aliceOrg)).toMatchObject({ source: "cache" }); // data kept

    await replicas.b.revocations.replayAll(); // what B's timer does every few seconds
    notFound();

    expect(await decide(replicas.a, aliceOrg)).toMatchObject({
      membership: { outcome: "not_member" },
      source: "github",
    });
  });
});

describeWithRedis("two replicas sharing one Redis", () => {
  guardNetwork();

  let redis: RedisServer;
  let replicas: Replicas;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    await redis.stop();
  });

  beforeEach(async () => {
    await redis.stop(); // without persistence, a restart starts every test from an empty Redis
    await redis.start();
    replicas = await replicasOver(redis);
  });

  afterEach(async () => {
    await replicas.close();
  });

  it("shares answers: what A looked up, B reads from the cache", async () => {
    expect(await decide(replicas.b, aliceOrg)).toMatchObject({ source: "cache" });
  });

  it("a member_removed received by B makes A ask GitHub again, and A denies", async () => {
    await deliver(replicas.probotB, "organization.member_removed");
    notFound();

    expect(await decide(replicas.a, aliceOrg)).toEqual({
      membership: { outcome: "not_member", reason: "not_found" },
      source: "github",
    });
  });

  it("a team membership.removed received by B drops A's team entry", async () => {
    nockTeam({ slug: "release", id: 77 });
    nockMember(aliceRelease);
    await decide(replicas.a, aliceRelease);

    await deliver(replicas.probotB, "membership.removed");
    nockMember(aliceRelease);

    expect(await decide(replicas.a, aliceRelease)).toMatchObject({ source: "github" });
    expect(await decide(replicas.a, aliceOrg)).toMatchObject({ source: "cache" });
  });

  it("asks GitHub for every decision while Redis is down, and never hangs", async () => {
    await redis.stop();
    nockMember(aliceOrg);
    nockMember(aliceOrg);

    const started = Date.now();
    expect(await decide(replicas.a, aliceOrg)).toMatchObject({
      membership: { outcome: "member" },
      source: "github",
    });
    expect(await decide(replicas.a, aliceOrg)).toMatchObject({ source: "github" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("lets no stale member survive: B refuses a removal it cannot write, A asks", async () => {
    await redis.stop();
    await expect(deliver(replicas.probotB, "organization.member_removed")).rejects.toThrow();

    await redis.start();
    await untilAnswers(replicas.a.store);
    notFound();

    expect(await decide(replicas.a, aliceOrg)).toMatchObject({
      membership: { outcome: "not_member" },
      source: "github",
    });
  });
});

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

describeWithRedis("two replicas sharing one Redis that keeps its data", () => {
  guardNetwork();

  let redis: RedisServer;
  let replicaA: Services;
  let replicaB: Services;
  let probotB: Probot;

  beforeEach(async () => {
    redis = await RedisServer.start({ persistent: true });
    replicaA = servicesOver(await RedisStore.open(redis.url, 1000));
    replicaB = servicesOver(await RedisStore.open(redis.url, 1000));
    probotB = await testProbot(replicaB);
    nockMember(aliceOrg);
    await decide(replicaA, aliceOrg);
  });

  afterEach(async () => {
    await replicaA.close();
    await replicaB.close();
    await redis.remove();
  });

  it("writes a removal B could not write once Redis is back, so A's old entry dies", async () => {
    await redis.stop();
    await expect(deliver(probotB, "organization.member_removed")).rejects.toThrow();
    await redis.start();
    await untilAnswers(replicaA.store);
    await untilAnswers(replicaB.store);
    expect(await decide(replicaA, aliceOrg)).toMatchObject({ source: "cache" }); // data kept

    await replicaB.revocations.replayAll(); // what B's timer does every few seconds
    notFound();

    expect(await decide(replicaA, aliceOrg)).toMatchObject({
      membership: { outcome: "not_member" },
      source: "github",
    });
  });
});

describeWithRedis("two replicas sharing one Redis", () => {
  guardNetwork();

  let redis: RedisServer;
  let replicaA: Services;
  let replicaB: Services;
  let probotB: Probot;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    await redis.stop();
  });

  beforeEach(async () => {
    await redis.stop(); // without persistence, a restart starts every test from an empty Redis
    await redis.start();
    replicaA = servicesOver(await RedisStore.open(redis.url, 1000));
    replicaB = servicesOver(await RedisStore.open(redis.url, 1000));
    await testProbot(replicaA);
    probotB = await testProbot(replicaB);
    nockMember(aliceOrg);
    await decide(replicaA, aliceOrg);
  });

  afterEach(async () => {
    await replicaA.close();
    await replicaB.close();
  });

  it("shares answers: what A looked up, B reads from the cache", async () => {
    expect(await decide(replicaB, aliceOrg)).toMatchObject({ source: "cache" });
  });

  it("a member_removed received by B makes A ask GitHub again, and A denies", async () => {
    await deliver(probotB, "organization.member_removed");
    notFound();

    expect(await decide(replicaA, aliceOrg)).toEqual({
      membership: { outcome: "not_member", reason: "not_found" },
      source: "github",
    });
  });

  it("a team membership.removed received by B drops A's team entry", async () => {
    nockTeam({ slug: "release", id: 77 });
    nockMember(aliceRelease);
    await decide(replicaA, aliceRelease);

    await deliver(probotB, "membership.removed");
    nockMember(aliceRelease);

    expect(await decide(replicaA, aliceRelease)).toMatchObject({ source: "github" });
    expect(await decide(replicaA, aliceOrg)).toMatchObject({ source: "cache" });
  });

  it("asks GitHub for every decision while Redis is down, and never hangs", async () => {
    await redis.stop();
    nockMember(aliceOrg);
    nockMember(aliceOrg);

    const started = Date.now();
    expect(await decide(replicaA, aliceOrg)).toMatchObject({
      membership: { outcome: "member" },
      source: "github",
    });
    expect(await decide(replicaA, aliceOrg)).toMatchObject({ source: "github" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("lets no stale member survive: B refuses a removal it cannot write, A asks after restart", async () => {
    await redis.stop();
    await expect(deliver(probotB, "organization.member_removed")).rejects.toThrow();

    await redis.start();
    await untilAnswers(replicaA.store);
    notFound();

    expect(await decide(replicaA, aliceOrg)).toMatchObject({
      membership: { outcome: "not_member" },
      source: "github",
    });
  });
});

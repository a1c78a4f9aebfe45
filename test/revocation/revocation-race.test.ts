import fc from "fast-check";
import nock from "nock";
import type { Probot } from "probot";

import type { GateStore } from "../../src/cache/gate-store.js";
import { RedisStore } from "../../src/cache/redis-store.js";
import type { ActorRef, MembershipAnswer } from "../../src/membership/types.js";
import type { Services } from "../../src/services.js";
import { ORG, openSqlite, orgMembershipBody, servicesOver } from "../helpers/gate-fixture.js";
import { tempSqliteUrl } from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork, testOctokit } from "../helpers/github-client.js";
import { describeWithRedis, RedisServer } from "../helpers/redis-server.js";
import { SteppedStore } from "../helpers/stepped-store.js";
import { testProbot } from "../helpers/test-app.js";
import { deliver, webhookFixture } from "../helpers/webhook-delivery.js";

const RUNS = Number(process.env["RACE_RUNS"] ?? 100);
const github = testOctokit();

/** Counts the scheduler's steps and starts the webhook at the staged one. */
const stage = { released: 0, removeAt: 0, remove: () => undefined as void };

/**
 * One randomized staging: a scheduler that orders every store answer and GitHub step, the step
 * at which the member is removed on GitHub and the webhook delivered, whether the member was
 * cached before, and which commands start only after the webhook was acknowledged.
 */
const staging = fc.record({
  scheduler: fc.scheduler({
    act: async (step) => {
      stage.released += 1;
      if (stage.released === stage.removeAt) stage.remove();
      await step();
    },
  }),
  removeAt: fc.integer({ min: 1, max: 14 }),
  cachedBefore: fc.boolean(),
  commandsAfterAck: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
});

type Staging = typeof staging extends fc.Arbitrary<infer T> ? T : never;

interface CommandResult {
  readonly startedAfterAck: boolean;
  readonly answer: MembershipAnswer;
}

function removalOf(actor: ActorRef): Record<string, unknown> {
  const payload = webhookFixture("organization.member_removed");
  const membership = payload["membership"] as Record<string, unknown>;
  return { ...payload, membership: { ...membership, user: { id: actor.id, login: actor.login } } };
}

/**
 * GitHub decides each lookup at one step ("active" until the member is removed on GitHub, 404
 * after) and its answer reaches the app at a later step.
 */
function githubFor(actor: ActorRef, scheduler: fc.Scheduler, isRemoved: () => boolean): void {
  nock(GITHUB)
    .get(`/orgs/${ORG.login}/memberships/${actor.login}`)
    .times(20)
    .optionally()
    .reply(async () => {
      await scheduler.schedule(Promise.resolve(), "github decides");
      const answer = isRemoved() ? [404, {}] : [200, orgMembershipBody("active", actor)];
      await scheduler.schedule(Promise.resolve(), "github answer arrives");
      return answer as [number, unknown];
    });
}

function raceSuite(openStore: () => Promise<{ store: GateStore; close: () => Promise<void> }>) {
  guardNetwork();

  let services: Services;
  let stepped: SteppedStore;
  let probot: Probot;
  let close: () => Promise<void>;
  let nextUser = 10_000;

  beforeAll(async () => {
    const opened = await openStore();
    close = opened.close;
    stepped = new SteppedStore(opened.store);
    services = servicesOver(stepped);
    probot = await testProbot(services);
  });

  afterAll(async () => {
    await services.close();
    await close();
  });

  /** Runs one staging; resolves with every command's answer once all have settled. */
  async function race(actor: ActorRef, staged: Staging): Promise<CommandResult[]> {
    const { scheduler, removeAt, commandsAfterAck } = staged;
    const ask = () => services.gate.orgMembership(github, ORG, actor);
    let removed = false;
    let acked = false;
    githubFor(actor, scheduler, () => removed);

    const started = new Promise<void>((resolve) => Object.assign(stage, { remove: resolve }));
    Object.assign(stage, { released: 0, removeAt });
    const webhook = started.then(async () => {
      removed = true;
      await deliver(probot, "organization.member_removed", removalOf(actor));
      acked = true;
    });
    const command = async (afterAck: boolean): Promise<CommandResult> => {
      if (afterAck) await webhook;
      const startedAfterAck = acked;
      return { startedAfterAck, answer: await ask() };
    };

    stepped.scheduler = scheduler;
    const early = commandsAfterAck.filter((afterAck) => !afterAck).map(command);
    const late = commandsAfterAck.filter((afterAck) => afterAck).map(command);
    await scheduler.waitFor(Promise.all(early));
    stage.remove(); // a staging with fewer steps than removeAt removes the member last
    const results = await scheduler.waitFor(Promise.all([...early, ...late, webhook]));
    stepped.scheduler = undefined;
    return results.filter((result): result is CommandResult => result !== undefined);
  }

  it(`admits nobody once member_removed is acknowledged, over ${RUNS} orderings`, async () => {
    await fc.assert(
      fc.asyncProperty(staging, async (staged) => {
        nextUser += 1;
        const actor = { id: nextUser, login: `member${nextUser}` };
        const path = `/orgs/${ORG.login}/memberships/${actor.login}`;
        if (staged.cachedBefore) {
          nock(GITHUB).get(path).reply(200, orgMembershipBody("active", actor));
          await services.gate.orgMembership(github, ORG, actor);
        }

        const results = await race(actor, staged);

        for (const result of results.filter((each) => each.startedAfterAck)) {
          expect(result.answer.membership.outcome).not.toBe("member");
        }
        nock.cleanAll();
        nock(GITHUB).get(path).optionally().reply(404);
        const after = await services.gate.orgMembership(github, ORG, actor);
        expect(after.membership.outcome).toBe("not_member");
        nock.cleanAll();
      }),
      { numRuns: RUNS },
    );
  });
}

describe("a lookup racing member_removed, on SQLite", () => {
  const sqlite = tempSqliteUrl();
  raceSuite(async () => ({
    store: await openSqlite(sqlite.url),
    close: async () => sqlite.remove(),
  }));
});

describeWithRedis("a lookup racing member_removed, on Redis", () => {
  raceSuite(async () => {
    const redis = await RedisServer.start();
    return { store: await RedisStore.open(redis.url, 1000), close: () => redis.stop() };
  });
});

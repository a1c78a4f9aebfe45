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

const RUNS = Number(process.env["RACE_RUNS"] ?? 1000);
/** Before the removal GitHub answers "admin"; once the member is added back, "member". */
const OLD_ROLE = "admin";
const NEW_ROLE = "member";
const github = testOctokit();

/** Counts the scheduler's steps and starts the webhook at the staged one. */
const stage = { released: 0, removeAt: 0, remove: () => undefined as void };

/** When a command starts: at once, after the removal's 2xx, or after the addition's 2xx. */
type Start = "at_once" | "after_removal" | "after_addition";

/**
 * One randomized staging: a scheduler that orders every store answer and GitHub step, the step
 * at which the member is removed on GitHub and the webhook delivered, whether (and how many
 * steps after the removal's 2xx) the member is added back, whether the member was cached
 * before, and when each command starts.
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
  addBackAfter: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  cachedBefore: fc.boolean(),
  commands: fc.array(fc.constantFrom<Start>("at_once", "after_removal", "after_addition"), {
    minLength: 1,
    maxLength: 4,
  }),
});

type Staging = typeof staging extends fc.Arbitrary<infer T> ? T : never;

/** Where GitHub's membership of the actor stands. */
type Standing = "member" | "removed" | "added_back";

interface CommandResult {
  /** The acknowledged webhooks when the command started. */
  readonly startedAfter: { readonly removal: boolean; readonly addition: boolean };
  readonly answer: MembershipAnswer;
}

function deliveryFor(fixture: string, actor: ActorRef): Record<string, unknown> {
  const payload = webhookFixture(fixture);
  const membership = payload["membership"] as Record<string, unknown>;
  return { ...payload, membership: { ...membership, user: { id: actor.id, login: actor.login } } };
}

/**
 * GitHub decides each lookup at one step (an admin until the member is removed on GitHub, 404
 * while removed, a plain member once added back) and its answer reaches the app at a later step.
 */
function githubFor(actor: ActorRef, scheduler: fc.Scheduler, standing: () => Standing): void {
  nock(GITHUB)
    .get(`/orgs/${ORG.login}/memberships/${actor.login}`)
    .times(20)
    .optionally()
    .reply(async () => {
      await scheduler.schedule(Promise.resolve(), "github decides");
      const now = standing();
      const role = now === "member" ? OLD_ROLE : NEW_ROLE;
      const answer =
        now === "removed" ? [404, {}] : [200, orgMembershipBody("active", actor, role)];
      await scheduler.schedule(Promise.resolve(), "github answer arrives");
      return answer as [number, unknown];
    });
}

const REMOVED = "organization.member_removed";
const ADDED = "organization.member_added";

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
    const { scheduler, removeAt, addBackAfter, commands } = staged;
    const ask = () => services.gate.orgMembership(github, ORG, actor);
    let standing: Standing = "member";
    const acked = { removal: false, addition: false };
    githubFor(actor, scheduler, () => standing);

    const started = new Promise<void>((resolve) => Object.assign(stage, { remove: resolve }));
    Object.assign(stage, { released: 0, removeAt });
    const removal = started.then(async () => {
      standing = "removed";
      await deliver(probot, "organization.member_removed", deliveryFor(REMOVED, actor));
      acked.removal = true;
    });
    const addition = removal.then(async () => {
      if (addBackAfter === undefined) return;
      for (let step = 0; step < addBackAfter; step += 1) {
        await scheduler.schedule(Promise.resolve(), "before the member is added back");
      }
      standing = "added_back";
      await deliver(probot, "organization.member_added", deliveryFor(ADDED, actor));
      acked.addition = true;
    });
    const command = async (start: Start): Promise<CommandResult> => {
      if (start === "after_removal") await removal;
      if (start === "after_addition") await addition;
      const startedAfter = { ...acked };
      return { startedAfter, answer: await ask() };
    };

    stepped.scheduler = scheduler;
    const early = commands.filter((start) => start === "at_once").map(command);
    const late = commands.filter((start) => start !== "at_once").map(command);
    await scheduler.waitFor(Promise.all(early));
    stage.remove(); // a staging with fewer steps than removeAt removes the member last
    const results = await scheduler.waitFor(Promise.all([...early, ...late, removal, addition]));
    stepped.scheduler = undefined;
    return results.filter((result): result is CommandResult => result !== undefined);
  }

  it(
    `admits nobody on an answer older than an acknowledged removal and refuses nobody on one ` +
      `older than an acknowledged addition, over ${RUNS} orderings`,
    async () => {
      await fc.assert(
        fc.asyncProperty(staging, async (staged) => {
          nextUser += 1;
          const actor = { id: nextUser, login: `member${nextUser}` };
          const path = `/orgs/${ORG.login}/memberships/${actor.login}`;
          if (staged.cachedBefore) {
            nock(GITHUB)
              .get(path)
              .reply(200, orgMembershipBody("active", actor, OLD_ROLE));
            await services.gate.orgMembership(github, ORG, actor);
          }

          const results = await race(actor, staged);

          for (const { startedAfter, answer } of results) {
            const { membership } = answer;
            // an answer from before the removal carries the old role
            if (startedAfter.removal && membership.outcome === "member") {
              expect(membership.role).toBe(NEW_ROLE);
            }
            // and an answer from before the addition is "not a member"
            if (startedAfter.addition) expect(membership.outcome).not.toBe("not_member");
          }
          nock.cleanAll();
          const addedBack = staged.addBackAfter !== undefined;
          const now = nock(GITHUB).get(path).optionally();
          if (addedBack) now.reply(200, orgMembershipBody("active", actor, NEW_ROLE));
          else now.reply(404, {});
          const after = await services.gate.orgMembership(github, ORG, actor);
          expect(after.membership).toEqual(
            addedBack
              ? { outcome: "member", role: NEW_ROLE }
              : { outcome: "not_member", reason: "not_found" },
          );
          nock.cleanAll();
        }),
        { numRuns: RUNS },
      );
    },
    RUNS * 100,
  );
}

describe("lookups racing member_removed and member_added, on SQLite", () => {
  const sqlite = tempSqliteUrl();
  raceSuite(async () => ({
    store: await openSqlite(sqlite.url),
    close: async () => sqlite.remove(),
  }));
});

describeWithRedis("lookups racing member_removed and member_added, on Redis", () => {
  raceSuite(async () => {
    const redis = await RedisServer.start();
    return { store: await RedisStore.open(redis.url, 1000), close: () => redis.stop() };
  });
});

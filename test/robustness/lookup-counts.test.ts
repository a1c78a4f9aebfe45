import type { ActorRef } from "../../src/membership/types.js";
import { BuiltGate, expectServed, type Answered } from "../helpers/built-gate.js";
import { useFigures } from "../helpers/figures.js";
import { tempSqliteUrl } from "../helpers/gate-fixture.js";
import { describeWithRedis, RedisServer } from "../helpers/redis-server.js";
import { StubbedOrg } from "../helpers/stubbed-org.js";

const figure = useFigures("Lookups per member through real command deliveries");

/** How many deliveries are in flight at once in the 1,000-command run. */
const CONCURRENCY = 50;

let people = 0;
function newMembers(org: StubbedOrg, count: number): ActorRef[] {
  return Array.from({ length: count }, () => {
    people += 1;
    const member = { id: 9000 + people, login: `busy${people}` };
    org.addMember(member);
    return member;
  });
}

function lookupSuite(
  store: string,
  openCache: () => Promise<{ url: string; close(): Promise<void> }>,
) {
  let gate: BuiltGate;
  let cache: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    cache = await openCache();
    // info, not debug: thousands of requests' debug lines would dominate the run
    const options = { env: { LOG_LEVEL: "info" } };
    gate = await BuiltGate.start(await StubbedOrg.start(), cache.url, options);
    gate.org.addMember({ id: 501, login: "alice" });
    await expectServed(gate); // the configuration and the token are read once, before counting
  });

  afterAll(async () => {
    await gate?.stop();
    await gate?.org.close();
    await cache?.close();
  });

  function expectAllDispatched(answers: readonly Answered[]): void {
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    const effects = gate.org.effectsOfMany(answers);
    expect(
      effects.filter((each) => each.dispatches !== 1 || each.reactions[0] !== "rocket"),
    ).toEqual([]);
  }

  it("sends one lookup for 100 concurrent commands of one uncached member", async () => {
    const [member] = newMembers(gate.org, 1) as [ActorRef];

    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => gate.comment("/deploy staging", { actor: member })),
    );
    const ms = Math.round(performance.now() - started);

    expectAllDispatched(answers);
    expect(gate.org.lookups(member)).toBe(1);
    figure(
      `${store}: 100 concurrent commands, 1 member`,
      `${gate.org.lookups(member)} lookup, all dispatched in ${ms} ms`,
    );
  });

  it("sends ten lookups for 1,000 commands from ten members", async () => {
    const members = newMembers(gate.org, 10);
    const commands = Array.from({ length: 1000 }, (_, index) => members[index % members.length]!);
    const answers: Answered[] = [];

    const started = performance.now();
    for (let next = 0; next < commands.length; next += CONCURRENCY) {
      const wave = commands.slice(next, next + CONCURRENCY);
      answers.push(
        ...(await Promise.all(wave.map((actor) => gate.comment("/deploy staging", { actor })))),
      );
    }
    const ms = Math.round(performance.now() - started);

    expectAllDispatched(answers);
    expect(members.map((member) => gate.org.lookups(member))).toEqual(new Array(10).fill(1));
    const total = members.reduce((sum, member) => sum + gate.org.lookups(member), 0);
    figure(`${store}: 1,000 commands, 10 members`, `${total} lookups, all dispatched in ${ms} ms`);
  });
}

describe("lookups per member through the built app, on SQLite", () => {
  lookupSuite("SQLite", async () => {
    const sqlite = tempSqliteUrl();
    return { url: sqlite.url, close: async () => sqlite.remove() };
  });
});

describeWithRedis("lookups per member through the built app, on Redis", () => {
  lookupSuite("Redis", async () => {
    const redis = await RedisServer.start();
    return { url: redis.url, close: () => redis.stop() };
  });
});

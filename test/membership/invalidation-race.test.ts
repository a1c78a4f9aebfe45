import nock from "nock";

import { entryKey } from "../../src/cache/membership-cache.js";
import type { SqliteStore } from "../../src/cache/sqlite-store.js";
import type { Services } from "../../src/services.js";
import {
  ALICE,
  ORG,
  openSqlite,
  orgMembershipBody,
  servicesOver,
  tempSqliteUrl,
} from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork, testOctokit } from "../helpers/github-client.js";
import { FaultyStore } from "../helpers/faulty-store.js";
import { heldReply } from "../helpers/held-reply.js";

/** Holds the next write of a membership entry until released, with the lookup already checked. */
class HeldEntryWrite extends FaultyStore {
  hold: ReturnType<typeof heldReply> | undefined;
  reads = 0;

  override async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const hold = key.startsWith("mg:member:") ? this.hold : undefined;
    this.hold = undefined;
    if (hold !== undefined) await hold.reply();
    return super.set(key, value, ttlMs);
  }

  override async getMany(keys: readonly string[]): Promise<unknown[]> {
    const values = await super.getMany(keys);
    this.reads += 1;
    return values;
  }
}

const aliceMembership = `/orgs/${ORG.login}/memberships/${ALICE.login}`;
const removeAlice = { kind: "org_member", orgId: ORG.orgId, userId: ALICE.id } as const;

describe("an invalidation while a lookup is held", () => {
  guardNetwork();

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let store: SqliteStore;
  let services: Services;
  const github = testOctokit();
  const ask = () => services.gate.orgMembership(github, ORG, ALICE);
  const storedEntry = async () =>
    (await store.getMany([entryKey({ orgId: ORG.orgId, userId: ALICE.id })]))[0];

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    store = await openSqlite(sqlite.url);
    services = servicesOver(store);
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  it("writes nothing and asks again, so the removal decides", async () => {
    const held = heldReply(200, orgMembershipBody("active"));
    nock(GITHUB).get(aliceMembership).reply(held.reply);
    nock(GITHUB).get(aliceMembership).reply(404);

    const answer = ask();
    await held.requested;
    await services.revocations.apply(removeAlice);
    held.release();

    expect(await answer).toEqual({
      membership: { outcome: "not_member", reason: "not_found" },
      source: "github",
    });
    expect(await storedEntry()).toMatchObject({ membership: { outcome: "not_member" } });
  });

  it("answers undecided when every attempt is overtaken by an invalidation", async () => {
    const first = heldReply(200, orgMembershipBody("active"));
    const second = heldReply(200, orgMembershipBody("active"));
    nock(GITHUB).get(aliceMembership).reply(first.reply);
    nock(GITHUB).get(aliceMembership).reply(second.reply);

    const answer = ask();
    await first.requested;
    await services.revocations.apply(removeAlice);
    first.release();
    await second.requested;
    await services.revocations.apply(removeAlice);
    second.release();

    expect((await answer).membership).toMatchObject({
      outcome: "undecided",
      reason: "revoked_during_lookup",
    });
    expect(await storedEntry()).toBeUndefined();
  });

  it("does not hand a flight checked before the removal to a later command", async () => {
    const held = new HeldEntryWrite(store);
    services = servicesOver(held);
    const write = heldReply(0, undefined);
    held.hold = write;
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    nock(GITHUB).get(aliceMembership).reply(404);

    const before = ask();
    await write.requested;
    await services.revocations.apply(removeAlice);
    const readsBefore = held.reads;
    const after = ask();
    while (held.reads === readsBefore) await new Promise((resolve) => setImmediate(resolve));
    write.release();

    expect((await before).membership.outcome).toBe("member");
    expect(await after).toMatchObject({ membership: { outcome: "not_member" }, source: "github" });
  });

  it("drops a cached member so that the next command asks GitHub", async () => {
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask();

    await services.revocations.apply(removeAlice);
    nock(GITHUB).get(aliceMembership).reply(404);

    expect(await ask()).toMatchObject({ membership: { outcome: "not_member" }, source: "github" });
  });

  it("drops every team entry of the user in the org through the org generation", async () => {
    const teamPath = `/orgs/${ORG.login}/teams/release/memberships/${ALICE.login}`;
    nock(GITHUB).get(`/orgs/${ORG.login}/teams/release`).reply(200, { id: 77, slug: "release" });
    nock(GITHUB).get(teamPath).reply(200, { state: "active", role: "member" });
    await services.gate.teamMembership(github, ORG, "release", ALICE);

    await services.revocations.apply(removeAlice);
    nock(GITHUB).get(teamPath).reply(404);

    const answer = await services.gate.teamMembership(github, ORG, "release", ALICE);
    expect(answer).toMatchObject({ membership: { outcome: "not_member" }, source: "github" });
  });
});

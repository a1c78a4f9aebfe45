import nock from "nock";

import { StoreFault } from "../../src/cache/store-errors.js";
import type { Services } from "../../src/services.js";
import { FaultyStore } from "../helpers/faulty-store.js";
import {
  ALICE,
  ORG,
  openSqlite,
  orgMembershipBody,
  servicesOver,
  tempSqliteUrl,
} from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork, testOctokit } from "../helpers/github-client.js";

const aliceMembership = `/orgs/${ORG.login}/memberships/${ALICE.login}`;
const removeAlice = { kind: "org_member", orgId: ORG.orgId, userId: ALICE.id } as const;

describe("a failing cache store", () => {
  guardNetwork();

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let store: FaultyStore;
  let services: Services;
  const github = testOctokit();
  const ask = () => services.gate.orgMembership(github, ORG, ALICE);

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    store = new FaultyStore(await openSqlite(sqlite.url));
    services = servicesOver(store);
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  it("falls through to GitHub when reads fail, never answering 'not a member'", async () => {
    store.failing.add("read");
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));

    expect(await ask()).toEqual({
      membership: { outcome: "member", role: "member" },
      source: "github",
    });
  });

  it("still returns GitHub's answer when the write fails, and asks again next time", async () => {
    store.failing.add("write");
    nock(GITHUB).get(aliceMembership).twice().reply(200, orgMembershipBody("active"));

    expect((await ask()).membership.outcome).toBe("member");
    expect(await ask()).toMatchObject({ membership: { outcome: "member" }, source: "github" });
  });

  it("distrusts cached members of the org while an invalidation cannot be written", async () => {
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask();

    store.failing.add("write");
    await expect(services.revocations.apply(removeAlice)).rejects.toBeInstanceOf(StoreFault);
    nock(GITHUB).get(aliceMembership).reply(404);

    expect(await ask()).toMatchObject({ membership: { outcome: "not_member" }, source: "github" });
    expect(services.revocations.isDistrusted(ORG.orgId)).toBe(true);
  });

  it("trusts the cache again once the pending invalidation is written", async () => {
    store.failing.add("write");
    await expect(services.revocations.apply(removeAlice)).rejects.toBeInstanceOf(StoreFault);
    store.failing.delete("write");

    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask();

    expect(services.revocations.isDistrusted(ORG.orgId)).toBe(false);
    expect(await ask()).toMatchObject({ source: "cache" });
  });

  it("trusts the org again once GitHub's redelivery of the removal is applied", async () => {
    store.failing.add("write");
    await expect(services.revocations.apply(removeAlice)).rejects.toBeInstanceOf(StoreFault);
    store.failing.delete("write");

    await services.revocations.apply(removeAlice); // the redelivered member_removed

    expect(services.revocations.isDistrusted(ORG.orgId)).toBe(false); // nothing left to replay
  });
});

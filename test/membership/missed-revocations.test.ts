import nock from "nock";

import { MissedRevocations } from "../../src/membership/missed-revocations.js";
import { buildServices, type Services } from "../../src/services.js";
import { GateMetrics } from "../../src/metrics/gate-metrics.js";
import {
  ALICE,
  ORG,
  openSqlite,
  orgMembershipBody,
  tempSqliteUrl,
  testSettings,
} from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork, testOctokit } from "../helpers/github-client.js";
import { silentLog } from "../helpers/silent-log.js";

describe("what a process knows of missed revocations", () => {
  it("is settled from the start when it does not check deliveries", () => {
    expect(MissedRevocations.assumeNone().settled).toBe(true);
  });

  it("is unsettled until a check succeeds, and settled when that check found none", () => {
    const missed = MissedRevocations.unknownUntilChecked();
    expect(missed.settled).toBe(false);

    missed.found([]);

    expect(missed.settled).toBe(true);
  });

  it("stays unsettled until every revocation the check found is applied here", () => {
    const missed = MissedRevocations.unknownUntilChecked();
    missed.found(["g-removed", "g-team-removed"]);

    missed.applied("g-removed");
    expect(missed.settled).toBe(false);
    missed.applied("g-team-removed");
    expect(missed.settled).toBe(true);
  });

  it("takes each check's findings in place of the last", () => {
    const missed = MissedRevocations.assumeNone();
    missed.found(["g-applied-by-another-replica"]);
    expect(missed.settled).toBe(false);

    missed.found([]);

    expect(missed.settled).toBe(true);
  });
});

describe("cached members while missed revocations are unsettled", () => {
  guardNetwork();

  const aliceMembership = `/orgs/${ORG.login}/memberships/${ALICE.login}`;
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let services: Services;
  let missed: MissedRevocations;
  const github = testOctokit();
  const ask = () => services.gate.orgMembership(github, ORG, ALICE);

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    missed = MissedRevocations.assumeNone();
    const store = await openSqlite(sqlite.url);
    services = buildServices(testSettings(), store, silentLog, new GateMetrics(), missed);
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask(); // alice's "member" is cached
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  it("are not trusted: the decision asks GitHub and believes a removal", async () => {
    missed.found(["g-removed-while-the-store-was-down"]);
    nock(GITHUB).get(aliceMembership).reply(404);

    expect(await ask()).toMatchObject({ membership: { outcome: "not_member" }, source: "github" });
  });

  it("are trusted again once the missed revocation is applied", async () => {
    missed.found(["g-removed"]);
    missed.applied("g-removed");

    expect(await ask()).toMatchObject({ membership: { outcome: "member" }, source: "cache" });
  });
});

import nock from "nock";

import type { Services } from "../../src/services.js";
import { useFakeClock } from "../helpers/fake-clock.js";
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

describe("membership answers expire", () => {
  guardNetwork();
  const clock = useFakeClock();
  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let services: Services;
  const github = testOctokit();
  const ask = () => services.gate.orgMembership(github, ORG, ALICE);

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    services = servicesOver(await openSqlite(sqlite.url));
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  it("caches a 404 as not a member for NON_MEMBER_TTL only", async () => {
    nock(GITHUB).get(aliceMembership).reply(404, { message: "Not Found" });
    expect((await ask()).membership).toEqual({ outcome: "not_member", reason: "not_found" });

    clock.advance(299_000);
    expect(await ask()).toMatchObject({ source: "cache" });

    clock.advance(2_000);
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    expect(await ask()).toMatchObject({ membership: { outcome: "member" }, source: "github" });
  });

  it("trusts a member answer for MEMBER_TTL, then asks GitHub again", async () => {
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask();

    clock.advance(3_599_000);
    expect(await ask()).toMatchObject({ source: "cache" });

    clock.advance(2_000);
    nock(GITHUB).get(aliceMembership).reply(404);
    expect(await ask()).toMatchObject({
      membership: { outcome: "not_member" },
      source: "github",
    });
  });

  it("keeps an answer whose generation expired first: no invalidation came since", async () => {
    const removeAlice = { kind: "org_member", orgId: ORG.orgId, userId: ALICE.id } as const;
    await services.revocations.apply(removeAlice); // a generation for alice, kept 2 h 1 min
    clock.advance(3_700_000);
    nock(GITHUB).get(aliceMembership).reply(200, orgMembershipBody("active"));
    await ask(); // cached for an hour under that generation

    clock.advance(3_570_000); // the generation has expired, the answer has not
    expect(await ask()).toMatchObject({ membership: { outcome: "member" }, source: "cache" });

    await services.revocations.apply(removeAlice); // a removal after it still drops it
    nock(GITHUB).get(aliceMembership).reply(404);
    expect(await ask()).toMatchObject({ membership: { outcome: "not_member" }, source: "github" });
  });
});

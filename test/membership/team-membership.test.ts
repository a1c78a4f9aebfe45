import nock from "nock";

import type { Services } from "../../src/services.js";
import { ALICE, ORG, openSqlite, servicesOver, tempSqliteUrl } from "../helpers/gate-fixture.js";
import { GITHUB, GITHUB_CLIENTS, guardNetwork } from "../helpers/github-client.js";

const team = `/orgs/${ORG.login}/teams/release`;
const aliceInTeam = `${team}/memberships/${ALICE.login}`;

describe.each(GITHUB_CLIENTS)("MembershipGate.teamMembership over %s", (_client, client) => {
  guardNetwork();

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let services: Services;
  const github = client();
  const ask = () => services.gate.teamMembership(github, ORG, "release", ALICE);

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    services = servicesOver(await openSqlite(sqlite.url));
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  it("admits an active team member and caches both the team id and the answer", async () => {
    nock(GITHUB).get(team).once().reply(200, { id: 77, slug: "release" });
    nock(GITHUB).get(aliceInTeam).once().reply(200, { state: "active", role: "maintainer" });

    expect(await ask()).toEqual({
      membership: { outcome: "member", role: "maintainer" },
      source: "github",
    });
    expect(await ask()).toMatchObject({ source: "cache" });
  });

  it("treats a pending team invitation as not a member", async () => {
    nock(GITHUB).get(team).reply(200, { id: 77, slug: "release" });
    nock(GITHUB).get(aliceInTeam).reply(200, { state: "pending", role: "member" });

    expect((await ask()).membership).toEqual({
      outcome: "not_member",
      reason: "pending_invitation",
    });
  });

  it("treats a 404 from the team membership as not a member", async () => {
    nock(GITHUB).get(team).reply(200, { id: 77, slug: "release" });
    nock(GITHUB).get(aliceInTeam).reply(404);

    expect((await ask()).membership).toEqual({ outcome: "not_member", reason: "not_found" });
  });

  it("says the team does not exist when GitHub has no such team", async () => {
    nock(GITHUB).get(team).reply(404);

    expect((await ask()).membership).toEqual({ outcome: "not_member", reason: "team_not_found" });
  });

  it("is undecided when the team cannot be resolved, and caches nothing", async () => {
    nock(GITHUB).get(team).reply(502);
    nock(GITHUB).get(team).reply(200, { id: 77, slug: "release" });
    nock(GITHUB).get(aliceInTeam).reply(200, { state: "active", role: "member" });

    expect((await ask()).membership).toMatchObject({
      outcome: "undecided",
      reason: "server_error",
    });
    expect((await ask()).membership).toMatchObject({ outcome: "member" });
  });
});

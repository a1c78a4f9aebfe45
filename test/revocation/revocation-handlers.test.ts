import nock from "nock";
import type { Probot } from "probot";

import type { Services } from "../../src/services.js";
import { ALICE, ORG, openSqlite, servicesOver, tempSqliteUrl } from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork } from "../helpers/github-client.js";
import {
  BOARD,
  decide,
  expectedSources,
  fillBoard,
  nockTeam,
  sources,
} from "../helpers/membership-board.js";
import { testProbot } from "../helpers/test-app.js";
import { deliver } from "../helpers/webhook-delivery.js";

const ALICE_EVERYWHERE = ["alice/org", "alice/release", "alice/infra"];
const EVERYONE = BOARD.map((entry) => entry.name);
const RELEASE_TEAM = ["alice/release", "bob/release"];

describe("membership webhooks", () => {
  guardNetwork();

  let sqlite: ReturnType<typeof tempSqliteUrl>;
  let services: Services;
  let probot: Probot;

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    services = servicesOver(await openSqlite(sqlite.url));
    probot = await testProbot(services);
    await fillBoard(services);
  });

  afterEach(async () => {
    await services.close();
    sqlite.remove();
  });

  it.each([
    ["organization.member_removed", ALICE_EVERYWHERE],
    ["organization.member_added", ALICE_EVERYWHERE],
    ["organization.member_invited", []],
    ["organization.renamed", []],
    ["organization.deleted", EVERYONE],
    ["membership.added", ["alice/release"]],
    ["membership.removed", ["alice/release"]],
    ["membership.removed.with-deleted-team", ["alice/release"]],
    ["installation.deleted", EVERYONE],
    ["installation.unsuspend", []],
  ])("%s drops exactly the entries it names", async (fixture, dropped) => {
    await deliver(probot, fixture);

    expect(await sources(services, dropped)).toEqual(expectedSources(dropped));
  });

  it("team.deleted drops every entry of the team and forgets its slug", async () => {
    await deliver(probot, "team.deleted");
    nockTeam({ slug: "release", id: 77 });

    expect(await sources(services, RELEASE_TEAM)).toEqual(expectedSources(RELEASE_TEAM));
  });

  it("installation.suspend admits nobody, without asking GitHub, until unsuspend", async () => {
    await deliver(probot, "installation.suspend");
    for (const entry of BOARD) {
      expect((await decide(services, entry)).membership).toMatchObject({
        outcome: "undecided",
        reason: "installation_suspended",
      });
    }

    await deliver(probot, "installation.unsuspend");
    expect(await sources(services, EVERYONE)).toEqual(expectedSources(EVERYONE));
  });

  it("member_added after member_removed grants nothing: GitHub's answer decides", async () => {
    await deliver(probot, "organization.member_removed");
    await deliver(probot, "organization.member_added");
    nock(GITHUB).get(`/orgs/${ORG.login}/memberships/${ALICE.login}`).reply(404);

    expect(await decide(services, BOARD[0]!)).toEqual({
      membership: { outcome: "not_member", reason: "not_found" },
      source: "github",
    });
  });

  it("member_added drops a cached 'not a member' so a new member is admitted at once", async () => {
    const alice = BOARD[0]!;
    await deliver(probot, "organization.member_removed");
    nock(GITHUB).get(`/orgs/${ORG.login}/memberships/${ALICE.login}`).reply(404);
    await decide(services, alice);

    await deliver(probot, "organization.member_added");

    expect(await sources(services, ["alice/org"])).toMatchObject({ "alice/org": "github" });
  });

  it("counts each invalidation and times each delivery by event", async () => {
    await deliver(probot, "organization.member_removed");
    await deliver(probot, "organization.member_invited");

    const metrics = await services.metrics.registry.getMetricsAsJSON();
    const counted = metrics.find((metric) => metric.name === "member_gate_invalidations_total");
    expect(counted?.values).toEqual([
      { labels: { event: "organization.member_removed", result: "ok" }, value: 1 },
    ]);
    const timed = await services.metrics.webhookSeconds.get();
    const counts = timed.values.filter((value) => value.metricName?.endsWith("_count"));
    expect(counts.map((value) => value.labels.event).sort()).toEqual([
      "organization.member_invited",
      "organization.member_removed",
    ]);
  });
});

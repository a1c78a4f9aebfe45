import {
  revocationPlan,
  REVOCATION_EVENTS,
  UnreadablePayloadError,
  type RevocationEvent,
} from "../../src/revocation/revocation-plan.js";
import { webhookFixture } from "../helpers/webhook-delivery.js";

const ORG_ID = 1001;
const ALICE_ID = 501;

describe("revocationPlan", () => {
  it.each([
    ["organization.member_removed", [{ kind: "org_member", orgId: ORG_ID, userId: ALICE_ID }]],
    ["organization.member_added", [{ kind: "org_member", orgId: ORG_ID, userId: ALICE_ID }]],
    ["organization.member_invited", []],
    ["organization.renamed", []],
    ["organization.deleted", [{ kind: "org", orgId: ORG_ID }]],
    ["membership.added", [{ kind: "team_member", orgId: ORG_ID, teamId: 77, userId: ALICE_ID }]],
    ["membership.removed", [{ kind: "team_member", orgId: ORG_ID, teamId: 77, userId: ALICE_ID }]],
    ["team.deleted", [{ kind: "team", orgId: ORG_ID, teamId: 77 }]],
    ["installation.deleted", [{ kind: "org", orgId: ORG_ID }]],
    ["installation.suspend", [{ kind: "org", orgId: ORG_ID }]],
    ["installation.unsuspend", []],
  ] as const)("maps %s to exactly its invalidations", (event, invalidations) => {
    expect(revocationPlan(event, webhookFixture(event)).invalidations).toEqual(invalidations);
  });

  it("has a fixture for every event it subscribes", () => {
    for (const event of REVOCATION_EVENTS) expect(() => webhookFixture(event)).not.toThrow();
  });

  it("reads a team that arrives as { id, name, deleted: true }", () => {
    const payload = webhookFixture("membership.removed.with-deleted-team");

    expect(revocationPlan("membership.removed", payload).invalidations).toEqual([
      { kind: "team_member", orgId: ORG_ID, teamId: 77, userId: ALICE_ID },
    ]);
  });

  it("forgets the slug of a deleted team", () => {
    const plan = revocationPlan("team.deleted", webhookFixture("team.deleted"));

    expect(plan.forgetTeam).toEqual({ orgId: ORG_ID, slug: "release" });
  });

  it("suspends on installation.suspend and lifts it on installation.unsuspend", () => {
    const suspend = revocationPlan("installation.suspend", webhookFixture("installation.suspend"));
    const lift = revocationPlan("installation.unsuspend", webhookFixture("installation.unsuspend"));

    expect(suspend.suspension).toEqual({ installationId: 7, suspended: true });
    expect(lift.suspension).toEqual({ installationId: 7, suspended: false });
  });

  it("drops the whole org when a removed member's account is gone (user null)", () => {
    const payload = webhookFixture("organization.member_removed");
    payload["membership"] = { ...(payload["membership"] as object), user: null };

    expect(revocationPlan("organization.member_removed", payload).invalidations).toEqual([
      { kind: "org", orgId: ORG_ID },
    ]);
  });

  it("ignores a membership event whose scope is not a team", () => {
    const payload = { ...webhookFixture("membership.removed"), scope: "organization" };

    expect(revocationPlan("membership.removed", payload).invalidations).toEqual([]);
  });

  it.each<RevocationEvent>(["organization.member_removed", "team.deleted", "installation.suspend"])(
    "throws UnreadablePayloadError when a %s payload lacks its ids",
    (event) => {
      expect(() => revocationPlan(event, { action: "x" })).toThrow(UnreadablePayloadError);
    },
  );
});

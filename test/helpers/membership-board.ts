import nock from "nock";

import type { MembershipAnswer } from "../../src/membership/types.js";
import type { ActorRef } from "../../src/membership/types.js";
import type { Services } from "../../src/services.js";
import { ALICE, BOB, ORG, orgMembershipBody } from "./gate-fixture.js";
import { GITHUB, testOctokit } from "./github-client.js";

/** One decision the tests fill and then probe: an actor's org membership or a team's. */
export interface BoardEntry {
  readonly name: string;
  readonly actor: ActorRef;
  readonly team?: { readonly slug: string; readonly id: number };
}

const RELEASE = { slug: "release", id: 77 };
const INFRA = { slug: "infra", id: 88 };

/** Two users, the org and two teams: enough to see what a delivery drops and what it spares. */
export const BOARD: readonly BoardEntry[] = [
  { name: "alice/org", actor: ALICE },
  { name: "alice/release", actor: ALICE, team: RELEASE },
  { name: "alice/infra", actor: ALICE, team: INFRA },
  { name: "bob/org", actor: BOB },
  { name: "bob/release", actor: BOB, team: RELEASE },
];

const github = testOctokit();

/** Expects one GitHub lookup of the entry, answered "active member". */
export function nockMember(entry: BoardEntry): void {
  const { actor, team } = entry;
  if (team === undefined) {
    nock(GITHUB)
      .get(`/orgs/${ORG.login}/memberships/${actor.login}`)
      .reply(200, orgMembershipBody("active", actor));
    return;
  }
  nock(GITHUB)
    .get(`/orgs/${ORG.login}/teams/${team.slug}/memberships/${actor.login}`)
    .reply(200, { state: "active", role: "member" });
}

export function nockTeam(team: { slug: string; id: number }): void {
  nock(GITHUB).get(`/orgs/${ORG.login}/teams/${team.slug}`).reply(200, team);
}

export function decide(services: Services, entry: BoardEntry): Promise<MembershipAnswer> {
  const { actor, team } = entry;
  return team === undefined
    ? services.gate.orgMembership(github, ORG, actor)
    : services.gate.teamMembership(github, ORG, team.slug, actor);
}

/** Asks GitHub once for every entry of the board, so that each is cached as a member. */
export async function fillBoard(services: Services): Promise<void> {
  nockTeam(RELEASE);
  nockTeam(INFRA);
  for (const entry of BOARD) {
    nockMember(entry);
    await decide(services, entry);
  }
}

/** Where each board entry's decision comes from now: "cache", or "github" (expected by nock). */
export async function sources(
  services: Services,
  askedAgain: readonly string[],
): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of BOARD) {
    if (askedAgain.includes(entry.name)) nockMember(entry);
    found[entry.name] = (await decide(services, entry)).source;
  }
  return found;
}

/** The sources `sources` should report when exactly `askedAgain` were dropped. */
export function expectedSources(askedAgain: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    BOARD.map((entry) => [entry.name, askedAgain.includes(entry.name) ? "github" : "cache"]),
  );
}

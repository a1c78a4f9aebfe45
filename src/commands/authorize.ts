import type { CommandConfig } from "./command-config.js";
import type { Verdict } from "./decision.js";
import { decideAccountOwner, decideOrgMembership, decideTeamMemberships } from "./policy.js";
import type { GitHubClient } from "../github/membership-lookup.js";
import type { MembershipGate } from "../membership/membership-gate.js";
import type { ActorRef, AnswerSource, MembershipAnswer, OrgRef } from "../membership/types.js";

/** Who owns the repository: an org (whose membership is asked) or a personal account. */
export type Owner =
  | { readonly kind: "org"; readonly org: OrgRef }
  | { readonly kind: "user"; readonly id: number; readonly login: string };

/**
 * Decides whether `actor` may run `command`: on a personal account, whether they are its owner;
 * in an org, their org membership first (the lookup that checks the user id), then, when the
 * command lists teams, their membership of any of them, asked in order until one admits them.
 */
export async function authorize(
  gate: MembershipGate,
  github: GitHubClient,
  owner: Owner,
  command: CommandConfig,
  actor: ActorRef,
): Promise<Verdict> {
  if (owner.kind === "user")
    return { decision: decideAccountOwner(actor, owner.id), source: "none" };

  const org = await gate.orgMembership(github, owner.org, actor);
  const decision = decideOrgMembership(command, org.membership);
  if (decision.outcome !== "allowed" || command.teams.length === 0) {
    return { decision, source: org.source };
  }

  const teams = await askTeams(gate, github, owner.org, command.teams, actor);
  const memberships = teams.map((answer) => answer.membership);
  return { decision: decideTeamMemberships(memberships), source: sourceOf([org, ...teams]) };
}

async function askTeams(
  gate: MembershipGate,
  github: GitHubClient,
  org: OrgRef,
  teams: readonly string[],
  actor: ActorRef,
): Promise<MembershipAnswer[]> {
  const answers: MembershipAnswer[] = [];
  for (const slug of teams) {
    const answer = await gate.teamMembership(github, org, slug, actor);
    answers.push(answer);
    if (answer.membership.outcome === "member") break;
  }
  return answers;
}

/** "github" when any answer behind the decision was asked of GitHub, else "cache". */
function sourceOf(answers: readonly MembershipAnswer[]): AnswerSource {
  return answers.some((answer) => answer.source === "github") ? "github" : "cache";
}

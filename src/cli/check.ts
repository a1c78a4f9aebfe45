import type { CliEnvironment, CommandResult } from "./cli-environment.js";
import { connectToOrg, userId } from "./installation-client.js";
import { MembershipLookup } from "../github/membership-lookup.js";
import { RateLimitBrake } from "../github/rate-limit-brake.js";
import type { Membership } from "../membership/types.js";

/**
 * `member-gate check ORG USER`: asks GitHub now, with the installation's token, exactly as the app
 * would on a cache miss, and prints the three-way answer. Reads and writes no cache. Exit code 1
 * when GitHub's answer is undecided (the app would deny the command).
 */
export async function check(
  env: CliEnvironment,
  orgLogin: string,
  userLogin: string,
): Promise<CommandResult> {
  const installation = await connectToOrg(env, orgLogin);
  const actor = { login: userLogin, id: await userId(installation, userLogin) };

  const lookup = new MembershipLookup(new RateLimitBrake());
  const membership = await lookup.orgMembership(installation.github, installation.org, actor);

  const who = `${userLogin} (id ${actor.id})`;
  const where = `${orgLogin} (id ${installation.org.orgId})`;
  return {
    exitCode: membership.outcome === "undecided" ? 1 : 0,
    lines: [describe(membership, who, where)],
  };
}

function describe(membership: Membership, who: string, where: string): string {
  switch (membership.outcome) {
    case "member":
      return `member: ${who} is a member of ${where}, role ${membership.role}.`;
    case "not_member":
      return `not a member: ${who} is not a member of ${where} (reason: ${membership.reason}).`;
    case "undecided":
      return (
        `undecided: GitHub could not tell whether ${who} is a member of ${where} ` +
        `(reason: ${membership.reason}: ${membership.detail}). The app denies commands meanwhile.`
      );
  }
}

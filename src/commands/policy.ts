import type { CommandConfig } from "./command-config.js";
import { ALLOWED, denied, type Decision } from "./decision.js";
import type { ActorRef, Membership } from "../membership/types.js";

/**
 * The org part of a command's rule: an active member passes (an admin, when the command is for
 * admins only); a pending invitation and no membership are refused; a lookup that could not tell
 * stays undecided, which runs nothing.
 */
export function decideOrgMembership(command: CommandConfig, membership: Membership): Decision {
  switch (membership.outcome) {
    case "undecided":
      return { outcome: "undecided", reason: membership.reason };
    case "not_member":
      return denied(
        membership.reason === "pending_invitation" ? "pending_invitation" : "not_member",
      );
    case "member":
      return command.adminsOnly && membership.role !== "admin" ? denied("admins_only") : ALLOWED;
  }
}

/**
 * The team part: membership of any listed team passes. Otherwise an undecided lookup makes the
 * whole decision undecided (that team might have admitted the actor); teams that all do not exist
 * point at the configuration; a pending team invitation is named as such.
 */
export function decideTeamMemberships(answers: readonly Membership[]): Decision {
  if (answers.some((answer) => answer.outcome === "member")) return ALLOWED;

  const unknown = answers.find((answer) => answer.outcome === "undecided");
  if (unknown) return { outcome: "undecided", reason: unknown.reason };
  if (answers.length > 0 && answers.every((answer) => isRefused(answer, "team_not_found"))) {
    return denied("team_not_found");
  }
  if (answers.some((answer) => isRefused(answer, "pending_invitation"))) {
    return denied("pending_invitation");
  }
  return denied("not_in_team");
}

/** On a personal account's repository only the account owner is admitted; no lookup is needed. */
export function decideAccountOwner(actor: ActorRef, ownerId: number): Decision {
  return actor.id === ownerId ? ALLOWED : denied("not_account_owner");
}

function isRefused(membership: Membership, reason: string): boolean {
  return membership.outcome === "not_member" && membership.reason === reason;
}

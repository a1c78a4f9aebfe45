import type { AnswerSource, UndecidedReason } from "../membership/types.js";

/** Why a command was refused on a definite answer. */
export type DeniedReason =
  | "not_member"
  | "not_in_team"
  | "pending_invitation"
  | "admins_only"
  | "not_account_owner"
  | "team_not_found"
  | "invalid_arguments";

/** What the gate says about one command; logs, metrics and replies all read the same reason. */
export type Decision =
  | { readonly outcome: "allowed" }
  | { readonly outcome: "denied"; readonly reason: DeniedReason }
  | { readonly outcome: "undecided"; readonly reason: UndecidedReason };

/** A decision and where the membership answer behind it came from. */
export interface Verdict {
  readonly decision: Decision;
  readonly source: AnswerSource;
}

export const ALLOWED: Decision = { outcome: "allowed" };

export function denied(reason: DeniedReason): Decision {
  return { outcome: "denied", reason };
}

/** The reason label of a decision; an allowed command has none. */
export function reasonOf(decision: Decision): string {
  return decision.outcome === "allowed" ? "none" : decision.reason;
}

/** Why a lookup could not decide; none of these is ever cached. */
export type UndecidedReason =
  | "network_error"
  | "timeout"
  | "server_error"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "unexpected_status"
  | "unparseable"
  | "identity_mismatch"
  | "revoked_during_lookup"
  | "installation_suspended";

export type NotMemberReason =
  "not_found" | "pending_invitation" | "not_a_member_role" | "team_not_found";

/** The three answers a membership lookup can give. */
export type Membership =
  | { readonly outcome: "member"; readonly role: string }
  | { readonly outcome: "not_member"; readonly reason: NotMemberReason }
  | {
      readonly outcome: "undecided";
      readonly reason: UndecidedReason;
      readonly status?: number;
      readonly detail: string;
    };

export type UndecidedMembership = Extract<Membership, { outcome: "undecided" }>;

/** A definite answer: the only kind that is ever written to the cache. */
export type DefiniteMembership = Exclude<Membership, { outcome: "undecided" }>;

/** Where an answer came from, for logs and metrics. */
export type AnswerSource = "cache" | "github" | "none";

export interface MembershipAnswer {
  readonly membership: Membership;
  readonly source: AnswerSource;
}

/** The org whose membership is asked, and the installation whose token asks. */
export interface OrgRef {
  readonly installationId: number;
  readonly orgId: number;
  readonly login: string;
}

/** The person asking: the numeric id is the identity, the login only names them in API calls. */
export interface ActorRef {
  readonly id: number;
  readonly login: string;
}

export function undecided(
  reason: UndecidedReason,
  detail: string,
  status?: number,
): UndecidedMembership {
  return status === undefined
    ? { outcome: "undecided", reason, detail }
    : { outcome: "undecided", reason, detail, status };
}

export function isDefinite(membership: Membership): membership is DefiniteMembership {
  return membership.outcome !== "undecided";
}

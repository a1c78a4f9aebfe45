import { z } from "zod";

import type { Invalidation } from "../membership/invalidation.js";

/** Every webhook event member-gate acts on, as `event.action`. */
export const REVOCATION_EVENTS = [
  "organization.member_removed",
  "organization.member_added",
  "organization.member_invited",
  "organization.renamed",
  "organization.deleted",
  "membership.added",
  "membership.removed",
  "team.deleted",
  "installation.deleted",
  "installation.suspend",
  "installation.unsuspend",
] as const;

export type RevocationEvent = (typeof REVOCATION_EVENTS)[number];

/** What one delivery asks of the cache. Nothing here ever grants: it only forgets or blocks. */
export interface RevocationPlan {
  readonly invalidations: readonly Invalidation[];
  /** The installation's suspension flag to write before the invalidations. */
  readonly suspension?: { readonly installationId: number; readonly suspended: boolean };
  /** A team slug whose cached id must be forgotten. */
  readonly forgetTeam?: { readonly orgId: number; readonly slug: string };
}

/** A delivery whose payload lacks the ids its event always carries; nothing was invalidated. */
export class UnreadablePayloadError extends Error {
  override readonly name = "UnreadablePayloadError";

  constructor(event: string, cause: unknown) {
    super(
      `The ${event} payload lacks the ids member-gate needs, so nothing was invalidated. ` +
        "Check that the delivery comes from GitHub and that the app's webhook secret is right.",
      { cause },
    );
  }
}

const id = z.number().int().positive();
const account = z.object({ id });
/** GitHub sends `null` for a user it can no longer describe (a deleted account). */
const user = z.object({ id }).nullish();

const orgMembership = z.object({
  organization: account,
  membership: z.object({ user }).optional(),
});
const teamMembership = z.object({
  scope: z.string(),
  organization: account,
  member: user,
  team: z.object({ id }),
});
const teamDeleted = z.object({
  organization: account,
  team: z.object({ id, slug: z.string().optional() }),
});
const orgOnly = z.object({ organization: account });
const installation = z.object({ installation: z.object({ id, account }) });

const NOTHING: RevocationPlan = { invalidations: [] };

/**
 * Maps one delivery to what it drops from the cache. Pure: no store, no network. Throws
 * {@link UnreadablePayloadError} when the payload lacks the ids its event always carries.
 */
export function revocationPlan(event: RevocationEvent, payload: unknown): RevocationPlan {
  try {
    return planFor(event, payload);
  } catch (error) {
    throw new UnreadablePayloadError(event, error);
  }
}

function planFor(event: RevocationEvent, payload: unknown): RevocationPlan {
  switch (event) {
    case "organization.member_removed":
    case "organization.member_added":
      return orgMemberPlan(orgMembership.parse(payload));
    case "organization.member_invited":
    case "organization.renamed":
      return NOTHING;
    case "organization.deleted":
      return { invalidations: [{ kind: "org", orgId: orgOnly.parse(payload).organization.id }] };
    case "membership.added":
    case "membership.removed":
      return teamMemberPlan(teamMembership.parse(payload));
    case "team.deleted":
      return teamDeletedPlan(teamDeleted.parse(payload));
    case "installation.deleted":
    case "installation.suspend":
    case "installation.unsuspend":
      return installationPlan(event, installation.parse(payload).installation);
  }
}

/**
 * The user's org generation: it kills the org entry and every team entry of that user in the org.
 * Without a user id (deleted account), the whole org is dropped rather than guessing.
 */
function orgMemberPlan(payload: z.infer<typeof orgMembership>): RevocationPlan {
  const orgId = payload.organization.id;
  const userId = payload.membership?.user?.id;
  if (userId === undefined) return { invalidations: [{ kind: "org", orgId }] };
  return { invalidations: [{ kind: "org_member", orgId, userId }] };
}

function teamMemberPlan(payload: z.infer<typeof teamMembership>): RevocationPlan {
  if (payload.scope !== "team") return NOTHING;

  const orgId = payload.organization.id;
  const teamId = payload.team.id;
  const userId = payload.member?.id;
  if (userId === undefined) return { invalidations: [{ kind: "team", orgId, teamId }] };
  return { invalidations: [{ kind: "team_member", orgId, teamId, userId }] };
}

function teamDeletedPlan(payload: z.infer<typeof teamDeleted>): RevocationPlan {
  const orgId = payload.organization.id;
  const invalidations = [{ kind: "team", orgId, teamId: payload.team.id } as const];
  const slug = payload.team.slug;
  return slug === undefined ? { invalidations } : { invalidations, forgetTeam: { orgId, slug } };
}

/** For installation events the org is the account the app is installed on. */
function installationPlan(
  event: "installation.deleted" | "installation.suspend" | "installation.unsuspend",
  target: { id: number; account: { id: number } },
): RevocationPlan {
  const org = { kind: "org", orgId: target.account.id } as const;
  switch (event) {
    case "installation.deleted":
      return { invalidations: [org] };
    case "installation.suspend":
      return { invalidations: [org], suspension: { installationId: target.id, suspended: true } };
    case "installation.unsuspend":
      return { invalidations: [], suspension: { installationId: target.id, suspended: false } };
  }
}

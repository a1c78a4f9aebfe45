import type { ProbotOctokit } from "probot";

import { classifyFailure, failureHeaders } from "./classify-failure.js";
import type { RateLimitBrake } from "./rate-limit-brake.js";
import {
  undecided,
  type ActorRef,
  type Membership,
  type OrgRef,
  type UndecidedMembership,
} from "../membership/types.js";

export type GitHubClient = Pick<InstanceType<typeof ProbotOctokit>, "request">;

export type TeamResolution =
  | { readonly outcome: "found"; readonly id: number }
  | { readonly outcome: "missing" }
  | UndecidedMembership;

interface Answer {
  readonly status: number;
  readonly data: unknown;
}

/** Asks GitHub with the installation's token; never throws. */
export class MembershipLookup {
  constructor(private readonly brake: RateLimitBrake) {}

  /**
   * `GET /orgs/{org}/memberships/{username}`: 200 `active` is a member (with its role); 404 and
   * 200 `pending` are not; a 200 about another user id (the login changed hands) and anything else
   * is undecided.
   */
  async orgMembership(github: GitHubClient, org: OrgRef, actor: ActorRef): Promise<Membership> {
    return this.#ask(org, async () => {
      const answer = await github.request("GET /orgs/{org}/memberships/{username}", {
        org: org.login,
        username: actor.login,
      });
      return readOrgMembership(answer, actor.id);
    });
  }

  /**
   * `GET /orgs/{org}/teams/{team_slug}/memberships/{username}`: 200 `active` is a member; 404 and
   * 200 `pending` are not; anything else is undecided.
   */
  async teamMembership(
    github: GitHubClient,
    org: OrgRef,
    teamSlug: string,
    actor: ActorRef,
  ): Promise<Membership> {
    return this.#ask(org, async () => {
      const answer = await github.request(
        "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
        {
          org: org.login,
          team_slug: teamSlug,
          username: actor.login,
        },
      );
      return readTeamMembership(answer);
    });
  }

  /** `GET /orgs/{org}/teams/{team_slug}`: the team's numeric id, or that no such team exists. */
  async team(github: GitHubClient, org: OrgRef, teamSlug: string): Promise<TeamResolution> {
    const held = this.#held(org);
    if (held) return held;
    try {
      const answer = await github.request("GET /orgs/{org}/teams/{team_slug}", {
        org: org.login,
        team_slug: teamSlug,
      });
      const id = field(answer.data, "id");
      if (answer.status !== 200) return unexpected(answer);
      return typeof id === "number" ? { outcome: "found", id } : unparseable(answer);
    } catch (error) {
      if (statusOf(error) === 404) return { outcome: "missing" };
      return this.#failed(org, error);
    }
  }

  async #ask(org: OrgRef, request: () => Promise<Membership>): Promise<Membership> {
    const held = this.#held(org);
    if (held) return held;
    try {
      return await request();
    } catch (error) {
      if (statusOf(error) === 404) return { outcome: "not_member", reason: "not_found" };
      return this.#failed(org, error);
    }
  }

  #held(org: OrgRef): UndecidedMembership | undefined {
    const until = this.brake.heldUntil(org.installationId);
    if (until === undefined) return undefined;
    const detail = `lookups for this installation are held until ${new Date(until).toISOString()}`;
    return undecided("rate_limited", detail);
  }

  #failed(org: OrgRef, error: unknown): UndecidedMembership {
    const failure = classifyFailure(error);
    const headers = failureHeaders(error);
    if (failure.reason === "rate_limited" && headers) {
      this.brake.noteHeaders(org.installationId, headers);
    }
    return failure;
  }
}

function readOrgMembership(answer: Answer, actorId: number): Membership {
  if (answer.status !== 200) return unexpected(answer);

  const state = field(answer.data, "state");
  const role = field(answer.data, "role");
  const userId = field(field(answer.data, "user"), "id");
  if (typeof role !== "string" || typeof userId !== "number") return unparseable(answer);
  if (userId !== actorId) {
    return undecided("identity_mismatch", "the login now belongs to another account", 200);
  }
  if (state === "pending") return { outcome: "not_member", reason: "pending_invitation" };
  if (state !== "active") return unparseable(answer);
  if (role !== "admin" && role !== "member")
    return { outcome: "not_member", reason: "not_a_member_role" };
  return { outcome: "member", role };
}

function readTeamMembership(answer: Answer): Membership {
  if (answer.status !== 200) return unexpected(answer);

  const state = field(answer.data, "state");
  const role = field(answer.data, "role");
  if (state === "pending") return { outcome: "not_member", reason: "pending_invitation" };
  if (state !== "active" || typeof role !== "string") return unparseable(answer);
  return { outcome: "member", role };
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, name) : undefined;
}

function statusOf(error: unknown): number | undefined {
  const status = field(error, "status");
  const hasResponse = field(error, "response") !== undefined;
  return typeof status === "number" && hasResponse ? status : undefined;
}

function unexpected(answer: Answer): UndecidedMembership {
  return undecided("unexpected_status", `GitHub answered ${answer.status}`, answer.status);
}

function unparseable(answer: Answer): UndecidedMembership {
  return undecided("unparseable", "GitHub's answer did not have the expected shape", answer.status);
}

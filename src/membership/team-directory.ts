import type { Logger } from "probot";

import { KEY_PREFIX, type GateStore } from "../cache/gate-store.js";
import type {
  GitHubClient,
  MembershipLookup,
  TeamResolution,
} from "../github/membership-lookup.js";
import type { OrgRef } from "./types.js";

export function teamSlugKey(orgId: number, slug: string): string {
  return `${KEY_PREFIX}team:o${orgId}:${slug.toLowerCase()}`;
}

/**
 * Turns a team slug from the configuration into the team's numeric id, which keys its membership
 * entries and matches the id in team webhooks. Found ids are cached; a missing team is not.
 */
export class TeamDirectory {
  constructor(
    private readonly store: GateStore,
    private readonly lookup: MembershipLookup,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {}

  async resolve(github: GitHubClient, org: OrgRef, slug: string): Promise<TeamResolution> {
    const key = teamSlugKey(org.orgId, slug);
    const cached = await this.#read(key);
    if (cached !== undefined) return { outcome: "found", id: cached };

    const team = await this.lookup.team(github, org, slug);
    if (team.outcome === "found") {
      await this.store.set(key, team.id, this.ttlMs).catch((error: unknown) => {
        this.log.warn({ err: error, key }, "team id not cached");
      });
    }
    return team;
  }

  /** Forgets a slug, after the team was renamed or deleted. */
  async forget(orgId: number, slug: string): Promise<void> {
    await this.store.delete([teamSlugKey(orgId, slug)]);
  }

  async #read(key: string): Promise<number | undefined> {
    try {
      const [id] = await this.store.getMany([key]);
      return typeof id === "number" ? id : undefined;
    } catch (error) {
      this.log.warn({ err: error, key }, "team id cache unreadable; asking GitHub");
      return undefined;
    }
  }
}

import type { Logger } from "probot";

import type { Revocations } from "./revocations.js";
import { SingleFlight } from "./single-flight.js";
import type { TeamDirectory } from "./team-directory.js";
import {
  isDefinite,
  undecided,
  type ActorRef,
  type Membership,
  type MembershipAnswer,
  type OrgRef,
} from "./types.js";
import {
  entryKey,
  sameGenerations,
  type CacheSnapshot,
  type MembershipCache,
  type MembershipScope,
} from "../cache/membership-cache.js";
import type { GitHubClient, MembershipLookup } from "../github/membership-lookup.js";
import type { GateMetrics } from "../metrics/gate-metrics.js";

export interface GateParts {
  readonly metrics: GateMetrics;
  readonly cache: MembershipCache;
  readonly lookup: MembershipLookup;
  readonly teams: TeamDirectory;
  readonly revocations: Revocations;
  readonly log: Logger;
}

interface FlightResult {
  readonly membership: Membership;
  /** An invalidation of the scope landed while GitHub was being asked. */
  readonly stale: boolean;
  /** The generations a definite answer was checked against; absent if the store could not tell. */
  readonly generations?: readonly string[];
}

const ATTEMPTS = 2;

/**
 * Answers "is this actor a member?" from the cache when it holds a valid answer, otherwise from
 * GitHub through one shared request per scope. Only definite answers are written, and only when no
 * invalidation of the scope happened while GitHub was asked.
 */
export class MembershipGate {
  readonly #flights = new SingleFlight<FlightResult>();
  readonly #metrics: GateMetrics;
  readonly #cache: MembershipCache;
  readonly #lookup: MembershipLookup;
  readonly #teams: TeamDirectory;
  readonly #revocations: Revocations;
  readonly #log: Logger;

  constructor(parts: GateParts) {
    this.#metrics = parts.metrics;
    this.#cache = parts.cache;
    this.#lookup = parts.lookup;
    this.#teams = parts.teams;
    this.#revocations = parts.revocations;
    this.#log = parts.log;
  }

  /** Is the actor an active member of the org? */
  orgMembership(github: GitHubClient, org: OrgRef, actor: ActorRef): Promise<MembershipAnswer> {
    const scope = orgScope(org, actor);
    return this.#answer(scope, () =>
      this.#timed("org", () => this.#lookup.orgMembership(github, org, actor)),
    );
  }

  /** Is the actor an active member of the org's team `teamSlug`? */
  async teamMembership(
    github: GitHubClient,
    org: OrgRef,
    teamSlug: string,
    actor: ActorRef,
  ): Promise<MembershipAnswer> {
    const team = await this.#teams.resolve(github, org, teamSlug);
    if (team.outcome === "undecided") return { membership: team, source: "github" };
    if (team.outcome === "missing") {
      return { membership: { outcome: "not_member", reason: "team_not_found" }, source: "github" };
    }

    const scope = { ...orgScope(org, actor), teamId: team.id };
    const ask = () => this.#lookup.teamMembership(github, org, teamSlug, actor);
    return this.#answer(scope, () => this.#timed("team", ask));
  }

  async #answer(scope: MembershipScope, ask: () => Promise<Membership>): Promise<MembershipAnswer> {
    await this.#revocations.replay(scope.orgId);
    const snapshot = await this.#read(scope);
    if (snapshot?.suspended) {
      const membership = undecided("installation_suspended", "the installation is suspended");
      return { membership, source: "cache" };
    }
    const cached = this.#usable(scope, snapshot);
    this.#metrics.cacheReads.inc({
      result: snapshot === undefined ? "error" : cached ? "hit" : "miss",
    });
    if (cached) return { membership: cached, source: "cache" };

    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      let led = false;
      const result = await this.#flights.run(entryKey(scope), () => {
        led = true;
        return this.#lookUp(scope, ask);
      });
      const fresh = !result.stale && (led || coversJoiner(snapshot, result));
      if (fresh) return { membership: result.membership, source: "github" };
      this.#log.info({ key: entryKey(scope), attempt }, "lookup overtaken by an invalidation");
    }
    const detail = "membership changed while it was being checked";
    return { membership: undecided("revoked_during_lookup", detail), source: "github" };
  }

  /** A cached answer, unless a failed invalidation of the org makes "member" untrustworthy. */
  #usable(scope: MembershipScope, snapshot: CacheSnapshot | undefined): Membership | undefined {
    const entry = snapshot?.entry;
    if (entry?.outcome === "member" && this.#revocations.isDistrusted(scope.orgId))
      return undefined;
    return entry;
  }

  async #read(scope: MembershipScope): Promise<CacheSnapshot | undefined> {
    try {
      return await this.#cache.read(scope);
    } catch (error) {
      this.#log.warn({ err: error, key: entryKey(scope) }, "cache read failed; asking GitHub");
      return undefined;
    }
  }

  /**
   * One request to GitHub, bracketed by two reads of the scope's generations. If they differ, an
   * invalidation landed meanwhile: nothing is written and the answer is reported stale. If the
   * first read failed, freshness can only be vouched for when the store is still unreachable
   * (then no invalidation can have been acknowledged either).
   */
  async #lookUp(scope: MembershipScope, ask: () => Promise<Membership>): Promise<FlightResult> {
    const before = await this.#generations(scope);
    const membership = await ask();
    if (!isDefinite(membership)) return { membership, stale: false };

    const after = await this.#generations(scope);
    if (before === undefined) return { membership, stale: after !== undefined };
    if (after === undefined || !sameGenerations(before, after)) return { membership, stale: true };

    await this.#cache.write(scope, membership, after);
    return { membership, stale: false, generations: after };
  }

  async #timed(kind: "org" | "team", ask: () => Promise<Membership>): Promise<Membership> {
    const stop = this.#metrics.lookupSeconds.startTimer({ kind });
    const membership = await ask();
    stop();
    this.#metrics.githubLookups.inc({ kind, outcome: membership.outcome });
    if (membership.outcome === "undecided") {
      this.#metrics.undecidedLookups.inc({ reason: membership.reason });
      this.#log.warn(
        { kind, reason: membership.reason, status: membership.status },
        "lookup undecided",
      );
    }
    return membership;
  }

  async #generations(scope: MembershipScope): Promise<string[] | undefined> {
    try {
      return await this.#cache.generations(scope);
    } catch (error) {
      this.#log.warn({ err: error, key: entryKey(scope) }, "cache generations unreadable");
      return undefined;
    }
  }
}

/**
 * A command that joined a flight started earlier may only take its answer if no invalidation
 * landed between the flight's check and the command's own cache read: the generations it read
 * must be those the answer was checked against. Otherwise it looks up again.
 */
function coversJoiner(snapshot: CacheSnapshot | undefined, result: FlightResult): boolean {
  if (!isDefinite(result.membership)) return true;
  if (snapshot === undefined || result.generations === undefined) {
    return snapshot === undefined && result.generations === undefined;
  }
  return sameGenerations(snapshot.generations, result.generations);
}

function orgScope(org: OrgRef, actor: ActorRef): MembershipScope {
  return { installationId: org.installationId, orgId: org.orgId, userId: actor.id };
}

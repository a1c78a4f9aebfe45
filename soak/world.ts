import { GitHubStub, type StubReply, type StubRequest } from "../test/helpers/github-stub.js";

/** A GitHub fault on membership lookups; `rate_limit` hits one installation, the others go on. */
export type GitHubFault = "none" | "server_error" | "slow" | "rate_limit";

/** What the stub answered to one membership lookup, as the soak counts it. */
export type LookupAnswer = "member" | "not_member" | "5xx" | "slow" | "rate_limited";

/** One membership lookup the stub answered. */
export interface StubLookup {
  readonly kind: "org" | "team" | "team_id";
  readonly org: number;
  /** Undefined for the team's id (`GET /orgs/{org}/teams/{slug}`). */
  readonly user: number | undefined;
  readonly answer: LookupAnswer;
}

export const ORGS = 2;
export const USERS = 200;
/** Users below this index start as org members; below TEAM_MEMBERS, also in the release team. */
const ORG_MEMBERS = 150;
const TEAM_MEMBERS = 50;
export const TEAM = { slug: "release", id: 77 };
/** The installation a primary rate limit hits (GitHub counts per installation). */
export const RATE_LIMITED_ORG = 1;

export const orgLogin = (org: number) => `soak-org-${org}`;
export const orgId = (org: number) => 200 + org;
export const userLogin = (user: number) => `user-${user}`;
export const userId = (user: number) => 5_000 + user;
const userIndex = (login: string | undefined) => Number(login?.split("-")[1]);
const orgIndex = (login: string | undefined) => Number(login?.split("-")[2]);

/** `/deploy` for any org member; `/release` also needs the release team. */
const CONFIG =
  "commands:\n  - name: deploy\n  - name: release\n    teams: [release]\n    event_type: release\n";

/**
 * The soak's GitHub: who is in each org and in its release team (changed by the traffic, like an
 * admin would), the fault in force for membership lookups, and what the app asked and wrote.
 */
export class SoakWorld {
  fault: GitHubFault = "none";
  /** When the rate limit in force resets (ms since the epoch). */
  rateLimitResetAt = 0;
  readonly #orgMembers = new Map<number, Set<number>>();
  readonly #teamMembers = new Map<number, Set<number>>();
  readonly answers = new Map<string, number>();
  dispatches = 0;
  /** Called for every membership lookup the stub answers. */
  onLookup: (lookup: StubLookup) => void = () => undefined;
  /** Called for every dispatch the app sends, with the comment it was for. */
  onDispatch: (commentId: number, eventType: string) => void = () => undefined;

  private constructor(
    readonly stub: GitHubStub,
    private readonly slowMs: number,
  ) {
    for (let org = 1; org <= ORGS; org += 1) {
      this.#orgMembers.set(org, new Set(range(ORG_MEMBERS)));
      this.#teamMembers.set(org, new Set(range(TEAM_MEMBERS)));
    }
  }

  /** Starts the stub; a "slow" fault answers `slowMs` late. */
  static async start(slowMs: number): Promise<SoakWorld> {
    const world = new SoakWorld(await GitHubStub.start({ record: false }), slowMs);
    world.#route();
    return world;
  }

  isOrgMember(org: number, user: number): boolean {
    return this.#orgMembers.get(org)?.has(user) ?? false;
  }

  /** Leaving the org also leaves its teams, as on GitHub. */
  setOrgMember(org: number, user: number, member: boolean): void {
    const members = this.#orgMembers.get(org);
    if (member) members?.add(user);
    else members?.delete(user);
    if (!member) this.setTeamMember(org, user, false);
  }

  isTeamMember(org: number, user: number): boolean {
    return this.#teamMembers.get(org)?.has(user) ?? false;
  }

  setTeamMember(org: number, user: number, member: boolean): void {
    const members = this.#teamMembers.get(org);
    if (member) members?.add(user);
    else members?.delete(user);
  }

  async close(): Promise<void> {
    await this.stub.close();
  }

  #route(): void {
    const token = {
      token: "ghs_soak_installation_token",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { members: "read", issues: "write", contents: "write" },
    };
    this.stub
      .on("POST", "/app/installations/:id/access_tokens", { status: 201, body: token })
      .on("GET", "/app/hook/deliveries", { status: 200, body: [] })
      .on("GET", "/repos/:owner/:repo/contents/:path", {
        status: 200,
        body: CONFIG,
        headers: { "content-type": "text/plain; charset=utf-8" },
      })
      .on("GET", "/orgs/:org/memberships/:user", (_r, p) => this.#orgMembership(p))
      .on("GET", "/orgs/:org/teams/:slug", (_r, p) => this.#team(p))
      .on("GET", "/orgs/:org/teams/:slug/memberships/:user", (_r, p) => this.#teamMembership(p))
      .on("GET", "/repos/:owner/:repo/pulls/:number", (_r, p) => pullRequest(p))
      .on("POST", "/repos/:owner/:repo/dispatches", (request) => this.#dispatch(request))
      .on("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", { status: 201, body: {} })
      .on("POST", "/repos/:owner/:repo/issues/:number/comments", { status: 201, body: { id: 2 } });
  }

  #orgMembership(params: Readonly<Record<string, string>>): StubReply {
    const org = orgIndex(params["org"]);
    const user = userIndex(params["user"]);
    if (!this.isOrgMember(org, user)) {
      return this.#answer({ kind: "org", org, user }, { status: 404, body: NOT_FOUND });
    }
    const body = {
      state: "active",
      role: "member",
      user: { login: params["user"], id: userId(user) },
    };
    return this.#answer({ kind: "org", org, user }, { status: 200, body });
  }

  #team(params: Readonly<Record<string, string>>): StubReply {
    const org = orgIndex(params["org"]);
    return this.#answer({ kind: "team_id", org, user: undefined }, { status: 200, body: TEAM });
  }

  #teamMembership(params: Readonly<Record<string, string>>): StubReply {
    const org = orgIndex(params["org"]);
    const user = userIndex(params["user"]);
    const reply = this.isTeamMember(org, user)
      ? { status: 200, body: { state: "active", role: "member" } }
      : { status: 404, body: NOT_FOUND };
    return this.#answer({ kind: "team", org, user }, reply);
  }

  /** The reply under the fault in force, counted and reported. */
  #answer(asked: Omit<StubLookup, "answer">, reply: StubReply): StubReply {
    const [answer, faulty] = this.#faulty(asked.org, reply);
    this.answers.set(answer, (this.answers.get(answer) ?? 0) + 1);
    this.onLookup({ ...asked, answer });
    return faulty;
  }

  #faulty(org: number, reply: StubReply): [LookupAnswer, StubReply] {
    const definite = reply.status === 200 ? "member" : "not_member";
    switch (this.fault) {
      case "none":
        return [definite, reply];
      case "server_error":
        return ["5xx", { status: 503, body: { message: "Service Unavailable" } }];
      case "slow":
        return ["slow", { ...reply, delayMs: this.slowMs }];
      case "rate_limit":
        if (org !== RATE_LIMITED_ORG) return [definite, reply];
        return ["rate_limited", rateLimited(this.rateLimitResetAt)];
    }
  }

  #dispatch(request: StubRequest): StubReply {
    const dispatch = JSON.parse(request.body) as {
      event_type: string;
      client_payload: { comment: { id: number } };
    };
    this.dispatches += 1;
    this.onDispatch(dispatch.client_payload.comment.id, dispatch.event_type);
    return { status: 204 };
  }
}

const NOT_FOUND = { message: "Not Found" };

/** A primary rate limit as GitHub sends it: 403, nothing remaining, and when it resets. */
function rateLimited(resetAt: number): StubReply {
  return {
    status: 403,
    body: { message: "API rate limit exceeded for installation." },
    headers: {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.ceil(resetAt / 1000)),
    },
  };
}

function pullRequest(params: Readonly<Record<string, string>>): StubReply {
  const head = { sha: "0".repeat(40), ref: "feature", repo: { full_name: `${params["owner"]}/f` } };
  return { status: 200, body: { number: Number(params["number"]), head, base: { ref: "main" } } };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

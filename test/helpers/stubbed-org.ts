import type { ActorRef } from "../../src/membership/types.js";
import {
  API,
  GitHubStub,
  serveInstallation,
  type StubOrg,
  type StubReply,
  type StubRequest,
} from "./github-stub.js";
import { webhookFixture } from "./webhook-delivery.js";

/** The org of the fixtures: acme (1001), installation 7, repository widgets (2001). */
export const ACME: StubOrg = { login: "acme", id: 1001, installationId: 7 };

export const DEPLOY_YAML = "commands:\n  - name: deploy\n";

/** A repository a comment is written in. */
export interface StubRepo {
  readonly owner: StubOrg;
  readonly name: string;
  readonly id: number;
}

export const WIDGETS: StubRepo = { owner: ACME, name: "widgets", id: 2001 };

interface Standing {
  readonly state: "active" | "pending";
  readonly role: "member" | "admin";
  readonly id: number;
}

/** One comment as posted: its id and the pull request it is on, to find what the app did. */
export interface PostedComment {
  readonly commentId: number;
  readonly issueNumber: number;
  readonly repo: StubRepo;
}

/** What the app did at GitHub in answer to one comment. */
export interface CommentEffects {
  readonly dispatches: number;
  readonly reactions: readonly string[];
  /** The reply's text, or "" when there was none. */
  readonly reply: string;
}

/** A delivery as `GET /app/hook/deliveries` lists it, with the payload to send again. */
export interface HookDelivery {
  readonly id: number;
  readonly guid: string;
  readonly event: string;
  readonly action: string;
  readonly statusCode: number;
  readonly deliveredAt: string;
  readonly payload: unknown;
}

export interface CommentOptions {
  readonly actor?: ActorRef;
  readonly repo?: StubRepo;
  /** The delivery's installation id; `null` leaves the field out. Default: the repo owner's. */
  readonly installation?: number | null;
}

const CONFIG_FILE = ".github%2Fmember-gate.yml";
let comments = 0;

/**
 * The GitHub stub dressed as one or more orgs: members, repositories with their
 * `.github/member-gate.yml`, pull requests, and the writes the app makes (dispatches, reactions,
 * replies), recorded so that a test can tell what a delivery led to. Lookups answer from the
 * members set here; a fault queued for a login answers its next lookups first.
 */
export class StubbedOrg {
  readonly #members = new Map<string, Standing>();
  readonly #faults = new Map<string, StubReply[]>();
  readonly #configs = new Map<string, string>();
  readonly #teams = new Map<string, { readonly id: number; readonly members: Set<string> }>();

  readonly #deliveries: HookDelivery[] = [];
  /** Called when the app asks GitHub to redeliver a delivery; default: nothing happens. */
  onRedeliver: (delivery: HookDelivery) => void = () => undefined;

  private constructor(readonly stub: GitHubStub) {}

  static async start(orgs: readonly StubOrg[] = [ACME]): Promise<StubbedOrg> {
    const stubbed = new StubbedOrg(await GitHubStub.start());
    for (const org of orgs) {
      serveInstallation(stubbed.stub, org);
      stubbed.setConfig({ owner: org, name: WIDGETS.name, id: WIDGETS.id }, DEPLOY_YAML);
    }
    stubbed.#route();
    return stubbed;
  }

  addMember(
    person: ActorRef,
    role: Standing["role"] = "member",
    state: Standing["state"] = "active",
  ) {
    this.#members.set(person.login, { id: person.id, role, state });
  }

  removeMember(person: ActorRef): void {
    this.#members.delete(person.login);
  }

  /** The next lookups of `person` (org or team) get these replies, one each, in order. */
  failLookups(person: ActorRef, ...replies: StubReply[]): void {
    this.#faults.set(person.login, [...(this.#faults.get(person.login) ?? []), ...replies]);
  }

  /** Serves `yaml` as the repository's configuration file; `undefined` removes it. */
  setConfig(repo: StubRepo, yaml: string | undefined): void {
    const key = `${repo.owner.login}/${repo.name}`;
    if (yaml === undefined) this.#configs.delete(key);
    else this.#configs.set(key, yaml);
  }

  addTeam(slug: string, id: number, members: readonly ActorRef[]): void {
    this.#teams.set(slug, { id, members: new Set(members.map((member) => member.login)) });
  }

  /** A fresh `issue_comment.created` payload by `actor` on its own pull request. */
  comment(body: string, options: CommentOptions = {}): { payload: unknown; posted: PostedComment } {
    comments += 1;
    const repo = options.repo ?? WIDGETS;
    const actor = options.actor ?? { id: 501, login: "alice" };
    const posted = { commentId: 900_000_000 + comments, issueNumber: 1000 + comments, repo };
    return { payload: commentPayload(body, actor, posted, options.installation), posted };
  }

  /** Lists a delivery, as sent and answered, among the app's deliveries (newest first). */
  recordDelivery(delivery: Omit<HookDelivery, "id" | "deliveredAt">): void {
    const id = 70_000 + this.#deliveries.length;
    this.#deliveries.unshift({ ...delivery, id, deliveredAt: new Date().toISOString() });
  }

  /** Requests to redeliver a delivery that the app sent. */
  redeliveryRequests(): number {
    return this.stub.requests.filter((r) => r.method === "POST" && r.path.endsWith("/attempts"))
      .length;
  }

  /** A `push` to the default branch of `repo`, as when its configuration file is changed. */
  push(repo: StubRepo): unknown {
    const payload = webhookFixture("push");
    const { owner, name, id } = repo;
    const repository = payload["repository"] as Record<string, unknown>;
    Object.assign(repository, {
      id,
      name,
      full_name: `${owner.login}/${name}`,
      owner: { ...(repository["owner"] as object), login: owner.login, id: owner.id },
    });
    return { ...payload, installation: { id: owner.installationId } };
  }

  /** Membership lookups (org and team) the app sent for `person`, or for anyone. */
  lookups(person?: ActorRef): number {
    const login = person ? escape(person.login) : "[^/]+";
    const path = new RegExp(`^${API}/orgs/[^/]+/(teams/[^/]+/)?memberships/${login}$`);
    return this.stub.requests.filter((r) => r.method === "GET" && path.test(r.path)).length;
  }

  /** Every `repository_dispatch` the app sent. */
  dispatches(): StubRequest[] {
    return this.stub.requests.filter((r) => r.method === "POST" && r.path.endsWith("/dispatches"));
  }

  /** Reads of configuration files. */
  configReads(): number {
    return this.stub.requests.filter((r) => r.path.endsWith(`/contents/${CONFIG_FILE}`)).length;
  }

  effectsOf(posted: PostedComment): CommentEffects {
    return this.effectsOfMany([posted])[0]!;
  }

  /** What the app did for each comment, reading the recorded requests once. */
  effectsOfMany(posted: readonly PostedComment[]): CommentEffects[] {
    const posts = new Map<string, string[]>();
    const dispatched = new Map<number, number>();
    for (const request of this.stub.requests.filter((r) => r.method === "POST")) {
      posts.set(request.path, [...(posts.get(request.path) ?? []), request.body]);
      if (!request.path.endsWith("/dispatches")) continue;
      const sent = JSON.parse(request.body) as { client_payload: { comment: { id: number } } };
      const id = sent.client_payload.comment.id;
      dispatched.set(id, (dispatched.get(id) ?? 0) + 1);
    }
    return posted.map(({ repo, commentId, issueNumber }) => {
      const base = `${API}/repos/${repo.owner.login}/${repo.name}`;
      const reactions = posts.get(`${base}/issues/comments/${commentId}/reactions`) ?? [];
      const [reply] = posts.get(`${base}/issues/${issueNumber}/comments`) ?? [];
      return {
        dispatches: dispatched.get(commentId) ?? 0,
        reactions: reactions.map((body) => (JSON.parse(body) as { content: string }).content),
        reply: reply ? (JSON.parse(reply) as { body: string }).body : "",
      };
    });
  }

  close(): Promise<void> {
    return this.stub.close();
  }

  #route(): void {
    this.stub
      .on("GET", `/repos/:owner/:repo/contents/:path`, (_, { owner, repo, path }) => {
        const yaml = path === CONFIG_FILE ? this.#configs.get(`${owner}/${repo}`) : undefined;
        if (yaml === undefined) return { status: 404, body: { message: "Not Found" } };
        return {
          status: 200,
          body: yaml,
          headers: { "content-type": "text/plain; charset=utf-8" },
        };
      })
      .on("GET", "/orgs/:org/memberships/:user", (_, { org, user }) =>
        this.#orgMembership(org, user),
      )
      .on("GET", "/orgs/:org/teams/:slug", (_, { slug }) => {
        const team = this.#teams.get(slug ?? "");
        return team ? { status: 200, body: { id: team.id, slug } } : NOT_FOUND;
      })
      .on("GET", "/orgs/:org/teams/:slug/memberships/:user", (_, { slug, user }) =>
        this.#teamMembership(slug ?? "", user ?? ""),
      )
      .on("GET", "/repos/:owner/:repo/pulls/:number", (_, { number }) => pullRequest(number ?? ""))
      .on("POST", "/repos/:owner/:repo/dispatches", { status: 204 })
      .on("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", CREATED)
      .on("POST", "/repos/:owner/:repo/issues/:number/comments", CREATED)
      .on("GET", "/app/hook/deliveries", () => ({
        status: 200,
        body: this.#deliveries.map((delivery) => ({
          id: delivery.id,
          guid: delivery.guid,
          delivered_at: delivery.deliveredAt,
          status_code: delivery.statusCode,
          event: delivery.event,
          action: delivery.action,
        })),
      }))
      .on("POST", "/app/hook/deliveries/:id/attempts", (_, { id }) => {
        const delivery = this.#deliveries.find((each) => String(each.id) === id);
        if (delivery) setImmediate(() => this.onRedeliver(delivery));
        return delivery ? { status: 202, body: {} } : NOT_FOUND;
      });
  }

  #fault(login: string): StubReply | undefined {
    return this.#faults.get(login)?.shift();
  }

  #orgMembership(org = "", login = ""): StubReply {
    const fault = this.#fault(login);
    if (fault) return fault;
    const standing = this.#members.get(login);
    if (!standing) return NOT_FOUND;
    const { state, role, id } = standing;
    return {
      status: 200,
      body: { state, role, user: { id, login }, organization: { login: org } },
    };
  }

  #teamMembership(slug: string, login: string): StubReply {
    const fault = this.#fault(login);
    if (fault) return fault;
    const isMember = this.#teams.get(slug)?.members.has(login) ?? false;
    return isMember ? { status: 200, body: { state: "active", role: "member" } } : NOT_FOUND;
  }
}

const NOT_FOUND: StubReply = { status: 404, body: { message: "Not Found" } };
const CREATED: StubReply = { status: 201, body: {} };

function pullRequest(number: string): StubReply {
  const head = { sha: "6dcb09b5b57875f334f61aebed695e2e4193db5e", ref: "cache-widgets" };
  return {
    status: 200,
    body: {
      number: Number(number),
      state: "open",
      head: { ...head, repo: { full_name: "carol/widgets" } },
      base: { ref: "main", sha: "9049f1265b7d61be4a8904a9a27120d2064dab3b", repo: {} },
    },
  };
}

function commentPayload(
  body: string,
  actor: ActorRef,
  posted: PostedComment,
  installation: number | null | undefined,
): unknown {
  const payload = webhookFixture("issue_comment.created");
  const user = { login: actor.login, id: actor.id, type: "User" };
  const { owner, name, id } = posted.repo;
  const htmlUrl = `https://github.com/${owner.login}/${name}/pull/${posted.issueNumber}`;
  Object.assign(payload, {
    comment: {
      ...(payload["comment"] as object),
      id: posted.commentId,
      html_url: `${htmlUrl}#issuecomment-${posted.commentId}`,
      body,
      user,
    },
    issue: { ...(payload["issue"] as object), number: posted.issueNumber, html_url: htmlUrl },
    repository: {
      ...(payload["repository"] as object),
      id,
      name,
      full_name: `${owner.login}/${name}`,
      owner: { login: owner.login, id: owner.id, type: "Organization" },
    },
    organization: { login: owner.login, id: owner.id },
    sender: user,
    installation: { id: installation ?? owner.installationId },
  });
  if (installation === null) delete payload["installation"];
  return payload;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

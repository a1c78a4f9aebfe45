import { readFileSync } from "node:fs";
import { join } from "node:path";

import nock from "nock";
import type { Probot } from "probot";

import type { ActorRef } from "../../src/membership/types.js";
import type { Services } from "../../src/services.js";
import { FaultyStore } from "./faulty-store.js";
import {
  ALICE,
  ORG,
  openSqlite,
  orgMembershipBody,
  servicesOver,
  tempSqliteUrl,
} from "./gate-fixture.js";
import { GITHUB } from "./github-client.js";
import { testProbot } from "./test-app.js";

export const REPO = "acme/widgets";
export const PR_NUMBER = 42;
export const COMMENT_ID = 492700400;
export const COMMENT_URL = "https://github.com/acme/widgets/pull/42#issuecomment-492700400";
export const HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

export const DEPLOY_CONFIG = "commands:\n  - name: deploy\n    event_type: deploy-command\n";

type Payload = Record<string, unknown> & {
  comment: Record<string, unknown> & { user: Record<string, unknown> };
  issue: Record<string, unknown>;
  repository: Record<string, unknown> & { owner: Record<string, unknown> };
  sender: Record<string, unknown>;
};

let deliveries = 0;

/**
 * The fixture of `event.action`, as a fresh copy with the comment's body replaced, and, given an
 * actor, written (and sent) by them.
 */
export function commentPayload(
  body: string,
  action: "created" | "edited" = "created",
  actor?: ActorRef,
): Payload {
  const file = join(process.cwd(), "test", "fixtures", `issue_comment.${action}.json`);
  const payload = JSON.parse(readFileSync(file, "utf8")) as Payload;
  payload.comment.body = body;
  if (actor) {
    payload.comment.user = { ...payload.comment.user, login: actor.login, id: actor.id };
    payload.sender = { ...payload.sender, login: actor.login, id: actor.id };
  }
  return payload;
}

/** Delivers a `push` of `ref` to acme/widgets (whose default branch is main). */
export async function receivePush(probot: Probot, ref: string): Promise<void> {
  const file = join(process.cwd(), "test", "fixtures", "push.json");
  const payload = { ...(JSON.parse(readFileSync(file, "utf8")) as object), ref };
  await probot.receive({ id: `delivery-${++deliveries}`, name: "push", payload } as never);
}

/** Delivers an `issue_comment` payload, with a fresh delivery id unless one is given. */
export async function receiveComment(
  probot: Probot,
  payload: Payload,
  id = `delivery-${++deliveries}`,
): Promise<void> {
  await probot.receive({ id, name: "issue_comment", payload } as never);
}

/** `.github/member-gate.yml` as the config plugin reads it (raw); undefined: no file anywhere. */
export function nockConfig(yaml: string | undefined, owner = "acme"): nock.Scope {
  const path = (repo: string) => `/repos/${owner}/${repo}/contents/.github%2Fmember-gate.yml`;
  if (yaml === undefined) {
    return nock(GITHUB).get(path("widgets")).reply(404).get(path(".github")).reply(404);
  }
  return nock(GITHUB)
    .get(path("widgets"))
    .reply(200, yaml, { "content-type": "text/plain; charset=utf-8" });
}

export function nockOrgMembership(
  actor: ActorRef,
  state: "active" | "pending" | 404,
  role = "member",
): nock.Scope {
  const interceptor = nock(GITHUB).get(`/orgs/${ORG.login}/memberships/${actor.login}`);
  if (state === 404) return interceptor.reply(404, { message: "Not Found" });
  return interceptor.reply(200, orgMembershipBody(state, actor, role));
}

/** The team `release-managers` (id 77) and the actor's membership of it. */
export function nockTeam(actor: ActorRef, state: "active" | 404): nock.Scope {
  const scope = nock(GITHUB)
    .get("/orgs/acme/teams/release-managers")
    .reply(200, { id: 77, slug: "release-managers" });
  const membership = scope.get(`/orgs/acme/teams/release-managers/memberships/${actor.login}`);
  return state === 404
    ? membership.reply(404, { message: "Not Found" })
    : membership.reply(200, { state, role: "member" });
}

export function nockPullRequest(repo = REPO): nock.Scope {
  return nock(GITHUB)
    .get(`/repos/${repo}/pulls/${PR_NUMBER}`)
    .reply(200, {
      number: PR_NUMBER,
      state: "open",
      head: {
        sha: HEAD_SHA,
        ref: "cache-widgets",
        repo: { full_name: "carol/widgets" },
      },
      base: { ref: "main", sha: "9049f1265b7d61be4a8904a9a27120d2064dab3b", repo: {} },
    });
}

/** Records the order and bodies of the GitHub writes a test expects. */
export class WriteLog {
  readonly writes: Array<{ path: string; body: unknown }> = [];

  /** Expects one POST to `path`, answered `status`. */
  expect(path: string, status = 201): nock.Scope {
    return nock(GITHUB)
      .post(path)
      .reply(status, (_uri, body) => {
        this.writes.push({ path, body });
        return status === 204 ? "" : {};
      });
  }

  bodyOf(path: string): unknown {
    return this.writes.find((write) => write.path === path)?.body;
  }

  /** The text of the reply posted on the pull request, or "" when none was. */
  replyText(): string {
    const reply = this.bodyOf(REPLIES) as { body?: string } | undefined;
    return reply?.body ?? "";
  }
}

export const DISPATCHES = `/repos/${REPO}/dispatches`;
export const REACTIONS = `/repos/${REPO}/issues/comments/${COMMENT_ID}/reactions`;
export const REPLIES = `/repos/${REPO}/issues/${PR_NUMBER}/comments`;

/**
 * Fails the test when a request matched no interceptor. The app logs and survives a failed write,
 * so without this an unexpected call would go unnoticed.
 */
export function failOnUnmatchedRequests(): void {
  const unmatched: string[] = [];
  const record = (request: { method?: string; path?: string }) => {
    unmatched.push(`${request.method ?? "?"} ${request.path ?? "?"}`);
  };
  beforeEach(() => {
    unmatched.length = 0;
    nock.emitter.on("no match", record);
  });
  afterEach(() => {
    nock.emitter.removeListener("no match", record);
    expect(unmatched).toEqual([]);
  });
}

/** A stub for a call that would be a bug: it counts calls and is never required. */
export function forbid(method: "get" | "post", path: string): { readonly calls: () => number } {
  let calls = 0;
  nock(GITHUB)
    [method](path)
    .optionally()
    .reply(() => {
      calls += 1;
      return [500, { message: `${method.toUpperCase()} ${path} must not be called` }];
    });
  return { calls: () => calls };
}

/** An admitted member's command: membership, pull request, dispatch, then the rocket. */
export function expectAdmitted(log: WriteLog, actor: ActorRef = ALICE): void {
  nockOrgMembership(actor, "active");
  nockPullRequest();
  log.expect(DISPATCHES, 204);
  log.expect(REACTIONS);
}

export interface CommentApp {
  readonly store: FaultyStore;
  readonly services: Services;
  readonly probot: Probot;
  readonly log: WriteLog;
}

/**
 * A fresh app for each test: a SQLite store (wrapped so that a test can make it fail), the
 * services over it, a Probot like production's, and an empty write log.
 */
export function useCommentApp(): CommentApp {
  const current = {} as { -readonly [K in keyof CommentApp]: CommentApp[K] };
  let sqlite: ReturnType<typeof tempSqliteUrl>;

  beforeEach(async () => {
    sqlite = tempSqliteUrl();
    current.store = new FaultyStore(await openSqlite(sqlite.url));
    current.services = servicesOver(current.store);
    current.probot = await testProbot(current.services);
    current.log = new WriteLog();
  });

  afterEach(async () => {
    await current.services.close();
    sqlite.remove();
  });

  return current;
}

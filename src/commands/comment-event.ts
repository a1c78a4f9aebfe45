import type { Context } from "probot";

import type { Owner } from "./authorize.js";
import type { CommentPlace } from "./command-config.js";
import type { RepoRef } from "./config-source.js";
import type { ActorRef } from "../membership/types.js";

export type CommentContext = Context<"issue_comment.created" | "issue_comment.edited">;

/** A comment that may hold commands, with the person asking and the repository's owner. */
export interface CommentEvent {
  readonly delivery: string;
  readonly action: "created" | "edited";
  /** The comment's author when it was created; the editor (`sender`) when it was edited. */
  readonly actor: ActorRef;
  readonly owner: Owner;
  readonly repo: RepoRef;
  readonly place: CommentPlace;
  readonly issueNumber: number;
  readonly comment: {
    readonly id: number;
    readonly htmlUrl: string;
    readonly body: string;
    /** The body before an edit. */
    readonly previousBody: string | undefined;
  };
}

interface Account {
  readonly id: number;
  readonly login: string;
  readonly type?: string;
}

/**
 * Reads what the gate needs from an `issue_comment` delivery. Undefined when the comment is to be
 * ignored: written (or edited) by a bot, which includes this app, or in an org repository whose
 * delivery names no installation to look membership up with.
 */
export function readCommentEvent(context: CommentContext): CommentEvent | undefined {
  const { payload } = context;
  const asking: Account | null =
    payload.action === "created" ? payload.comment.user : payload.sender;
  if (!asking || asking.type === "Bot" || payload.comment.user?.type === "Bot") return undefined;

  const owner = readOwner(payload.repository.owner, payload.installation?.id);
  if (!owner) return undefined;

  const previous = payload.action === "edited" ? payload.changes.body?.from : undefined;
  return {
    delivery: context.id,
    action: payload.action,
    actor: { id: asking.id, login: asking.login },
    owner,
    repo: {
      owner: payload.repository.owner.login,
      ownerId: payload.repository.owner.id,
      repo: payload.repository.name,
      repoId: payload.repository.id,
    },
    place: payload.issue.pull_request ? "pull_request" : "issue",
    issueNumber: payload.issue.number,
    comment: {
      id: payload.comment.id,
      htmlUrl: payload.comment.html_url,
      body: payload.comment.body ?? "",
      previousBody: previous,
    },
  };
}

function readOwner(account: Account, installationId: number | undefined): Owner | undefined {
  if (account.type !== "Organization") {
    return { kind: "user", id: account.id, login: account.login };
  }
  if (installationId === undefined) return undefined;
  return { kind: "org", org: { installationId, orgId: account.id, login: account.login } };
}

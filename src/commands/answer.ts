import type { Logger } from "probot";

import type { CommandConfig } from "./command-config.js";
import type { RepoRef } from "./config-source.js";
import type { Decision } from "./decision.js";
import type { DispatchResult } from "./dispatch.js";
import {
  deniedLine,
  dispatchFailedLine,
  droppedLine,
  mention,
  startedLine,
  undecidedLine,
} from "./messages.js";
import { MAX_COMMANDS, type ParsedCommand } from "./parse-commands.js";
import type { GitHubClient } from "../github/membership-lookup.js";
import type { ActorRef } from "../membership/types.js";

export type Reaction = "rocket" | "-1" | "confused";

/** One command of a comment, its decision, and, when it was allowed, how its dispatch went. */
export interface CommandOutcome {
  readonly command: ParsedCommand;
  readonly config: CommandConfig;
  readonly decision: Decision;
  readonly dispatch: DispatchResult | undefined;
}

/** Everything needed to answer one comment. */
export interface CommentAnswer {
  readonly repo: RepoRef;
  readonly issueNumber: number;
  readonly commentId: number;
  readonly actor: ActorRef;
  readonly outcomes: readonly CommandOutcome[];
  readonly dropped: number;
  readonly replyOnDenied: boolean;
}

/** rocket: dispatched; -1: denied; confused: nothing ran although the actor may be allowed. */
export function reactionFor(outcome: CommandOutcome): Reaction {
  if (outcome.decision.outcome === "denied") return "-1";
  if (outcome.decision.outcome === "undecided") return "confused";
  return outcome.dispatch?.outcome === "dispatched" ? "rocket" : "confused";
}

/**
 * The reply, one line per command, or undefined when every command speaks for itself through its
 * reaction (all started, or denied with `reply_on_denied: false`) and none was dropped.
 */
export function replyBody(answer: CommentAnswer): string | undefined {
  const needsWords = answer.outcomes.some((outcome) => {
    const reaction = reactionFor(outcome);
    return reaction === "confused" || (reaction === "-1" && answer.replyOnDenied);
  });
  if (!needsWords && answer.dropped === 0) return undefined;

  const lines = answer.outcomes.flatMap((outcome) => lineFor(answer, outcome));
  if (answer.dropped > 0) lines.push(droppedLine(answer.dropped, MAX_COMMANDS));
  return [mention(answer.actor.login), ...lines.map((line) => `- ${line}`)].join("\n");
}

/** Sets the reactions and posts the reply; a failed write is logged, never thrown. */
export async function answerComment(
  github: GitHubClient,
  answer: CommentAnswer,
  log: Logger,
): Promise<void> {
  const reactions = [...new Set(answer.outcomes.map(reactionFor))];
  const body = replyBody(answer);
  const writes = reactions.map((content) => react(github, answer, content));
  if (body !== undefined) writes.push(postReply(github, answer.repo, answer.issueNumber, body));

  const results = await Promise.allSettled(writes);
  for (const result of results) {
    if (result.status === "rejected") log.warn({ err: result.reason }, "answer not written");
  }
}

/** `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`. Throws the request's error. */
export async function postReply(
  github: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  body: string,
): Promise<void> {
  await github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: repo.owner,
    repo: repo.repo,
    issue_number: issueNumber,
    body,
  });
}

async function react(github: GitHubClient, answer: CommentAnswer, content: Reaction) {
  await github.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    owner: answer.repo.owner,
    repo: answer.repo.repo,
    comment_id: answer.commentId,
    content,
  });
}

function lineFor(answer: CommentAnswer, outcome: CommandOutcome): string[] {
  const { command, config, decision } = outcome;
  const wording = { command: command.name, owner: answer.repo.owner, teams: config.teams };
  switch (decision.outcome) {
    case "denied":
      return answer.replyOnDenied ? [deniedLine(decision.reason, wording)] : [];
    case "undecided":
      return [undecidedLine(command.name)];
    case "allowed":
      return outcome.dispatch?.outcome === "dispatched"
        ? [startedLine(command.name, config.eventType)]
        : [dispatchFailedLine(command.name)];
  }
}

import type { Logger } from "probot";

import { answerComment, type CommandOutcome } from "./answer.js";
import { authorize } from "./authorize.js";
import type { CommandConfig, GateConfig } from "./command-config.js";
import type { CommentEvent } from "./comment-event.js";
import { denied, reasonOf, type Verdict } from "./decision.js";
import {
  dispatchCommand,
  readPullRequest,
  type DispatchResult,
  type PullRequestRef,
} from "./dispatch.js";
import type { ParsedCommand } from "./parse-commands.js";
import { classifyFailure } from "../github/classify-failure.js";
import type { GitHubClient } from "../github/membership-lookup.js";
import type { GateMetrics } from "../metrics/gate-metrics.js";
import type { MembershipGate } from "../membership/membership-gate.js";

/** What running the commands of one comment needs. */
export interface CommandRun {
  readonly github: GitHubClient;
  readonly gate: MembershipGate;
  readonly metrics: GateMetrics;
  readonly log: Logger;
}

/** A command of the comment and its configuration. */
export interface SelectedCommand {
  readonly command: ParsedCommand;
  readonly config: CommandConfig;
}

/** The commands of one comment to decide, and how many were dropped over the limit. */
export interface Selection {
  readonly commands: readonly SelectedCommand[];
  readonly dropped: number;
}

interface Decided extends SelectedCommand {
  readonly verdict: Verdict;
}

/**
 * Decides every command of a claimed comment (together: one member's commands share one lookup),
 * dispatches the allowed ones, then reacts and replies.
 */
export async function runCommands(
  run: CommandRun,
  event: CommentEvent,
  config: GateConfig,
  selection: Selection,
): Promise<void> {
  const decided = await Promise.all(
    selection.commands.map(async (selected) => {
      const verdict = await decide(run, event, selected);
      record(run, event, selected.command, verdict);
      return { ...selected, verdict };
    }),
  );

  const outcomes = await dispatchAllowed(run, event, decided);
  await answerComment(
    run.github,
    {
      repo: event.repo,
      issueNumber: event.issueNumber,
      commentId: event.comment.id,
      actor: event.actor,
      outcomes,
      dropped: selection.dropped,
      replyOnDenied: config.replyOnDenied,
    },
    run.log,
  );
}

async function decide(
  run: CommandRun,
  event: CommentEvent,
  { command, config }: SelectedCommand,
): Promise<Verdict> {
  if (command.problem !== undefined) {
    return { decision: denied("invalid_arguments"), source: "none" };
  }
  return authorize(run.gate, run.github, event.owner, config, event.actor);
}

/** One info line and one counter increment per decision; never the comment's body. */
function record(run: CommandRun, event: CommentEvent, command: ParsedCommand, verdict: Verdict) {
  const decision = verdict.decision.outcome;
  const reason = reasonOf(verdict.decision);
  run.metrics.decisions.inc({ decision, reason });
  run.log.info(
    {
      delivery: event.delivery,
      org: event.repo.owner,
      repo: `${event.repo.owner}/${event.repo.repo}`,
      pr: event.issueNumber,
      actor: event.actor.login,
      actorId: event.actor.id,
      command: command.name,
      decision,
      reason,
      source: verdict.source,
    },
    `command ${decision}`,
  );
}

/** Reads the pull request once (only when a command is allowed), then dispatches in parallel. */
async function dispatchAllowed(
  run: CommandRun,
  event: CommentEvent,
  decided: readonly Decided[],
): Promise<CommandOutcome[]> {
  const isAllowed = (one: Decided) => one.verdict.decision.outcome === "allowed";
  const head: Head = decided.some(isAllowed) ? await headOf(run, event) : { outcome: "none" };

  return Promise.all(
    decided.map(async (one) => {
      const outcome = { command: one.command, config: one.config, decision: one.verdict.decision };
      if (!isAllowed(one)) return { ...outcome, dispatch: undefined };
      return { ...outcome, dispatch: await dispatchOne(run, event, one, head) };
    }),
  );
}

/** The pull request behind the comment: not needed (a plain issue), read, or unreadable. */
type Head =
  | { readonly outcome: "none" }
  | { readonly outcome: "read"; readonly pullRequest: PullRequestRef }
  | { readonly outcome: "failed"; readonly detail: string };

async function headOf(run: CommandRun, event: CommentEvent): Promise<Head> {
  if (event.place !== "pull_request") return { outcome: "none" };
  try {
    const pullRequest = await readPullRequest(run.github, event.repo, event.issueNumber);
    return { outcome: "read", pullRequest };
  } catch (error) {
    return {
      outcome: "failed",
      detail: `pull request unreadable: ${classifyFailure(error).detail}`,
    };
  }
}

async function dispatchOne(
  run: CommandRun,
  event: CommentEvent,
  one: Decided,
  head: Head,
): Promise<DispatchResult> {
  const result: DispatchResult =
    head.outcome === "failed"
      ? head
      : await dispatchCommand(run.github, {
          repo: event.repo,
          eventType: one.config.eventType,
          command: one.command,
          actor: event.actor,
          issueNumber: event.issueNumber,
          pullRequest: head.outcome === "read" ? head.pullRequest : undefined,
          comment: { id: event.comment.id, htmlUrl: event.comment.htmlUrl },
        });

  const fields = { delivery: event.delivery, command: one.command.name, ...result };
  if (result.outcome === "dispatched") run.log.debug(fields, "command dispatched");
  else run.log.warn(fields, "command not dispatched");
  return result;
}

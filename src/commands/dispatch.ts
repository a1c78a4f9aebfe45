import type { RepoRef } from "./config-source.js";
import type { ParsedCommand } from "./parse-commands.js";
import { classifyFailure } from "../github/classify-failure.js";
import type { GitHubClient } from "../github/membership-lookup.js";
import type { ActorRef } from "../membership/types.js";

/** What a workflow needs of the pull request to check out and build its head. */
export interface PullRequestRef {
  readonly number: number;
  readonly headSha: string;
  readonly headRef: string;
  /** `owner/name` of the head repository; null when a fork was deleted. */
  readonly headRepo: string | null;
  readonly baseRef: string;
}

/** Everything one `repository_dispatch` carries about an allowed command. */
export interface DispatchRequest {
  readonly repo: RepoRef;
  readonly eventType: string;
  readonly command: ParsedCommand;
  readonly actor: ActorRef;
  readonly issueNumber: number;
  /** Absent for a command written on a plain issue. */
  readonly pullRequest: PullRequestRef | undefined;
  readonly comment: { readonly id: number; readonly htmlUrl: string };
}

export type DispatchResult =
  { readonly outcome: "dispatched" } | { readonly outcome: "failed"; readonly detail: string };

/**
 * `GET /repos/{owner}/{repo}/pulls/{pull_number}`: the head and base of the pull request, which
 * the `issue_comment` payload does not carry. Throws the request's error.
 */
export async function readPullRequest(
  github: GitHubClient,
  repo: RepoRef,
  number: number,
): Promise<PullRequestRef> {
  const { data } = await github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: repo.owner,
    repo: repo.repo,
    pull_number: number,
  });
  return {
    number: data.number,
    headSha: data.head.sha,
    headRef: data.head.ref,
    headRepo: data.head.repo?.full_name ?? null,
    baseRef: data.base.ref,
  };
}

/** The `client_payload` a workflow reads as `github.event.client_payload`. */
export function clientPayload(request: DispatchRequest): Record<string, unknown> {
  const pr = request.pullRequest;
  return {
    command: request.command.name,
    args: request.command.args,
    argv: request.command.argv,
    actor: { login: request.actor.login, id: request.actor.id },
    issue: { number: request.issueNumber },
    pull_request: pr
      ? {
          number: pr.number,
          head_sha: pr.headSha,
          head_ref: pr.headRef,
          head_repo: pr.headRepo,
          base_ref: pr.baseRef,
        }
      : null,
    comment: { id: request.comment.id, html_url: request.comment.htmlUrl },
  };
}

/**
 * `POST /repos/{owner}/{repo}/dispatches` (answered 204): starts the workflows listening for
 * `event_type`. Never throws; a refusal or a failure is reported as `failed`.
 */
export async function dispatchCommand(
  github: GitHubClient,
  request: DispatchRequest,
): Promise<DispatchResult> {
  try {
    await github.request("POST /repos/{owner}/{repo}/dispatches", {
      owner: request.repo.owner,
      repo: request.repo.repo,
      event_type: request.eventType,
      client_payload: clientPayload(request),
    });
    return { outcome: "dispatched" };
  } catch (error) {
    return { outcome: "failed", detail: classifyFailure(error).detail };
  }
}

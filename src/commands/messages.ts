import { CONFIG_PATH } from "./command-config.js";
import type { DeniedReason } from "./decision.js";

/** What the wording of a reply needs to know about the command and the repository's owner. */
export interface Wording {
  /** The command's name, without the slash. */
  readonly command: string;
  /** The org (or personal account) that owns the repository. */
  readonly owner: string;
  /** The teams the command requires, if any. */
  readonly teams: readonly string[];
}

const RETRY = "Comment again to retry.";
const ACCEPT_INVITATION = "Accept it, then comment again.";

export const CONFIG_UNREADABLE =
  `member-gate could not read its configuration (\`${CONFIG_PATH}\`) right now, so no command ` +
  `ran. ${RETRY}`;

export function mention(login: string): string {
  return `@${login}`;
}

export function startedLine(command: string, eventType: string): string {
  return `\`/${command}\`: started (the \`${eventType}\` workflow was asked to run).`;
}

export function undecidedLine(command: string): string {
  const what = "your membership could not be checked right now, so nothing ran";
  return `\`/${command}\`: ${what}. ${RETRY}`;
}

export function dispatchFailedLine(command: string): string {
  const what = "allowed, but GitHub did not accept the workflow dispatch, so nothing ran";
  return `\`/${command}\`: ${what}. ${RETRY}`;
}

export function droppedLine(dropped: number, limit: number): string {
  const others = dropped === 1 ? "1 more command was" : `${dropped} more commands were`;
  return `Only the first ${limit} commands of a comment are read; ${others} ignored.`;
}

/** Why the command was refused, in plain words. */
export function deniedLine(reason: DeniedReason, wording: Wording): string {
  return `\`/${wording.command}\`: did not run: ${deniedBecause(reason, wording)}`;
}

function deniedBecause(reason: DeniedReason, { owner, teams }: Wording): string {
  const teamNames = teams.map((team) => `${owner}/${team}`).join(" or ");
  switch (reason) {
    case "not_member":
      return `you are not a member of ${owner}.`;
    case "not_in_team":
      return `you are not in the team ${teamNames}.`;
    case "pending_invitation":
      return `your invitation to ${owner} has not been accepted yet. ${ACCEPT_INVITATION}`;
    case "admins_only":
      return `only owners of ${owner} may run it.`;
    case "not_account_owner":
      return `only ${owner}, who owns this repository, may run it.`;
    case "team_not_found":
      return `the team ${teamNames} named in \`${CONFIG_PATH}\` does not exist; ${askOwner(owner)}`;
    case "invalid_arguments":
      return "its arguments contain control characters. Remove them and comment again.";
  }
}

function askOwner(owner: string): string {
  return `ask an owner of ${owner} to fix the configuration.`;
}

/** The one reply to a comment whose commands could not be decided for an invalid config. */
export function invalidConfigReply(file: string, problems: readonly string[]): string {
  const list = problems.map((problem) => `- ${problem}`).join("\n");
  return (
    `member-gate's configuration is invalid, so no command ran.\n\n${file}:\n${list}\n\n` +
    "Fix the file, then comment again."
  );
}

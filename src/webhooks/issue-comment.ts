import type { Probot } from "probot";

import { postReply } from "../commands/answer.js";
import { findCommand, type GateConfig } from "../commands/command-config.js";
import {
  readCommentEvent,
  type CommentContext,
  type CommentEvent,
} from "../commands/comment-event.js";
import { ConfigSource, type LoadedConfig } from "../commands/config-source.js";
import { DeliveryClaims } from "../commands/delivery-claims.js";
import { CONFIG_UNREADABLE, invalidConfigReply } from "../commands/messages.js";
import { commandKey, parseCommands, type ParsedCommand } from "../commands/parse-commands.js";
import { runCommands, type Selection } from "../commands/run-commands.js";
import { directClientFor } from "../github/direct-client.js";
import type { GitHubClient } from "../github/membership-lookup.js";
import type { Services } from "../services.js";
import { registerPushHandler } from "./push.js";

interface CommentHandling {
  readonly services: Services;
  readonly configs: ConfigSource;
  readonly claims: DeliveryClaims;
}

/**
 * Gates slash commands in pull-request comments (`issue_comment` created and edited), and drops
 * cached configurations when a push changes them.
 */
export function registerCommandHandlers(app: Probot, services: Services): void {
  const handling: CommentHandling = {
    services,
    configs: new ConfigSource(app.log.child({ name: "config" })),
    claims: new DeliveryClaims(
      services.store,
      app.log.child({ name: "deliveries" }),
      services.settings.deliveryTtlSeconds * 1000,
    ),
  };

  app.on(["issue_comment.created", "issue_comment.edited"], async (context) => {
    const stop = services.metrics.webhookSeconds.startTimer({ event: "issue_comment" });
    try {
      await handleComment(context, handling);
    } finally {
      stop();
    }
  });
  registerPushHandler(app, handling.configs, services.metrics);
}

/**
 * Guard, read the configuration, select the configured commands, claim the delivery, then decide
 * and answer. Comments without a command line cost nothing: no config read, no store write.
 */
async function handleComment(context: CommentContext, handling: CommentHandling): Promise<void> {
  const event = readCommentEvent(context);
  if (!event || parseCommands(event.comment.body).commands.length === 0) return;

  const loaded = await handling.configs.load(context.octokit, event.repo);
  if (loaded.outcome === "absent") return;
  if (loaded.outcome !== "valid") return reportConfig(context, event, loaded, handling);

  const selection = selectCommands(event, loaded.config);
  if (selection.commands.length === 0) return;
  if ((await handling.claims.claim(event.delivery)) === "already_claimed") {
    context.log.info({ delivery: event.delivery }, "delivery already handled; skipped");
    return;
  }

  const { gate, metrics } = handling.services;
  await runCommands(
    { github: commandClient(context, handling.services), gate, metrics, log: context.log },
    event,
    loaded.config,
    selection,
  );
}

/**
 * The command path talks to GitHub through the direct client (Octokit's per-request pipeline cost
 * more than the rest of a command), except when Probot's REDIS_URL makes Octokit pace the writes of
 * all replicas together: then every write goes through that shared pacing.
 */
function commandClient(context: CommentContext, services: Services): GitHubClient {
  const installationId = context.payload.installation?.id;
  if (services.settings.clusteredWrites === true || installationId === undefined) {
    return context.octokit;
  }
  return directClientFor(context.octokit, installationId, services.settings.lookupDeadlineMs);
}

/**
 * The configured commands that apply here: on this kind of thread, and, for an edited comment,
 * only those that allow edits and were not already in the comment before the edit.
 */
function selectCommands(event: CommentEvent, config: GateConfig): Selection {
  const before = event.comment.previousBody ?? "";
  const previous = new Set(parseCommands(before, () => true, Infinity).commands.map(commandKey));
  const applies = (command: ParsedCommand) => {
    const configured = findCommand(config, command.name);
    if (!configured?.on.includes(event.place)) return false;
    return (
      event.action === "created" || (configured.allowEdits && !previous.has(commandKey(command)))
    );
  };

  const parsed = parseCommands(event.comment.body, applies);
  const commands = parsed.commands.flatMap((command) => {
    const configured = findCommand(config, command.name);
    return configured ? [{ command, config: configured }] : [];
  });
  return { commands, dropped: parsed.dropped };
}

/**
 * An invalid or unreadable configuration gets one reply on a new pull-request comment that holds
 * a command line, and nothing runs; elsewhere (edits, plain issues) it is only logged.
 */
async function reportConfig(
  context: CommentContext,
  event: CommentEvent,
  loaded: Exclude<LoadedConfig, { outcome: "absent" | "valid" }>,
  handling: CommentHandling,
): Promise<void> {
  context.log.warn(
    { delivery: event.delivery, repo: `${event.repo.owner}/${event.repo.repo}`, ...loaded },
    "config not usable",
  );
  if (event.action !== "created" || event.place !== "pull_request") return;
  if ((await handling.claims.claim(event.delivery)) === "already_claimed") return;

  const body =
    loaded.outcome === "invalid"
      ? invalidConfigReply(loaded.file, loaded.problems)
      : CONFIG_UNREADABLE;
  await postReply(context.octokit, event.repo, event.issueNumber, body);
}

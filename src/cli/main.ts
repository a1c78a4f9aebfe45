#!/usr/bin/env node
import { cachePurge } from "./cache-purge.js";
import { cacheStats } from "./cache-stats.js";
import { check } from "./check.js";
import { CliError, readCliEnvironment, type CommandResult } from "./cli-environment.js";
import { HELP, parseCommand, UsageError, type CliCommand } from "./usage.js";
import { StoreFault, StoreUnavailableError } from "../cache/store-errors.js";
import { SettingsError } from "../config/settings.js";

/** Failures whose message already says what to do; anything else is shown with its kind. */
const EXPLAINED = [CliError, SettingsError, StoreUnavailableError, StoreFault];

/** `member-gate`: the operator CLI. Exit codes: 0 done, 1 failed, 2 usage error. */
async function main(args: readonly string[]): Promise<number> {
  const command = parseCommand(args);
  if (command.name === "help") {
    console.log(HELP);
    return 0;
  }

  const result = await runCommand(command);
  for (const line of result.lines) console.log(line);
  return result.exitCode;
}

function runCommand(command: Exclude<CliCommand, { name: "help" }>): Promise<CommandResult> {
  const env = readCliEnvironment();
  switch (command.name) {
    case "check":
      return check(env, command.org, command.user);
    case "cache-stats":
      return cacheStats(env);
    case "cache-purge":
      return cachePurge(env, command.org, command.user);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`member-gate: ${error.message}\nRun \`member-gate --help\` for usage.`);
    return 2;
  }
  const explained = EXPLAINED.some((kind) => error instanceof kind);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`member-gate: ${explained ? (error as Error).message : message}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => (process.exitCode = exitCodeOf(error)),
);

import { pino } from "pino";
import type { Logger } from "probot";

import { readAppCredentials, type AppCredentials } from "../config/app-credentials.js";
import { applyDotEnv } from "../config/dot-env.js";
import { readSettings, type Settings } from "../config/settings.js";

/** A failure the operator can act on; the message says what to do. Exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}

const NO_CREDENTIALS =
  "APP_ID and the app's private key are needed to ask GitHub. Run `npm start` once to " +
  "register the app (it writes .env), or set APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH.";

/** What every command reads: the app's settings, its credentials, and a logger on stderr. */
export interface CliEnvironment {
  readonly settings: Settings;
  readonly log: Logger;
  /** The app's credentials; throws {@link CliError} when they are not configured. */
  credentials(): AppCredentials;
}

/** Reads `.env` and the environment exactly as the app does; throws SettingsError if invalid. */
export function readCliEnvironment(): CliEnvironment {
  applyDotEnv();
  const settings = readSettings();
  const credentials = readAppCredentials();
  // Warnings and errors only, on stderr: stdout is the command's answer.
  const log = pino({ name: "member-gate-cli", level: "warn" }, pino.destination(2));
  return {
    settings,
    log,
    credentials: () => {
      if (credentials === undefined) throw new CliError(NO_CREDENTIALS);
      return credentials;
    },
  };
}

/** What a command prints on stdout, and the process's exit code. */
export interface CommandResult {
  readonly exitCode: 0 | 1;
  readonly lines: readonly string[];
}

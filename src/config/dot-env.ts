import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

/**
 * Applies `.env` from the working folder the way Probot's `run` does (its values win), so that our
 * own settings are read from the same place before Probot starts.
 */
export function applyDotEnv(cwd: string = process.cwd()): void {
  try {
    Object.assign(process.env, parseEnv(readFileSync(join(cwd, ".env"), "utf8")));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

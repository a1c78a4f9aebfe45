import { run } from "probot";

import { readAppCredentials } from "./config/app-credentials.js";
import { applyDotEnv } from "./config/dot-env.js";
import { readSettings } from "./config/settings.js";
import { createGateOctokit } from "./github/gate-octokit.js";
import { memberGate } from "./index.js";

/**
 * Production start: `npm start`. Invalid settings, an unusable private key or store stop the
 * process; no APP_ID and no key at all open Probot's setup page (the first start).
 */
async function main(): Promise<void> {
  applyDotEnv();
  const settings = readSettings();
  readAppCredentials();
  await run(memberGate(settings), { Octokit: createGateOctokit(settings.lookupDeadlineMs) });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`member-gate could not start. ${message}`);
  process.exit(1);
});

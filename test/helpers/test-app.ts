import { generateKeyPairSync } from "node:crypto";

import nock from "nock";
import { Probot, type Logger } from "probot";

import { createGateOctokit } from "../../src/github/gate-octokit.js";
import { memberGateWith } from "../../src/index.js";
import type { Services } from "../../src/services.js";
import { GITHUB } from "./github-client.js";
import { silentLog } from "./silent-log.js";

/** Generated for the test run: no private key is ever committed. */
export const TEST_PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();

export const TEST_APP_ID = 123;
export const TEST_WEBHOOK_SECRET = "test-webhook-secret";

/** A Probot instance configured like production (same Octokit), the app loaded over `services`. */
export async function testProbot(services: Services, log: Logger = silentLog): Promise<Probot> {
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: TEST_PRIVATE_KEY,
    secret: TEST_WEBHOOK_SECRET,
    log,
    Octokit: createGateOctokit(services.settings.lookupDeadlineMs),
  });
  await probot.load(memberGateWith(services), { cwd: process.cwd(), addHandler: () => undefined });
  return probot;
}

/** GitHub's answer when the test app makes a token for an installation. */
export function installationTokenBody(installationId: number) {
  return {
    token: `ghs_test_${installationId}`,
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    permissions: { members: "read", issues: "write", pull_requests: "read", contents: "write" },
    repository_selection: "all",
  };
}

/** The installation token exchange that precedes every installation API call. */
export function nockInstallationToken(installationId: number): nock.Scope {
  return nock(GITHUB)
    .post(`/app/installations/${installationId}/access_tokens`)
    .reply(201, installationTokenBody(installationId));
}

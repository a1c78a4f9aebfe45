import nock from "nock";

import { directClient } from "../../src/github/direct-client.js";
import { createGateOctokit } from "../../src/github/gate-octokit.js";
import type { GitHubClient } from "../../src/github/membership-lookup.js";
import { silentLog } from "./silent-log.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY } from "./test-app.js";

export const GITHUB = "https://api.github.com";

/** An Octokit configured exactly as the app's, authenticated with a dummy installation token. */
export function testOctokit(deadlineMs = 2000) {
  const Octokit = createGateOctokit(deadlineMs);
  return new Octokit({ auth: { token: "test-installation-token" }, log: silentLog });
}

/** An Octokit configured as the app's, as the test app's installation (no token made yet). */
export function testInstallationOctokit(installationId: number, deadlineMs = 2000) {
  const Octokit = createGateOctokit(deadlineMs);
  return new Octokit({
    auth: { appId: TEST_APP_ID, privateKey: TEST_PRIVATE_KEY, installationId },
    log: silentLog,
  });
}

/** The command path's direct client, authenticated with the same dummy installation token. */
export function testDirectClient(deadlineMs = 2000): GitHubClient {
  return directClient(
    { baseUrl: GITHUB, token: async () => "test-installation-token", writeKey: "installation-1" },
    deadlineMs,
  );
}

/** Both clients the app talks to GitHub with: suites about GitHub's answers run over each. */
export const GITHUB_CLIENTS: Array<[string, (deadlineMs?: number) => GitHubClient]> = [
  ["Octokit", testOctokit],
  ["the direct client", testDirectClient],
];

/** Blocks every real connection and fails the test if a nock interceptor was left unused. */
export function guardNetwork(): void {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}

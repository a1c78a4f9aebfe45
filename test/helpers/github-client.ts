import nock from "nock";

import { createGateOctokit } from "../../src/github/gate-octokit.js";
import { silentLog } from "./silent-log.js";

export const GITHUB = "https://api.github.com";

/** An Octokit configured exactly as the app's, authenticated with a dummy installation token. */
export function testOctokit(deadlineMs = 2000) {
  const Octokit = createGateOctokit(deadlineMs);
  return new Octokit({ auth: { token: "test-installation-token" }, log: silentLog });
}

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

import nock from "nock";

import { createGateOctokit } from "../../src/github/gate-octokit.js";
import { GITHUB, guardNetwork, testInstallationOctokit } from "../helpers/github-client.js";
import { silentLog } from "../helpers/silent-log.js";
import { nockInstallationToken } from "../helpers/test-app.js";

function octokitFor(installationId: number) {
  const Octokit = createGateOctokit(2_000);
  return new Octokit({ auth: { token: "test-token", installationId }, log: silentLog });
}

/** Replies after 50 ms and records how many requests were in flight at once. */
function trackConcurrency() {
  let inFlight = 0;
  let most = 0;
  const reply = async (): Promise<[number, unknown]> => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 50));
    inFlight -= 1;
    return [201, { id: 1 }];
  };
  return { reply, most: () => most };
}

/** What four writes would take at least if they were paced one a second (Probot's default). */
const PACED_ONE_A_SECOND_MS = 3_000;

describe("writes of an installation", () => {
  guardNetwork();

  const reactions = (comment: number) => `/repos/acme/widgets/issues/comments/${comment}/reactions`;
  const react = (octokit: ReturnType<typeof octokitFor>, comment: number) =>
    octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      owner: "acme",
      repo: "widgets",
      comment_id: comment,
      content: "rocket",
    });

  it("go one at a time, without a fixed gap between them", async () => {
    const tracker = trackConcurrency();
    for (const comment of [1, 2, 3, 4]) nock(GITHUB).post(reactions(comment)).reply(tracker.reply);
    const octokit = octokitFor(7);

    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map((comment) => react(octokit, comment)));

    expect(tracker.most()).toBe(1);
    // a hang guard, not a speed target
    expect(Date.now() - started).toBeLessThan(PACED_ONE_A_SECOND_MS);
  });

  it("do not wait for another installation's writes", async () => {
    const tracker = trackConcurrency();
    for (const comment of [1, 2]) nock(GITHUB).post(reactions(comment)).reply(tracker.reply);

    await Promise.all([react(octokitFor(7), 1), react(octokitFor(8), 2)]);

    expect(tracker.most()).toBe(2);
  });
});

describe("an installation's first request", () => {
  guardNetwork();

  it("may be a write: the token it needs is not queued behind it", async () => {
    const octokit = testInstallationOctokit(9);
    nockInstallationToken(9);
    nock(GITHUB, { reqheaders: { authorization: "token ghs_test_9" } })
      .post("/repos/acme/widgets/issues/comments/1/reactions")
      .reply(201, { id: 1 });

    const answer = await octokit.request(
      "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      { owner: "acme", repo: "widgets", comment_id: 1, content: "rocket" },
    );

    expect(answer.status).toBe(201);
  });
});

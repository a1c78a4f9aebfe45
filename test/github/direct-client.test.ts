import nock from "nock";
import { Probot } from "probot";

import { directClient, directClientFor } from "../../src/github/direct-client.js";
import { classifyFailure } from "../../src/github/classify-failure.js";
import { createGateOctokit } from "../../src/github/gate-octokit.js";
import { GITHUB, guardNetwork, testInstallationOctokit } from "../helpers/github-client.js";
import { silentLog } from "../helpers/silent-log.js";
import {
  TEST_APP_ID,
  TEST_PRIVATE_KEY,
  installationTokenBody,
  nockInstallationToken,
} from "../helpers/test-app.js";

const GHE = "https://ghe.example.com";

function clientFor(installationId: number, baseUrl = GITHUB) {
  return directClient(
    {
      baseUrl,
      token: async () => `token-of-${installationId}`,
      writeKey: `installation-${installationId}`,
    },
    2_000,
  );
}

const dispatch = (github: ReturnType<typeof clientFor>, eventType: string) =>
  github.request("POST /repos/{owner}/{repo}/dispatches", {
    owner: "acme",
    repo: "widgets",
    event_type: eventType,
    client_payload: { command: "deploy" },
  });

describe("the direct GitHub client", () => {
  guardNetwork();

  it("sends the token, fills the path, and sends the rest as the JSON body", async () => {
    nock(GITHUB, { reqheaders: { authorization: "token token-of-7" } })
      .post("/repos/acme/widgets/dispatches", {
        event_type: "deploy",
        client_payload: { command: "deploy" },
      })
      .reply(204);

    const answer = await dispatch(clientFor(7), "deploy");

    expect(answer.status).toBe(204);
    expect(answer.data).toBeUndefined();
  });

  it("keeps the path of a GitHub Enterprise Server base URL", async () => {
    nock(GHE).get("/api/v3/repos/acme/widgets/pulls/12").reply(200, { number: 12 });

    const answer = await clientFor(7, `${GHE}/api/v3`).request(
      "GET /repos/{owner}/{repo}/pulls/{pull_number}",
      { owner: "acme", repo: "widgets", pull_number: 12 },
    );

    expect(answer.data).toEqual({ number: 12 });
  });

  it("throws Octokit's RequestError with the answer's status and headers", async () => {
    nock(GITHUB)
      .post("/repos/acme/widgets/dispatches")
      .reply(403, { message: "rate limited" }, { "x-ratelimit-remaining": "0" });

    const failure = await dispatch(clientFor(7), "deploy").catch((error: unknown) => error);

    expect(failure).toMatchObject({
      name: "HttpError",
      status: 403,
      response: { headers: { "x-ratelimit-remaining": "0" } },
    });
    expect(classifyFailure(failure)).toMatchObject({ reason: "rate_limited" });
  });

  it("reports no answer as Octokit does: status 500 without a response", async () => {
    nock(GITHUB)
      .post("/repos/acme/widgets/dispatches")
      .replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));

    const failure = await dispatch(clientFor(7), "deploy").catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 500, response: undefined });
    expect(classifyFailure(failure)).toMatchObject({ reason: "network_error" });
  });

  it("sends an installation's writes one at a time, another's beside them", async () => {
    let inFlight = 0;
    let most = 0;
    const slowReply = async (): Promise<[number]> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight -= 1;
      return [204];
    };
    nock(GITHUB).post("/repos/acme/widgets/dispatches").times(4).reply(slowReply);

    await Promise.all([dispatch(clientFor(7), "a"), dispatch(clientFor(7), "b")]);
    const oneInstallation = most;
    most = 0;
    await Promise.all([dispatch(clientFor(7), "a"), dispatch(clientFor(8), "b")]);

    expect(oneInstallation).toBe(1);
    expect(most).toBe(2);
  });

  it("takes the token from Probot's Octokit, even when the first request writes", async () => {
    const octokit = testInstallationOctokit(9);
    nockInstallationToken(9);
    nock(GITHUB, { reqheaders: { authorization: "token ghs_test_9" } })
      .post("/repos/acme/widgets/dispatches")
      .reply(204);

    const answer = await dispatch(directClientFor(octokit, 9, 2_000), "deploy");

    expect(answer.status).toBe(204);
  });

  it("makes the token on the app's GitHub Enterprise Server, not github.com", async () => {
    const probot = new Probot({
      appId: TEST_APP_ID,
      privateKey: TEST_PRIVATE_KEY,
      baseUrl: `${GHE}/api/v3`,
      Octokit: createGateOctokit(2_000),
      log: silentLog,
    });
    const octokit = await probot.auth(11);
    nock(GHE)
      .post("/api/v3/app/installations/11/access_tokens")
      .reply(201, installationTokenBody(11));
    nock(GHE, { reqheaders: { authorization: "token ghs_test_11" } })
      .post("/api/v3/repos/acme/widgets/dispatches")
      .reply(204);

    const answer = await dispatch(directClientFor(octokit, 11, 2_000), "deploy");

    expect(answer.status).toBe(204);
  });
});

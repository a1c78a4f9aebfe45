import nock from "nock";

import {
  COMMENT_ID,
  COMMENT_URL,
  DEPLOY_CONFIG,
  DISPATCHES,
  HEAD_SHA,
  PR_NUMBER,
  REACTIONS,
  REPLIES,
  WriteLog,
  commentPayload,
  expectAdmitted,
  failOnUnmatchedRequests,
  forbid,
  nockConfig,
  nockOrgMembership,
  nockPullRequest,
  nockTeam,
  receiveComment,
  useCommentApp,
} from "../helpers/comment-fixture.js";
import { ALICE, ORG } from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork } from "../helpers/github-client.js";
import { nockInstallationToken } from "../helpers/test-app.js";

const TEAM_CONFIG = "commands:\n  - name: deploy\n    teams: [release-managers]\n";
const ADMIN_CONFIG = "commands:\n  - name: deploy\n    role: admin\n";
const PULL = `/repos/acme/widgets/pulls/${PR_NUMBER}`;

describe("issue_comment: deciding a command", () => {
  guardNetwork();
  failOnUnmatchedRequests();

  const app = useCommentApp();

  beforeEach(() => nockInstallationToken(ORG.installationId));

  it("dispatches a member's command with the whole payload, then reacts rocket", async () => {
    nockConfig(DEPLOY_CONFIG);
    expectAdmitted(app.log);

    await receiveComment(app.probot, commentPayload("LGTM\n/deploy Staging --force"));

    expect(app.log.writes.map((write) => write.path)).toEqual([DISPATCHES, REACTIONS]);
    expect(app.log.bodyOf(DISPATCHES)).toEqual({
      event_type: "deploy-command",
      client_payload: {
        command: "deploy",
        args: "Staging --force",
        argv: ["Staging", "--force"],
        actor: { login: "alice", id: 501 },
        issue: { number: PR_NUMBER },
        pull_request: {
          number: PR_NUMBER,
          head_sha: HEAD_SHA,
          head_ref: "cache-widgets",
          head_repo: "carol/widgets",
          base_ref: "main",
        },
        comment: { id: COMMENT_ID, html_url: COMMENT_URL },
      },
    });
    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "rocket" });
    const decisions = await app.services.metrics.decisions.get();
    expect(decisions.values).toEqual([
      { labels: { decision: "allowed", reason: "none" }, value: 1 },
    ]);
  });

  it("does not dispatch for a non-member: reacts -1 and replies why", async () => {
    nockConfig(DEPLOY_CONFIG);
    nockOrgMembership(ALICE, 404);
    const dispatch = forbid("post", DISPATCHES);
    const pullRequest = forbid("get", PULL);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(dispatch.calls()).toBe(0);
    expect(pullRequest.calls()).toBe(0);
    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
    expect(app.log.replyText()).toBe(
      "@alice\n- `/deploy`: did not run: you are not a member of acme.",
    );
  });

  it("answers a 503 with confused and the retry wording, then dispatches next", async () => {
    nockConfig(DEPLOY_CONFIG);
    nock(GITHUB).get("/orgs/acme/memberships/alice").reply(503, { message: "unavailable" });
    const dispatch = forbid("post", DISPATCHES);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(dispatch.calls()).toBe(0);
    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "confused" });
    const reply = app.log.replyText();
    expect(reply).toContain("could not be checked right now, so nothing ran");
    expect(reply).toContain("Comment again to retry.");
    expect(reply).not.toContain("not a member");
    nock.cleanAll();

    const again = new WriteLog();
    expectAdmitted(again);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(again.bodyOf(REACTIONS)).toEqual({ content: "rocket" });
  });

  const refusals: Array<[string, string, () => void, string, string]> = [
    [
      "a member outside the command's team",
      TEAM_CONFIG,
      () => nockOrgMembership(ALICE, "active") && nockTeam(ALICE, 404),
      "-1",
      "did not run: you are not in the team acme/release-managers.",
    ],
    [
      "a pending invitation",
      DEPLOY_CONFIG,
      () => nockOrgMembership(ALICE, "pending"),
      "-1",
      "did not run: your invitation to acme has not been accepted yet. " +
        "Accept it, then comment again.",
    ],
    [
      "a plain member, on an admin-only command",
      ADMIN_CONFIG,
      () => nockOrgMembership(ALICE, "active", "member"),
      "-1",
      "did not run: only owners of acme may run it.",
    ],
    [
      "a pull request that cannot be read",
      DEPLOY_CONFIG,
      () => nockOrgMembership(ALICE, "active").get(PULL).reply(502, "Bad Gateway"),
      "confused",
      "allowed, but GitHub did not accept the workflow dispatch, so nothing ran. " +
        "Comment again to retry.",
    ],
  ];

  it.each(refusals)(
    "does not dispatch for %s: reacts and says why",
    async (_case, config, answers, reaction, reason) => {
      nockConfig(config);
      answers();
      const dispatch = forbid("post", DISPATCHES);
      app.log.expect(REACTIONS);
      app.log.expect(REPLIES);

      await receiveComment(app.probot, commentPayload("/deploy staging"));

      expect(dispatch.calls()).toBe(0);
      expect(app.log.bodyOf(REACTIONS)).toEqual({ content: reaction });
      expect(app.log.replyText()).toBe(`@alice\n- \`/deploy\`: ${reason}`);
    },
  );

  it("reacts confused and says nothing ran when GitHub refuses the dispatch", async () => {
    nockConfig(DEPLOY_CONFIG);
    nockOrgMembership(ALICE, "active");
    nockPullRequest();
    nock(GITHUB).post(DISPATCHES).reply(422, { message: "Validation Failed" });
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "confused" });
    expect(app.log.replyText()).toContain("did not accept the workflow dispatch, so nothing ran");
  });

  it("admits a team command to a member of the team", async () => {
    nockConfig(TEAM_CONFIG);
    nockTeam(ALICE, "active");
    expectAdmitted(app.log);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "rocket" });
  });
});

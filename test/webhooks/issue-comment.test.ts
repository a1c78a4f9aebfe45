import nock from "nock";
import { pino } from "pino";

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
import { nockInstallationToken, testProbot } from "../helpers/test-app.js";

const TEAM_CONFIG = "commands:\n  - name: deploy\n    teams: [release-managers]\n";
const ADMIN_CONFIG = "commands:\n  - name: deploy\n    role: admin\n";

describe("issue_comment: deciding a command", () => {
  guardNetwork();
  failOnUnmatchedRequests();

  const app = useCommentApp();

  beforeEach(() => nockInstallationToken(ORG.installationId));

  async function replyText(): Promise<string> {
    const body = app.log.bodyOf(REPLIES) as { body: string } | undefined;
    return body?.body ?? "";
  }

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
    const pullRequest = forbid("get", `/repos/acme/widgets/pulls/${PR_NUMBER}`);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(dispatch.calls()).toBe(0);
    expect(pullRequest.calls()).toBe(0);
    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
    expect(await replyText()).toBe(
      "@alice\n- `/deploy`: did not run: you are not a member of acme.",
    );
  });

  it("answers a 503 with confused and the retry wording, then dispatches on the next comment", async () => {
    nockConfig(DEPLOY_CONFIG);
    nock(GITHUB).get("/orgs/acme/memberships/alice").reply(503, { message: "unavailable" });
    const dispatch = forbid("post", DISPATCHES);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(dispatch.calls()).toBe(0);
    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "confused" });
    const reply = await replyText();
    expect(reply).toContain("could not be checked right now, so nothing ran");
    expect(reply).toContain("Comment again to retry.");
    expect(reply).not.toContain("not a member");
    nock.cleanAll();

    const again = new WriteLog();
    expectAdmitted(again);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(again.bodyOf(REACTIONS)).toEqual({ content: "rocket" });
  });

  it("refuses a team command to a member outside the team", async () => {
    nockConfig(TEAM_CONFIG);
    nockOrgMembership(ALICE, "active");
    nockTeam(ALICE, 404);
    const dispatch = forbid("post", DISPATCHES);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(dispatch.calls()).toBe(0);
    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
    expect(await replyText()).toContain("you are not in the team acme/release-managers.");
  });

  it("admits a team command to a member of the team", async () => {
    nockConfig(TEAM_CONFIG);
    nockTeam(ALICE, "active");
    expectAdmitted(app.log);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "rocket" });
  });

  it("refuses while the org invitation is pending, and says so", async () => {
    nockConfig(DEPLOY_CONFIG);
    nockOrgMembership(ALICE, "pending");
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
    expect(await replyText()).toContain("your invitation to acme has not been accepted yet");
  });

  it("refuses an admin-only command to a plain member", async () => {
    nockConfig(ADMIN_CONFIG);
    nockOrgMembership(ALICE, "active", "member");
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
    expect(await replyText()).toContain("only owners of acme may run it.");
  });

  it("sets only the reaction on denial when reply_on_denied is false", async () => {
    nockConfig(`${DEPLOY_CONFIG}reply_on_denied: false\n`);
    nockOrgMembership(ALICE, 404);
    const reply = forbid("post", REPLIES);
    app.log.expect(REACTIONS);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
    expect(reply.calls()).toBe(0);
  });

  it("reacts confused and says nothing ran when the dispatch fails", async () => {
    nockConfig(DEPLOY_CONFIG);
    nockOrgMembership(ALICE, "active");
    nockPullRequest();
    nock(GITHUB).post(DISPATCHES).reply(422, { message: "Validation Failed" });
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "confused" });
    expect(await replyText()).toContain(
      "GitHub did not accept the workflow dispatch, so nothing ran",
    );
  });

  it("does not dispatch when the pull request cannot be read, and says nothing ran", async () => {
    nockConfig(DEPLOY_CONFIG);
    nockOrgMembership(ALICE, "active");
    nock(GITHUB).get(`/repos/acme/widgets/pulls/${PR_NUMBER}`).reply(502, "Bad Gateway");
    const dispatch = forbid("post", DISPATCHES);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(dispatch.calls()).toBe(0);
    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "confused" });
    expect(await replyText()).toContain("so nothing ran. Comment again to retry.");
  });

  it("decides several commands on their own and answers each on its own line", async () => {
    nockConfig("commands:\n  - name: deploy\n  - name: release\n    role: admin\n");
    expectAdmitted(app.log);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging\n/release v2"));

    const reactions = app.log.writes.filter((write) => write.path === REACTIONS);
    expect(reactions.map((write) => write.body)).toEqual(
      expect.arrayContaining([{ content: "rocket" }, { content: "-1" }]),
    );
    expect((await replyText()).split("\n")).toEqual([
      "@alice",
      "- `/deploy`: started (the `deploy-command` workflow was asked to run).",
      "- `/release`: did not run: only owners of acme may run it.",
    ]);
  });

  it("refuses arguments with control characters without a lookup", async () => {
    nockConfig(DEPLOY_CONFIG);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging\u001b[2J"));

    expect(await replyText()).toContain("its arguments contain control characters");
  });

  it("logs each decision once at info with its fields, and never the comment's body at info", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const capture = pino(
      { level: "debug" },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const probot = await testProbot(app.services, capture);
    nockConfig(DEPLOY_CONFIG);
    nockOrgMembership(ALICE, 404);
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);

    await receiveComment(probot, commentPayload("/deploy secret-environment"), "delivery-logged");

    const decisions = lines.filter((line) => line.msg === "command denied");
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      level: 30,
      delivery: "delivery-logged",
      org: "acme",
      repo: "acme/widgets",
      pr: PR_NUMBER,
      actor: "alice",
      actorId: 501,
      command: "deploy",
      decision: "denied",
      reason: "not_member",
      source: "github",
    });
    const atInfo = lines.filter((line) => Number(line.level) >= 30);
    expect(JSON.stringify(atInfo)).not.toContain("secret-environment");
  });
});

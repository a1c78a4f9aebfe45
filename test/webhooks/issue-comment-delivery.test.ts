import nock from "nock";

import {
  COMMENT_ID,
  DEPLOY_CONFIG,
  DISPATCHES,
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
  PR_NUMBER,
  receiveComment,
  receivePush,
  useCommentApp,
} from "../helpers/comment-fixture.js";
import { ALICE, BOB, ORG, servicesOver } from "../helpers/gate-fixture.js";
import { GITHUB, guardNetwork } from "../helpers/github-client.js";
import { nockInstallationToken, testProbot } from "../helpers/test-app.js";

const EDITS_CONFIG = "commands:\n  - name: deploy\n    allow_edits: true\n";

describe("issue_comment: which comments and deliveries run", () => {
  guardNetwork();
  failOnUnmatchedRequests();

  const app = useCommentApp();

  const dispatchedActor = () =>
    (app.log.bodyOf(DISPATCHES) as { client_payload: { actor: unknown } }).client_payload.actor;

  it.each([
    ["a fenced block", "```\n/deploy staging\n```"],
    ["inline code", "try `/deploy staging` once CI is green"],
    ["a quote", "> /deploy staging\nI would rather wait."],
    ["the middle of a sentence", "We could /deploy staging later."],
  ])("ignores a command in %s without any call to GitHub", async (_where, body) => {
    await receiveComment(app.probot, commentPayload(body));
  });

  it("ignores a bot's comment without any call to GitHub", async () => {
    const payload = commentPayload("/deploy staging");
    payload.comment.user = { login: "member-gate[bot]", id: 9001, type: "Bot" };
    payload.sender = payload.comment.user;

    await receiveComment(app.probot, payload);
  });

  it("ignores a command that is not configured", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);

    await receiveComment(app.probot, commentPayload("/cc @bob\n/shrug"));
  });

  it("does nothing in a repository without a configuration file", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig(undefined);

    await receiveComment(app.probot, commentPayload("/deploy staging"));
  });

  it("ignores a plain issue unless the command opts in with on: [issue]", async () => {
    const payload = commentPayload("/deploy staging");
    delete payload.issue.pull_request;
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);

    await receiveComment(app.probot, payload);
  });

  it("runs an opted-in command on a plain issue without reading a pull request", async () => {
    const payload = commentPayload("/deploy staging");
    delete payload.issue.pull_request;
    nockInstallationToken(ORG.installationId);
    nockConfig("commands:\n  - name: deploy\n    on: [pull_request, issue]\n");
    nockOrgMembership(ALICE, "active");
    app.log.expect(DISPATCHES, 204);
    app.log.expect(REACTIONS);

    await receiveComment(app.probot, payload);

    expect(app.log.bodyOf(DISPATCHES)).toMatchObject({ client_payload: { pull_request: null } });
  });

  it("ignores an edited comment by default", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);

    await receiveComment(app.probot, commentPayload("/deploy staging", "edited"));
  });

  it("honours an edit with allow_edits, on behalf of the editor (the sender)", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig(EDITS_CONFIG);
    forbid("get", `/orgs/acme/memberships/${ALICE.login}`);
    expectAdmitted(app.log, BOB);

    await receiveComment(app.probot, commentPayload("/deploy staging", "edited"));

    expect(dispatchedActor()).toEqual({ login: "bob", id: 502 });
  });

  it("does not run again a command that was already in the comment before the edit", async () => {
    const payload = commentPayload("/deploy staging\n\nEdit: typo fixed.", "edited");
    payload.changes = { body: { from: "/deploy staging\n\nEdit: typo fixd." } };
    nockInstallationToken(ORG.installationId);
    nockConfig(EDITS_CONFIG);

    await receiveComment(app.probot, payload);
  });

  it("answers an invalid configuration with one reply naming file, key, problem", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig("commands:\n  - name: deploy\n    role: owner\n");
    forbid("get", "/orgs/acme/memberships/alice");
    app.log.expect(REPLIES);

    await receiveComment(app.probot, commentPayload("/deploy staging\n/retest"));

    expect(app.log.writes).toHaveLength(1);
    expect((app.log.bodyOf(REPLIES) as { body: string }).body).toBe(
      "member-gate's configuration is invalid, so no command ran.\n\n" +
        ".github/member-gate.yml in acme/widgets:\n" +
        '- commands[0].role: expected "admin"\n\n' +
        "Fix the file, then comment again.",
    );
  });

  it.each([
    ["", false],
    [", also when the store cannot record the claim", true],
  ])("runs a delivery once when copies arrive together and again later%s", async (_, fault) => {
    if (fault) app.store.failing.add("write");
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);
    expectAdmitted(app.log);
    const payload = commentPayload("/deploy staging");

    await Promise.all([
      receiveComment(app.probot, payload, "delivery-twin"),
      receiveComment(app.probot, payload, "delivery-twin"),
    ]);
    await receiveComment(app.probot, payload, "delivery-twin");

    expect(app.log.writes.map((write) => write.path)).toEqual([DISPATCHES, REACTIONS]);
  });

  it("runs a delivery once across processes: the claim is in the store", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);
    expectAdmitted(app.log);
    const payload = commentPayload("/deploy staging");
    const replica = await testProbot(servicesOver(app.store));

    await receiveComment(app.probot, payload, "delivery-shared");
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);
    await receiveComment(replica, payload, "delivery-shared");

    expect(app.log.writes.map((write) => write.path)).toEqual([DISPATCHES, REACTIONS]);
  });

  it("serves the configuration and membership from the cache the second time", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);
    expectAdmitted(app.log);
    await receiveComment(app.probot, commentPayload("/deploy staging"));

    nockPullRequest();
    app.log.expect(DISPATCHES, 204);
    app.log.expect(REACTIONS);
    await receiveComment(app.probot, commentPayload("/deploy production"));

    expect(app.log.writes.map((write) => write.path)).toEqual([
      DISPATCHES,
      REACTIONS,
      DISPATCHES,
      REACTIONS,
    ]);
  });

  it("reads the configuration again after a push to the default branch", async () => {
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG);
    await receiveComment(app.probot, commentPayload("/retest"));

    await receivePush(app.probot, "refs/heads/feature");
    await receiveComment(app.probot, commentPayload("/retest"));
    await receivePush(app.probot, "refs/heads/main");
    nockConfig("commands:\n  - name: retest\n    role: admin\n");
    nockOrgMembership(ALICE, "active");
    app.log.expect(REACTIONS);
    app.log.expect(REPLIES);
    await receiveComment(app.probot, commentPayload("/retest"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
  });

  it("admits only the account owner on a personal account, without a lookup", async () => {
    const onAlicesRepo = (body: string) => {
      const payload = commentPayload(body);
      payload.repository.owner = { login: "alice", id: ALICE.id, type: "User" };
      return payload;
    };
    nockInstallationToken(ORG.installationId);
    nockConfig(DEPLOY_CONFIG, "alice");
    nockPullRequest("alice/widgets");
    const own = new WriteLog();
    own.expect("/repos/alice/widgets/dispatches", 204);
    own.expect(`/repos/alice/widgets/issues/comments/${COMMENT_ID}/reactions`);
    own.expect(`/repos/alice/widgets/issues/comments/${COMMENT_ID}/reactions`);
    own.expect(`/repos/alice/widgets/issues/${PR_NUMBER}/comments`);

    await receiveComment(app.probot, onAlicesRepo("/deploy staging"));
    const fromBob = onAlicesRepo("/deploy staging");
    fromBob.comment.user = { login: "bob", id: BOB.id, type: "User" };
    await receiveComment(app.probot, fromBob);

    expect(own.writes).toHaveLength(4);
    expect(own.writes.map((write) => write.body)).toEqual([
      expect.objectContaining({ event_type: "deploy-command" }),
      { content: "rocket" },
      ...new Array(2).fill(expect.anything()),
    ]);
    expect(own.writes.map((write) => write.body)).toEqual(
      expect.arrayContaining([
        { content: "-1" },
        {
          body: "@bob\n- `/deploy`: did not run: only alice, who owns this repository, may run it.",
        },
      ]),
    );
  });
});

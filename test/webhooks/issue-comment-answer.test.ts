import { pino } from "pino";

import {
  DEPLOY_CONFIG,
  DISPATCHES,
  PR_NUMBER,
  REACTIONS,
  REPLIES,
  commentPayload,
  expectAdmitted,
  failOnUnmatchedRequests,
  forbid,
  nockConfig,
  nockOrgMembership,
  receiveComment,
  useCommentApp,
} from "../helpers/comment-fixture.js";
import { ALICE, ORG } from "../helpers/gate-fixture.js";
import { guardNetwork } from "../helpers/github-client.js";
import { nockInstallationToken, testProbot } from "../helpers/test-app.js";

describe("issue_comment: the answer and the log", () => {
  guardNetwork();
  failOnUnmatchedRequests();

  const app = useCommentApp();

  beforeEach(() => nockInstallationToken(ORG.installationId));

  it("sets only the reaction on denial when reply_on_denied is false", async () => {
    nockConfig(`${DEPLOY_CONFIG}reply_on_denied: false\n`);
    nockOrgMembership(ALICE, 404);
    const reply = forbid("post", REPLIES);
    app.log.expect(REACTIONS);

    await receiveComment(app.probot, commentPayload("/deploy staging"));

    expect(app.log.bodyOf(REACTIONS)).toEqual({ content: "-1" });
    expect(reply.calls()).toBe(0);
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
    expect(app.log.replyText().split("\n")).toEqual([
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

    expect(app.log.replyText()).toContain("its arguments contain control characters");
  });

  it("logs each decision once at info with its fields, never the comment's body", async () => {
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

/**
 * The framework's own cost: a Probot app started like member-gate (same `run`, same Octokit
 * class) whose handler makes the floor's two writes through `context.octokit`, with no gate, no
 * config and no cache. Between the floor and this is Probot; between this and member-gate is the
 * gate. Run as a child process with the same environment as the app.
 */
import { run } from "probot";

import { createGateOctokit } from "../src/github/gate-octokit.js";

await run(
  (app) => {
    app.on("issue_comment.created", async (context) => {
      const repo = context.repo();
      await context.octokit.request("POST /repos/{owner}/{repo}/dispatches", {
        ...repo,
        event_type: "deploy-command",
        client_payload: {},
      });
      await context.octokit.request(
        "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
        { ...repo, comment_id: context.payload.comment.id, content: "rocket" },
      );
    });
  },
  { Octokit: createGateOctokit(3_000) },
);

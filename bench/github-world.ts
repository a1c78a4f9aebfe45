import { GitHubStub } from "../test/helpers/github-stub.js";
import { memberId } from "./deliveries.js";

const CONFIG = "commands:\n  - name: deploy\n    event_type: deploy-command\n";

/**
 * A GitHub API on loopback for the benchmark: every installation's org has one repository with a
 * `/deploy` configuration, and every `member-j` is an active member of every org.
 */
export async function startGitHubWorld(): Promise<GitHubStub> {
  const stub = await GitHubStub.start({ record: false });
  stub
    .on("POST", "/app/installations/:id/access_tokens", {
      status: 201,
      body: {
        token: "ghs_bench_installation_token",
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { members: "read", issues: "write", contents: "write" },
      },
    })
    .on("GET", "/repos/:owner/:repo/contents/:path", {
      status: 200,
      body: CONFIG,
      headers: { "content-type": "text/plain; charset=utf-8" },
    })
    .on("GET", "/orgs/:org/memberships/:user", (_request, params) => ({
      status: 200,
      body: {
        state: "active",
        role: "member",
        user: { login: params.user, id: memberId(Number(params.user?.split("-")[1])) },
      },
    }))
    .on("GET", "/repos/:owner/:repo/pulls/:number", (_request, params) => ({
      status: 200,
      body: {
        number: Number(params.number),
        head: { sha: "0".repeat(40), ref: "feature", repo: { full_name: `${params.owner}/fork` } },
        base: { ref: "main" },
      },
    }))
    .on("POST", "/repos/:owner/:repo/dispatches", { status: 204 })
    .on("POST", "/repos/:owner/:repo/issues/comments/:id/reactions", {
      status: 201,
      body: { id: 1, content: "rocket" },
    });
  return stub;
}

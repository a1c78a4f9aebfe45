import { orgId, orgLogin, TEAM, userId, userLogin } from "./world.js";

/** Webhook payloads of the soak, trimmed to the fields the app reads (shapes as GitHub sends). */

function account(login: string, id: number, type = "User") {
  return { login, id, type };
}

const ADMIN = account("soak-admin", 1);

function organization(org: number) {
  return { login: orgLogin(org), id: orgId(org) };
}

/** `issue_comment.created` on pull request 7 of `soak-org-N/service`. */
export function commentPayload(org: number, user: number, id: number, body: string) {
  const author = account(userLogin(user), userId(user));
  const owner = account(orgLogin(org), orgId(org), "Organization");
  const repository = {
    id: 900_000 + org,
    name: "service",
    full_name: `${owner.login}/service`,
    owner,
    default_branch: "main",
  };
  const htmlUrl = `https://github.com/${repository.full_name}/pull/7#issuecomment-${id}`;
  return {
    action: "created",
    issue: { number: 7, user: author, state: "open", pull_request: { url: htmlUrl } },
    comment: { id, body, user: author, html_url: htmlUrl, author_association: "MEMBER" },
    repository,
    organization: organization(org),
    installation: { id: org },
    sender: author,
  };
}

/** `organization.member_added` or `organization.member_removed`. */
export function orgMemberPayload(action: string, org: number, user: number) {
  return {
    action,
    membership: { state: "active", role: "member", user: account(userLogin(user), userId(user)) },
    organization: organization(org),
    sender: ADMIN,
    installation: { id: org },
  };
}

/** `membership.added` or `membership.removed` of the release team. */
export function teamMemberPayload(action: string, org: number, user: number) {
  return {
    action,
    scope: "team",
    member: account(userLogin(user), userId(user)),
    team: { name: "Release", id: TEAM.id, slug: TEAM.slug },
    organization: organization(org),
    sender: ADMIN,
    installation: { id: org },
  };
}

import { randomUUID } from "node:crypto";

/** The benchmark's world: installation i belongs to org i with one repository and some members. */
export interface World {
  readonly installations: number;
  readonly membersPerOrg: number;
}

export const orgLogin = (i: number) => `bench-org-${i}`;
export const orgId = (i: number) => 100_000 + i;
export const memberLogin = (j: number) => `member-${j}`;
export const memberId = (j: number) => 1_000 + j;

let commentId = 1;

/** An `issue_comment.created` delivery of `/deploy staging` on PR 7 of org i, by member j. */
export function commentDelivery(i: number, j: number): { id: string; body: string } {
  const owner = { login: orgLogin(i), id: orgId(i), type: "Organization" };
  const user = { login: memberLogin(j), id: memberId(j), type: "User" };
  const repository = {
    id: 500_000 + i,
    name: "service",
    full_name: `${owner.login}/service`,
    owner,
    default_branch: "main",
  };
  const id = commentId++;
  const payload = {
    action: "created",
    issue: {
      number: 7,
      user,
      state: "open",
      pull_request: { url: `https://api.github.com/repos/${repository.full_name}/pulls/7` },
    },
    comment: {
      id,
      body: "/deploy staging",
      user,
      html_url: `https://github.com/${repository.full_name}/pull/7#issuecomment-${id}`,
      author_association: "MEMBER",
    },
    repository,
    organization: { login: owner.login, id: owner.id },
    installation: { id: i },
    sender: user,
  };
  return { id: randomUUID(), body: JSON.stringify(payload) };
}

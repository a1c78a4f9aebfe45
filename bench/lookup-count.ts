import type { GateStore } from "../src/cache/gate-store.js";
import type { GitHubClient } from "../src/github/membership-lookup.js";
import type { OrgRef } from "../src/membership/types.js";
import { benchServices } from "./bench-services.js";

let orgs = 0;

/** A GitHub that answers every membership "active" after 5 ms, and counts what it was asked. */
function countingGitHub(): { github: GitHubClient; lookups: () => number } {
  let lookups = 0;
  const request = async (_route: string, params: { username: string }) => {
    lookups += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const id = Number(params.username.slice("user-".length));
    return { status: 200, data: { state: "active", role: "member", user: { id } } };
  };
  return { github: { request } as unknown as GitHubClient, lookups: () => lookups };
}

async function commands(store: GateStore, users: number, count: number): Promise<number> {
  const services = benchServices(store);
  const { github, lookups } = countingGitHub();
  const org: OrgRef = { installationId: 1, orgId: 900_000 + ++orgs, login: "bench-org" }; // cold
  const actor = (i: number) => ({ id: 1 + (i % users), login: `user-${1 + (i % users)}` });
  await Promise.all(
    Array.from({ length: count }, (_, i) => services.gate.orgMembership(github, org, actor(i))),
  );
  await services.close();
  return lookups();
}

/** Section 3: lookups sent to GitHub for concurrent commands on a cold cache. */
export async function measureLookupCounts(open: () => Promise<GateStore>): Promise<string[][]> {
  return [
    ["1,000 commands from 10 members", String(await commands(await open(), 10, 1_000)), "10"],
    [
      "100 concurrent commands from 1 uncached member",
      String(await commands(await open(), 1, 100)),
      "1",
    ],
  ];
}

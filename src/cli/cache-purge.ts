import { CliError, type CliEnvironment, type CommandResult } from "./cli-environment.js";
import { connectToOrg, userId, type OrgInstallation } from "./installation-client.js";
import { UsageError } from "./usage.js";
import { StoreFault } from "../cache/store-errors.js";
import type { Invalidation } from "../membership/invalidation.js";
import { openServices } from "../services.js";

const NUMERIC = /^\d+$/;

/**
 * `member-gate cache purge --org ORG [--user USER]`: applies the same invalidation a webhook would
 * (the user's org and team entries, or every entry of the org), so that every replica sharing the
 * store asks GitHub again on the next command. Numeric ids need no GitHub call.
 */
export async function cachePurge(
  env: CliEnvironment,
  org: string,
  user: string | undefined,
): Promise<CommandResult> {
  const invalidation = await resolveInvalidation(env, org, user);

  const services = await openServices(env.settings, env.log);
  try {
    await services.revocations.apply(invalidation);
  } catch (error) {
    if (!(error instanceof StoreFault)) throw error;
    throw new CliError(`The cache store did not accept the purge (${error.message}).`);
  } finally {
    await services.close();
  }
  return { exitCode: 0, lines: [describe(invalidation, org, user)] };
}

async function resolveInvalidation(
  env: CliEnvironment,
  org: string,
  user: string | undefined,
): Promise<Invalidation> {
  const installation = NUMERIC.test(org) ? undefined : await connectToOrg(env, org);
  const orgId = installation?.org.orgId ?? Number(org);
  if (user === undefined) return { kind: "org", orgId };

  return { kind: "org_member", orgId, userId: await resolveUser(installation, user) };
}

async function resolveUser(installation: OrgInstallation | undefined, user: string) {
  if (NUMERIC.test(user)) return Number(user);
  if (installation === undefined) {
    throw new UsageError(
      "--user as a login needs --org as a login; or give --user as a numeric id",
    );
  }
  return userId(installation, user);
}

function describe(invalidation: Invalidation, org: string, user: string | undefined): string {
  const orgName = `org ${named(org, invalidation.orgId)}`;
  if (invalidation.kind !== "org_member") return `purged: every cached membership in ${orgName}.`;
  const userName = `user ${named(user ?? "", invalidation.userId)}`;
  return `purged: the cached memberships of ${userName} in ${orgName}.`;
}

/** `acme (id 1001)` for a login, `id 1001` for a number. */
function named(given: string, id: number): string {
  return NUMERIC.test(given) ? `id ${id}` : `${given} (id ${id})`;
}

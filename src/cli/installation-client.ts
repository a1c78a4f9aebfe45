import { Probot, type ProbotOctokit } from "probot";

import type { CliEnvironment } from "./cli-environment.js";
import { CliError } from "./cli-environment.js";
import { createGateOctokit } from "../github/gate-octokit.js";
import type { OrgRef } from "../membership/types.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** An org the app is installed on, and an Octokit authenticated as that installation. */
export interface OrgInstallation {
  readonly org: OrgRef;
  readonly github: Octokit;
}

/**
 * Authenticates as the app (JWT), finds its installation on `orgLogin`
 * (`GET /orgs/{org}/installation`) and returns an Octokit with that installation's token.
 */
export async function connectToOrg(
  env: CliEnvironment,
  orgLogin: string,
): Promise<OrgInstallation> {
  const { appId, privateKey, baseUrl } = env.credentials();
  const Octokit = createGateOctokit(env.settings.lookupDeadlineMs);
  const probot = new Probot({ appId, privateKey, baseUrl, Octokit, log: env.log });

  const app = await probot.auth();
  const installation = await app
    .request("GET /orgs/{org}/installation", { org: orgLogin })
    .catch((error: unknown) => {
      throw explain(error, `find the app's installation on ${orgLogin}`, baseUrl);
    });
  const { id: installationId, account } = installation.data;
  const orgId = account !== null && "id" in account ? Number(account.id) : undefined;
  if (orgId === undefined) throw new CliError(`GitHub did not say which account ${orgLogin} is.`);

  const github = await probot.auth(installationId);
  return { org: { installationId, orgId, login: orgLogin }, github };
}

/** The numeric id of the user `login` (`GET /users/{username}`). */
export async function userId(installation: OrgInstallation, login: string): Promise<number> {
  try {
    const { data } = await installation.github.request("GET /users/{username}", {
      username: login,
    });
    return Number(data.id);
  } catch (error) {
    throw explain(error, `find the user ${login}`, "GitHub");
  }
}

const HINTS: Readonly<Record<number, string>> = {
  401: "GitHub rejected the app's credentials: check APP_ID and the private key.",
  403: "GitHub refused: check the app's permissions and rate limit.",
  404: "GitHub answered 404: check the name, and that the app is installed on the org.",
};

/** Turns an Octokit failure into a {@link CliError} that says what was tried and what to check. */
function explain(error: unknown, attempt: string, where: string): CliError {
  const status = (error as { status?: unknown }).status;
  const hint =
    typeof status === "number"
      ? (HINTS[status] ?? `GitHub answered ${status}.`)
      : `No answer from ${where}: ${error instanceof Error ? error.message : String(error)}.`;
  return new CliError(`Could not ${attempt}. ${hint}`, { cause: error });
}

import { getPrivateKey } from "@probot/get-private-key";

import { SettingsError } from "./settings.js";

/** What authenticates as the GitHub App, and where its API is. */
export interface AppCredentials {
  readonly appId: number;
  readonly privateKey: string;
  /** `https://api.github.com`, or `PROTOCOL://GHE_HOST/api/v3` on GitHub Enterprise Server. */
  readonly baseUrl: string;
}

/** The REST API root Probot uses for the same environment. */
export function githubApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.GHE_HOST?.trim();
  if (host === undefined || host === "") return "https://api.github.com";
  return `${env.GHE_PROTOCOL?.trim() || "https"}://${host}/api/v3`;
}

/**
 * Reads APP_ID and the private key (PRIVATE_KEY, PRIVATE_KEY_PATH, or the one .pem file in the
 * working folder) the way Probot does. Returns undefined when neither is set: the first start,
 * which opens Probot's setup page. Throws {@link SettingsError} when one is set and the pair cannot
 * be used, instead of falling back to the setup page in silence.
 */
export function readAppCredentials(
  env: NodeJS.ProcessEnv = process.env,
): AppCredentials | undefined {
  const rawId = env.APP_ID?.trim() ?? "";
  const privateKey = readPrivateKey(env);
  if (rawId === "" && privateKey === undefined) return undefined;

  if (!/^\d+$/.test(rawId)) {
    throw new SettingsError("APP_ID", "expected the GitHub App's numeric id", rawId);
  }
  if (privateKey === undefined) {
    const rule = "APP_ID is set but no private key was found; set PRIVATE_KEY or PRIVATE_KEY_PATH";
    throw new SettingsError("PRIVATE_KEY", rule, "");
  }
  return { appId: Number(rawId), privateKey, baseUrl: githubApiUrl(env) };
}

function readPrivateKey(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return getPrivateKey({ env }) ?? undefined;
  } catch (error) {
    // The message names the variable and what is wrong with it, never the key itself.
    const message = error instanceof Error ? error.message : String(error);
    const rule = message.replace(/^\[[^\]]*\] /, "").replace(/\.$/, "");
    const variable = env.PRIVATE_KEY ? "PRIVATE_KEY" : "PRIVATE_KEY_PATH";
    const shown = variable === "PRIVATE_KEY" ? "(hidden)" : (env.PRIVATE_KEY_PATH ?? "");
    throw new SettingsError(variable, rule, shown);
  }
}

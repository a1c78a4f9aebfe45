import { GitHubStub } from "./github-stub.js";
import { spawnBuilt, tempFolder, type Exit } from "./child-process.js";
import { TEST_APP_ID, TEST_PRIVATE_KEY } from "./test-app.js";

/** The environment an operator's shell would have: the app's credentials, GHE_HOST at the stub. */
export function cliEnv(stub: GitHubStub, cacheUrl: string): Record<string, string> {
  return {
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    GHE_HOST: stub.host,
    GHE_PROTOCOL: "http",
    CACHE_URL: cacheUrl,
  };
}

/** Runs `node dist/cli/main.js ARGS` in an empty folder (no .env) and waits for it to exit. */
export async function runCli(args: readonly string[], env: Record<string, string>): Promise<Exit> {
  const folder = tempFolder();
  try {
    return await spawnBuilt("cli/main.js", args, { cwd: folder.path, env }).exited;
  } finally {
    folder.remove();
  }
}

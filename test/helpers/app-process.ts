import { chownSync, copyFileSync } from "node:fs";
import { join } from "node:path";

import { TEST_APP_ID, TEST_PRIVATE_KEY, TEST_WEBHOOK_SECRET } from "./test-app.js";
import type { GitHubStub } from "./github-stub.js";
import {
  freePort,
  ROOT,
  spawnBuilt,
  tempFolder,
  type Exit,
  type NodeChild,
} from "./child-process.js";

const STARTED = /Listening on http/;
/** The app trusts its cache only after this line: tests that count cache hits start after it. */
const FIRST_CHECK_DONE = /first check of missed deliveries done/;
/** Without APP_ID and a key there is no app to check deliveries for. */
const SETUP_MODE = /Probot is in setup mode/;

function isStarted(output: string): boolean {
  return STARTED.test(output) && (FIRST_CHECK_DONE.test(output) || SETUP_MODE.test(output));
}
const START_TIMEOUT_MS = 15_000;

/** The environment the production start path runs with in tests: the stub stands in for GitHub. */
export function appEnv(stub: GitHubStub, folder: string): Record<string, string> {
  return {
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: TEST_PRIVATE_KEY,
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    HOST: "127.0.0.1",
    GHE_HOST: stub.host,
    GHE_PROTOCOL: "http",
    CACHE_URL: `sqlite://${join(folder, "cache.sqlite")}`,
    LOG_FORMAT: "json",
    LOG_LEVEL: "debug",
  };
}

/** The app started from `dist/main.js` as `npm start` runs it. */
export interface RunningApp {
  readonly url: string;
  readonly child: NodeChild;
  /** Stops the app and removes its working folder. */
  stop(): Promise<Exit>;
}

/**
 * Starts `node dist/main.js` in a fresh working folder with `appEnv` plus `overrides`, and waits
 * for Probot's "Listening" line. Rejects with the output if it exits or stays silent instead.
 * `files` are copied from the repository into the working folder first (e.g. `app.yml`). With
 * `user`, the app runs as that user, who owns the working folder.
 */
export async function startApp(
  stub: GitHubStub,
  overrides: Record<string, string> = {},
  files: readonly string[] = [],
  user?: { readonly uid: number; readonly gid: number },
): Promise<RunningApp> {
  const folder = tempFolder();
  for (const file of files) copyFileSync(join(ROOT, file), join(folder.path, file));
  if (user) chownSync(folder.path, user.uid, user.gid);
  const port = await freePort();
  const env = { ...appEnv(stub, folder.path), PORT: String(port), ...overrides };
  const child = spawnBuilt("main.js", [], { cwd: folder.path, env, ...(user && { user }) });
  const stop = async () => {
    const exit = await child.stop();
    folder.remove();
    return exit;
  };

  try {
    await listening(child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, child, stop };
}

/** Runs the app until it exits by itself (a start-up failure); for tests of what stops it. */
export async function runAppUntilExit(
  stub: GitHubStub,
  overrides: Record<string, string>,
): Promise<Exit> {
  const folder = tempFolder();
  const env = { ...appEnv(stub, folder.path), PORT: String(await freePort()), ...overrides };
  const child = spawnBuilt("main.js", [], { cwd: folder.path, env });
  const timer = setTimeout(() => void child.stop(), START_TIMEOUT_MS);
  const exit = await child.exited;
  clearTimeout(timer);
  folder.remove();
  return exit;
}

async function listening(child: NodeChild): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!isStarted(child.output)) {
    if (child.process.exitCode !== null || Date.now() > deadline) {
      const { code, output } = await child.stop();
      throw new Error(`the app did not start (exit ${code}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

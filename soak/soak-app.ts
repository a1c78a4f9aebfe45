import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { freePort } from "../test/helpers/child-process.js";

/** The repository root, from `dist-soak/soak/`. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const START_TIMEOUT_MS = 20_000;

/** The app as production runs it, `node dist/main.js`, its output written to `app.log`. */
export interface SoakApp {
  readonly url: string;
  readonly pid: number;
  readonly log: string;
  /** Set when the process ended before `stop` was called: a crash. */
  readonly crash: () => string | undefined;
  /** SIGTERM, then SIGKILL after 10 s; the exit code or signal. */
  stop(): Promise<string>;
}

/** Starts the app in `folder` with exactly `env` (plus PATH and PORT). */
export async function startSoakApp(env: Record<string, string>, folder: string): Promise<SoakApp> {
  const port = await freePort();
  const log = join(folder, "app.log");
  const child = spawn(process.execPath, [join(ROOT, "dist", "main.js")], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? "", ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = createWriteStream(log);
  child.stdout.pipe(output);
  child.stderr.pipe(output);

  let stopping = false;
  let crash: string | undefined;
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => {
      const how = signal ?? `exit code ${code}`;
      if (!stopping) crash = how;
      resolve(how);
    }),
  );
  await listening(child, log);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    log,
    crash: () => crash,
    stop: async () => {
      stopping = crash === undefined;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const how = await exited;
      clearTimeout(killer);
      return how;
    },
  };
}

/** Resolves on Probot's "Listening on" line; rejects if the app exits or stays silent. */
function listening(child: ChildProcess, log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const fail = (why: string) => reject(new Error(`the app did not start (${why}); see ${log}`));
    const timer = setTimeout(() => fail("no 'Listening on' line in 20 s"), START_TIMEOUT_MS);
    const watch = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-2_000);
      if (!/Listening on/.test(seen)) return;
      clearTimeout(timer);
      child.stdout?.off("data", watch);
      resolve();
    };
    child.stdout?.on("data", watch);
    child.once("exit", (code) => fail(`exit code ${code}`));
  });
}

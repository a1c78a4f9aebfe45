import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The repository root: the built files live in `dist/` below it. */
export const ROOT = resolve(import.meta.dirname, "../..");

export interface Exit {
  readonly code: number | null;
  readonly output: string;
}

/** A child `node` process whose stdout and stderr are collected together. */
export class NodeChild {
  #output = "";
  readonly exited: Promise<Exit>;

  constructor(readonly process: ChildProcess) {
    process.stdout?.on("data", (chunk: Buffer) => (this.#output += chunk.toString("utf8")));
    process.stderr?.on("data", (chunk: Buffer) => (this.#output += chunk.toString("utf8")));
    this.exited = once(process, "close").then(([code]) => ({
      code: code as number | null,
      output: this.#output,
    }));
  }

  get output(): string {
    return this.#output;
  }

  /** Stops the process (SIGTERM) and waits for it to end. */
  async stop(): Promise<Exit> {
    if (this.process.exitCode === null) this.process.kill("SIGTERM");
    return this.exited;
  }
}

/**
 * Runs `node dist/<script>` in `cwd` with exactly `env` (plus PATH): nothing leaks in from the
 * test runner's environment or from a developer's `.env`.
 */
export function spawnBuilt(script: string, args: readonly string[], options: SpawnOptions) {
  const env = { PATH: process.env.PATH ?? "", ...options.env };
  const child = spawn(process.execPath, [join(ROOT, "dist", script), ...args], {
    cwd: options.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    ...options.user,
  });
  return new NodeChild(child);
}

export interface SpawnOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Runs the child as this user (only root may ask). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** A port that was free a moment ago (Probot reads PORT=0 as 3000, so tests pick one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no port assigned");
  return address.port;
}

/** A temporary working folder, removed by `remove()`. */
export function tempFolder(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "member-gate-run-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

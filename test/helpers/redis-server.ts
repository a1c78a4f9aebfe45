import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const STARTUP_DEADLINE_MS = 5000;

/** True when `redis-server` can be run here. */
export const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

/**
 * `describe` for suites that need a real Redis: skipped with a loud message when redis-server is
 * missing, and failing instead when CI is set (`.ci/run` installs it).
 */
export function describeWithRedis(title: string, suite: () => void): void {
  if (hasRedisServer) return describe(title, suite);
  if (process.env["CI"]) {
    throw new Error("redis-server is not installed; .ci/run installs it (apt-get redis-server).");
  }
  console.warn(
    `\n*** SKIPPED "${title}": redis-server is not on PATH (apt-get install redis-server)`,
  );
  describe.skip(title, suite);
}

/**
 * A throwaway redis-server on a free loopback port. Without persistence a restart empties it; a
 * persistent one (append-only file in a temporary folder, fsync on every write) keeps its data.
 */
export class RedisServer {
  #process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly folder: string | undefined,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(options: { persistent?: boolean } = {}): Promise<RedisServer> {
    const folder = options.persistent
      ? mkdtempSync(join(tmpdir(), "member-gate-redis-"))
      : undefined;
    const server = new RedisServer(await freePort(), folder);
    await server.start();
    return server;
  }

  /** Starts the server (again) on its port, unless running; resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.#process !== undefined) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", ""];
    const persistence =
      this.folder === undefined
        ? ["--appendonly", "no"]
        : ["--appendonly", "yes", "--appendfsync", "always", "--dir", this.folder];
    this.#process = spawn("redis-server", [...args, ...persistence], { stdio: "ignore" });
    const deadline = Date.now() + STARTUP_DEADLINE_MS;
    while (!(await answersPing(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stops the server and waits for the process to exit; its data is gone. */
  async stop(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }

  /** Stops the server and removes its data folder, if any. */
  async remove(): Promise<void> {
    await this.stop();
    if (this.folder !== undefined) rmSync(this.folder, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (reply) => {
      socket.destroy();
      resolve(reply.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the stub received. */
export interface StubRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/api/v3/orgs/acme/installation`. */
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export interface StubReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Waits this long before answering (a slow GitHub). */
  readonly delayMs?: number;
  /** Closes the connection instead of answering: the client sees a connection reset. */
  readonly hangUp?: boolean;
}

/** A fixed reply, or one computed from the request and the path's `:name` parameters. */
export type StubResponder =
  StubReply | ((request: StubRequest, params: Readonly<Record<string, string>>) => StubReply);

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly responder: StubResponder;
}

/** A GitHub Enterprise-style API base path: Probot builds `http://GHE_HOST/api/v3`. */
export const API = "/api/v3";

const NOT_FOUND: StubReply = { status: 404, body: { message: "Not Found (no stub route)" } };

/**
 * A small GitHub API on 127.0.0.1 for tests that run the app or the CLI as a child process. Routes
 * are `METHOD /path/:param`; the most recently added match wins; anything else answers 404. Every
 * request is recorded in `requests`.
 */
export class GitHubStub {
  readonly requests: StubRequest[] = [];
  readonly #routes: Route[] = [];
  readonly #waiters = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    private readonly record: boolean,
  ) {}

  /** `record: false` keeps no request log (for the benchmark's long runs). */
  static async start(options: { record?: boolean } = {}): Promise<GitHubStub> {
    const server = createServer();
    const stub = new GitHubStub(server, options.record ?? true);
    server.on("request", (request, response) => void stub.#answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    // the app checks its delivery log before it listens; none missed unless a test says so
    return stub.on("GET", "/app/hook/deliveries", { status: 200, body: [] });
  }

  /** `127.0.0.1:PORT`, the value of GHE_HOST. */
  get host(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Adds a route; `path` is relative to `/api/v3`. */
  on(method: string, path: string, responder: StubResponder): this {
    const names: string[] = [];
    const source = `${API}${path}`.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    this.#routes.unshift({ method, pattern: new RegExp(`^${source}$`), names, responder });
    return this;
  }

  /** Requests received for `METHOD /path` (relative to `/api/v3`, exact). */
  calls(method: string, path: string): StubRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === `${API}${path}`);
  }

  /** Resolves with the first recorded request that matches, waiting up to `timeoutMs` for it. */
  async waitFor(match: (request: StubRequest) => boolean, timeoutMs = 5000): Promise<StubRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.find(match);
      if (found) return found;
      if (Date.now() >= deadline)
        throw new Error(`the stub saw no such request in ${timeoutMs} ms`);
      await this.#nextRequest(deadline - Date.now());
    }
  }

  /** Resolves when the next request arrives, or after `ms`. */
  #nextRequest(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, ms);
      const waiters = this.#waiters;
      function wake() {
        clearTimeout(timer);
        waiters.delete(wake);
        resolve();
      }
      waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const recorded: StubRequest = {
      method: request.method ?? "GET",
      path: (request.url ?? "/").split("?")[0] ?? "/",
      headers: request.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    if (this.record) this.requests.push(recorded);
    for (const wake of [...this.#waiters]) wake();

    const reply = this.#reply(recorded);
    if (reply.delayMs !== undefined) await new Promise((done) => setTimeout(done, reply.delayMs));
    if (response.destroyed) return;
    if (reply.hangUp) {
      request.socket.destroy();
      return;
    }
    const headers = { "content-type": "application/json", ...reply.headers };
    const body = serialize(reply.body);
    response.writeHead(reply.status, headers).end(body);
  }

  #reply(request: StubRequest): StubReply {
    for (const route of this.#routes) {
      const match = route.method === request.method ? route.pattern.exec(request.path) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1] ?? ""]));
      return typeof route.responder === "function"
        ? route.responder(request, params)
        : route.responder;
    }
    return NOT_FOUND;
  }
}

/** The org an installation is on, as the stub describes it. */
export interface StubOrg {
  readonly login: string;
  readonly id: number;
  readonly installationId: number;
}

export const STUB_TOKEN = "ghs_stub_installation_token_0123456789";

/**
 * Serves what any installation call needs: `GET /orgs/:org/installation` (app JWT) and the token
 * exchange `POST /app/installations/:id/access_tokens`.
 */
export function serveInstallation(stub: GitHubStub, org: StubOrg): GitHubStub {
  return stub
    .on("GET", `/orgs/${org.login}/installation`, {
      status: 200,
      body: {
        id: org.installationId,
        account: { login: org.login, id: org.id, type: "Organization" },
      },
    })
    .on("POST", `/app/installations/${org.installationId}/access_tokens`, {
      status: 201,
      body: {
        token: STUB_TOKEN,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: { members: "read", issues: "write", pull_requests: "read", contents: "write" },
        repository_selection: "all",
      },
    });
}

/** A string body is sent as it is (e.g. a raw file); anything else as JSON. */
function serialize(body: unknown): string {
  if (body === undefined) return "";
  return typeof body === "string" ? body : JSON.stringify(body);
}

import { RequestError } from "@octokit/request-error";
import type { RequestMethod } from "@octokit/types";
import type { ProbotOctokit } from "probot";

import type { GitHubClient } from "./membership-lookup.js";
import { nodeFetch } from "./node-fetch.js";
import { inTurn } from "./serial-writes.js";

type Fetch = typeof globalThis.fetch;
type InstallationOctokit = InstanceType<typeof ProbotOctokit>;

/** What the command path needs to talk to GitHub as one installation. */
export interface InstallationAccess {
  /** e.g. `https://api.github.com`, or `https://HOST/api/v3` for GitHub Enterprise Server. */
  readonly baseUrl: string;
  /** The installation's token (Probot's auth caches it until shortly before it expires). */
  token(): Promise<string>;
  /** Writes with the same key go one at a time. */
  readonly writeKey: string;
}

export interface DirectResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly data: unknown;
}

const API_VERSION = "2022-11-28";
const USER_AGENT = "member-gate";

/** `{name}` placeholders of a route's path, filled from (and removed from) the parameters. */
function expandPath(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
    const value = params[name];
    delete params[name];
    return encodeURIComponent(String(value));
  });
}

function readHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  return headers;
}

/** JSON when it parses, the text otherwise (the caller decides what an odd body means). */
function readData(text: string, status: number): unknown {
  if (status === 204 || status === 205 || text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * GitHub's REST API for the few routes of the command path (membership, team, pull request,
 * dispatch, reaction, reply), straight over node's HTTP client. Octokit's per-request pipeline
 * (route merging, hooks, plugins) cost more CPU than the rest of a command together; this client
 * keeps what matters here: the installation token, the deadline, no redirects followed, writes of
 * an installation one at a time, and Octokit's `RequestError` for every failure, so that failures
 * are classified exactly as Octokit's are (a network failure is status 500 without a response).
 */
export class DirectGitHub {
  constructor(
    private readonly access: InstallationAccess,
    private readonly fetch: Fetch,
  ) {}

  async request(route: string, parameters: Record<string, unknown> = {}): Promise<DirectResponse> {
    const [method = "GET", template = ""] = route.split(" ");
    const params = { ...parameters };
    const url = `${this.access.baseUrl}${expandPath(template, params)}`;
    // the token first: getting it may itself be a write, which must not queue behind this one
    const token = await this.access.token();
    const send = () => this.#send(method, url, params, token);
    return method === "GET" || method === "HEAD" ? send() : inTurn(this.access.writeKey, send);
  }

  async #send(
    method: string,
    url: string,
    params: Record<string, unknown>,
    token: string,
  ): Promise<DirectResponse> {
    const headers: Record<string, string> = {
      accept: "application/vnd.github+json",
      authorization: `token ${token}`,
      "user-agent": USER_AGENT,
      "x-github-api-version": API_VERSION,
    };
    const hasBody = method !== "GET" && method !== "HEAD";
    if (hasBody) headers["content-type"] = "application/json; charset=utf-8";
    const request = { method: method as RequestMethod, url, headers };

    let response: Response;
    try {
      const init: RequestInit = { method, headers, redirect: "manual" };
      if (hasBody) init.body = JSON.stringify(params);
      response = await this.fetch(url, init);
    } catch (error) {
      throw new RequestError(error instanceof Error ? error.message : String(error), 500, {
        request,
        cause: error,
      });
    }
    const answer = {
      status: response.status,
      url,
      headers: readHeaders(response),
      data: readData(await response.text(), response.status),
    };
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw new RequestError(`${method} ${url} answered ${answer.status}`, answer.status, {
      request,
      response: answer,
    });
  }
}

const fetchers = new Map<number, Fetch>();

/** A direct client, typed as Octokit's `request` for the routes it serves (same in and out). */
export function directClient(access: InstallationAccess, deadlineMs: number): GitHubClient {
  let fetch = fetchers.get(deadlineMs);
  if (fetch === undefined) {
    fetch = nodeFetch(deadlineMs);
    fetchers.set(deadlineMs, fetch);
  }
  return new DirectGitHub(access, fetch) as unknown as GitHubClient;
}

/**
 * The command path's client for the installation `octokit` is authenticated as: the same base
 * URL and token as Probot's Octokit, without its per-request pipeline.
 */
export function directClientFor(
  octokit: InstallationOctokit,
  installationId: number,
  deadlineMs: number,
): GitHubClient {
  return directClient(
    {
      baseUrl: octokit.request.endpoint.DEFAULTS.baseUrl,
      token: async () => {
        const auth = (await octokit.auth({ type: "installation" })) as { token: string };
        return auth.token;
      },
      writeKey: `installation-${installationId}`,
    },
    deadlineMs,
  );
}

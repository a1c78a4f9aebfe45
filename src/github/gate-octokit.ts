import { request as octokitRequest } from "@octokit/request";
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

import { nodeFetch } from "./node-fetch.js";
import { installationKey, serialWrites } from "./serial-writes.js";

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;
interface ThrottleOptions {
  readonly connection?: Bottleneck.IORedisConnection;
  readonly [option: string]: unknown;
}

let clusteredPacing: Record<"write" | "notifications", Bottleneck.Group> | undefined;

/**
 * With Probot's `REDIS_URL`, the throttling plugin coordinates requests across replicas; its own
 * groups would space writes 1 s and comments 3 s apart, so ours replace them (no fixed gap).
 */
function clusteredThrottle(
  throttle: ThrottleOptions,
  connection: Bottleneck.IORedisConnection,
  id: string,
): object {
  const common = { maxConcurrent: 1, minTime: 0, timeout: 120_000, connection };
  clusteredPacing ??= {
    write: new Bottleneck.Group({ id: "member-gate-write", ...common }),
    notifications: new Bottleneck.Group({ id: "member-gate-notifications", ...common }),
  };
  const fail = () => false;
  return {
    ...throttle,
    enabled: true,
    id,
    ...clusteredPacing,
    onRateLimit: fail,
    onSecondaryRateLimit: fail,
  };
}

/** Probot's throttling only when REDIS_URL asks for cluster-wide coordination. */
function throttleFor(options: OctokitOptions): object {
  const throttle = options.throttle as ThrottleOptions | undefined;
  if (throttle?.connection === undefined) return { enabled: false };
  return clusteredThrottle(throttle, throttle.connection, installationKey(options));
}

/**
 * The request the app's authentication makes installation tokens with. Probot hands auth-app a
 * request without the base URL or the fetch the Octokit has: a token asked for through
 * `octokit.auth()` (the direct client does) would go to github.com on GitHub Enterprise Server,
 * with no deadline. Octokit's own requests are not affected: its auth hook passes its request.
 */
function authWithTokenRequest(
  options: OctokitOptions,
  tokenRequest: (baseUrl: string) => typeof octokitRequest,
): unknown {
  const auth: unknown = options.auth;
  if (typeof auth !== "object" || auth === null) return auth;
  const baseUrl = options.baseUrl ?? octokitRequest.endpoint.DEFAULTS.baseUrl;
  return { ...auth, request: tokenRequest(baseUrl) };
}

/**
 * The Octokit class the app runs with. Probot's defaults would wait up to an hour on a rate limit
 * and retry for 14 s; inside a webhook that only turns an undecided answer into a late one. Here a
 * rate limit fails at once (the caller treats it as undecided), nothing is retried, the writes of
 * an installation go one at a time (instead of one per second for the whole process), and each
 * request has a deadline.
 */
export function createGateOctokit(deadlineMs: number): typeof ProbotOctokit {
  const fetch = nodeFetch(deadlineMs);
  // one per base URL: an Octokit is made for every delivery
  const tokenRequests = new Map<string, typeof octokitRequest>();
  const tokenRequest = (baseUrl: string) => {
    let request = tokenRequests.get(baseUrl);
    if (request === undefined) {
      request = octokitRequest.defaults({ baseUrl, request: { fetch } });
      tokenRequests.set(baseUrl, request);
    }
    return request;
  };
  return ProbotOctokit.plugin(serialWrites).defaults((options: OctokitOptions) => ({
    ...options,
    auth: authWithTokenRequest(options, tokenRequest),
    request: { ...options.request, fetch },
    retry: { enabled: false },
    throttle: throttleFor(options),
  }));
}

import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

import { installationKey, serialWrites } from "./serial-writes.js";

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;
type Fetch = typeof globalThis.fetch;

/**
 * Wraps `fetch` so that every GitHub request ends within `deadlineMs` and no redirect is followed:
 * a webhook must be answered within 10 s, and a redirect is never a membership answer.
 */
export function fetchWithDeadline(deadlineMs: number, base?: Fetch): Fetch {
  return (input, init = {}) => {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const fetchImpl = base ?? globalThis.fetch;
    return fetchImpl(input, { ...init, signal, redirect: "manual" });
  };
}

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
 * The Octokit class the app runs with. Probot's defaults would wait up to an hour on a rate limit
 * and retry for 14 s; inside a webhook that only turns an undecided answer into a late one. Here a
 * rate limit fails at once (the caller treats it as undecided), nothing is retried, the writes of
 * an installation go one at a time (instead of one per second for the whole process), and each
 * request has a deadline.
 */
export function createGateOctokit(deadlineMs: number): typeof ProbotOctokit {
  return ProbotOctokit.plugin(serialWrites).defaults((options: OctokitOptions) => ({
    ...options,
    request: {
      ...options.request,
      fetch: fetchWithDeadline(deadlineMs, options.request?.fetch as Fetch | undefined),
    },
    retry: { enabled: false },
    throttle: throttleFor(options),
  }));
}

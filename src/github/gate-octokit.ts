import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";

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

interface PacingGroups {
  readonly write: Bottleneck.Group;
  readonly notifications: Bottleneck.Group;
}

let pacing: PacingGroups | undefined;

/**
 * The throttling plugin's own groups space every write 1 s apart and every comment 3 s apart; with
 * a per-installation id that still makes one admitted command (dispatch, then reaction) take a
 * second. Ours keep one write of an installation at a time, without a fixed gap: GitHub's limits
 * are per installation token, and a secondary limit it answers holds that installation instead.
 * Shared by every Octokit of the process (and across replicas when Probot's REDIS_URL is set).
 */
function pacingGroups(throttle: OctokitOptions["throttle"]): PacingGroups {
  if (pacing) return pacing;
  const { connection } = (throttle ?? {}) as { connection?: Bottleneck.IORedisConnection };
  const common = {
    maxConcurrent: 1,
    minTime: 0,
    timeout: 120_000,
    ...(connection ? { connection } : {}),
  };
  pacing = {
    write: new Bottleneck.Group({ id: "member-gate-write", ...common }),
    notifications: new Bottleneck.Group({ id: "member-gate-notifications", ...common }),
  };
  return pacing;
}

function throttleId(options: OctokitOptions): string {
  const auth = options.auth as { installationId?: unknown } | undefined;
  const installationId = auth?.installationId;
  return installationId === undefined ? "app" : `installation-${String(installationId)}`;
}

/**
 * The Octokit class the app runs with. Probot's defaults would wait up to an hour on a rate limit
 * and retry for 14 s; inside a webhook that only turns an undecided answer into a late one. Here a
 * rate limit fails at once (the caller treats it as undecided), nothing is retried, writes are paced
 * per installation rather than once per second for the whole process, and each request has a
 * deadline.
 */
export function createGateOctokit(deadlineMs: number): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: OctokitOptions) => ({
    ...options,
    request: {
      ...options.request,
      fetch: fetchWithDeadline(deadlineMs, options.request?.fetch as Fetch | undefined),
    },
    retry: { enabled: false },
    throttle: {
      ...options.throttle,
      enabled: true,
      id: throttleId(options),
      ...pacingGroups(options.throttle),
      onRateLimit: () => false,
      onSecondaryRateLimit: () => false,
    },
  }));
}

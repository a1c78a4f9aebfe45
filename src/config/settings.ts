/** member-gate's own settings, read from the environment (Probot reads its own variables). */
export interface Settings {
  /** keyv URL of the membership cache: `sqlite://path` or `redis://host:port`. */
  readonly cacheUrl: string;
  /** How long a definite "member" answer is trusted, in seconds. */
  readonly memberTtlSeconds: number;
  /** How long a definite "not a member" answer is trusted, in seconds. */
  readonly nonMemberTtlSeconds: number;
  /** Upper bound of one GitHub request, in milliseconds. */
  readonly lookupDeadlineMs: number;
  /** Upper bound of one cache store operation, in milliseconds. */
  readonly storeDeadlineMs: number;
  /** Seconds a handled delivery id is remembered, so that a redelivered command runs once. */
  readonly deliveryTtlSeconds: number;
  /**
   * Probot's REDIS_URL is set: Octokit paces the writes of all replicas together, so the command
   * path writes through Octokit instead of the direct client.
   */
  readonly clusteredWrites?: boolean;
}

export const DEFAULT_CACHE_URL = "sqlite://data/member-gate.sqlite";

/** Thrown at start-up when a variable breaks its rule; the message names both. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";

  constructor(
    readonly variable: string,
    rule: string,
    value: string,
  ) {
    super(
      `${variable}=${JSON.stringify(value)} is invalid: ${rule}. ` +
        "Fix it in the environment or .env.",
    );
  }
}

interface IntegerRule {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

const RULES = {
  MEMBER_TTL: { fallback: 3600, min: 1, max: 7 * 24 * 3600, unit: "seconds" },
  NON_MEMBER_TTL: { fallback: 300, min: 1, max: 7 * 24 * 3600, unit: "seconds" },
  LOOKUP_DEADLINE: { fallback: 3000, min: 100, max: 9000, unit: "milliseconds" },
  STORE_DEADLINE: { fallback: 1000, min: 10, max: 5000, unit: "milliseconds" },
  DELIVERY_TTL: { fallback: 24 * 3600, min: 60, max: 7 * 24 * 3600, unit: "seconds" },
} satisfies Record<string, IntegerRule>;

function readInteger(env: NodeJS.ProcessEnv, variable: keyof typeof RULES): number {
  const rule: IntegerRule = RULES[variable];
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === "") return rule.fallback;

  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < rule.min || value > rule.max) {
    const expected = `expected a whole number of ${rule.unit} from ${rule.min} to ${rule.max}`;
    throw new SettingsError(variable, expected, raw);
  }
  return value;
}

function readCacheUrl(env: NodeJS.ProcessEnv): string {
  const raw = env.CACHE_URL?.trim();
  if (raw === undefined || raw === "") return DEFAULT_CACHE_URL;

  if (!/^(sqlite|redis|rediss):\/\/.+/.test(raw)) {
    throw new SettingsError("CACHE_URL", "expected sqlite://PATH or redis://HOST:PORT", raw);
  }
  return raw;
}

/** Reads and validates the settings; throws {@link SettingsError} on the first invalid one. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    cacheUrl: readCacheUrl(env),
    memberTtlSeconds: readInteger(env, "MEMBER_TTL"),
    nonMemberTtlSeconds: readInteger(env, "NON_MEMBER_TTL"),
    lookupDeadlineMs: readInteger(env, "LOOKUP_DEADLINE"),
    storeDeadlineMs: readInteger(env, "STORE_DEADLINE"),
    deliveryTtlSeconds: readInteger(env, "DELIVERY_TTL"),
    clusteredWrites: (env.REDIS_URL ?? "").trim() !== "",
  };
}

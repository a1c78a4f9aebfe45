/** The soak's knobs, from the environment; each has a default that suits `npm run soak`. */
export interface SoakOptions {
  /** SOAK_MINUTES: how long the traffic runs. */
  readonly minutes: number;
  /** SOAK_RATE: deliveries per second, sent at a steady pace whatever the answers take. */
  readonly rate: number;
  /** SOAK_STORE: `sqlite` (a file in the run folder) or `redis` (a redis-server of its own). */
  readonly store: "sqlite" | "redis";
  /** SOAK_CYCLE_SECONDS: one round of every fault, each followed by calm. */
  readonly cycleSeconds: number;
  /** SOAK_SAMPLE_SECONDS: how often RSS and the file are sampled. */
  readonly sampleSeconds: number;
  /** SOAK_LOOKUP_DEADLINE (ms): the app's LOOKUP_DEADLINE; a slow GitHub answers 1 s later. */
  readonly lookupDeadlineMs: number;
  /** SOAK_MEMBER_TTL and SOAK_NON_MEMBER_TTL (s): short, so that entries expire during the run. */
  readonly memberTtlSeconds: number;
  readonly nonMemberTtlSeconds: number;
  /** SOAK_DELIVERY_TTL (s): the app's DELIVERY_TTL; short, so that delivery claims expire too. */
  readonly deliveryTtlSeconds: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: expected a positive number.`);
  }
  return value;
}

export function readSoakOptions(env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const store = env["SOAK_STORE"]?.trim() || "sqlite";
  if (store !== "sqlite" && store !== "redis") {
    throw new Error(`SOAK_STORE=${JSON.stringify(store)} is invalid: expected sqlite or redis.`);
  }
  return {
    minutes: positive(env, "SOAK_MINUTES", 10),
    rate: positive(env, "SOAK_RATE", 20),
    store,
    cycleSeconds: positive(env, "SOAK_CYCLE_SECONDS", 60),
    sampleSeconds: positive(env, "SOAK_SAMPLE_SECONDS", 10),
    lookupDeadlineMs: Math.round(positive(env, "SOAK_LOOKUP_DEADLINE", 1000)),
    memberTtlSeconds: Math.round(positive(env, "SOAK_MEMBER_TTL", 120)),
    nonMemberTtlSeconds: Math.round(positive(env, "SOAK_NON_MEMBER_TTL", 60)),
    deliveryTtlSeconds: Math.round(positive(env, "SOAK_DELIVERY_TTL", 120)),
  };
}

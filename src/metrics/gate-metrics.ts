import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/**
 * The Prometheus metrics of one process. Labels carry outcomes and reasons only: never a login, a
 * token or an org name.
 */
export class GateMetrics {
  readonly registry = new Registry();

  readonly decisions = new Counter({
    name: "member_gate_decisions_total",
    help: "Command decisions by decision (allowed, denied, undecided) and reason.",
    labelNames: ["decision", "reason"] as const,
    registers: [this.registry],
  });

  readonly cacheReads = new Counter({
    name: "member_gate_cache_reads_total",
    help: "Membership cache reads by result (hit, miss, error).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  readonly githubLookups = new Counter({
    name: "member_gate_github_lookups_total",
    help: "Membership lookups sent to GitHub by kind (org, team) and outcome.",
    labelNames: ["kind", "outcome"] as const,
    registers: [this.registry],
  });

  readonly undecidedLookups = new Counter({
    name: "member_gate_undecided_lookups_total",
    help: "Lookups that could not be decided, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly invalidations = new Counter({
    name: "member_gate_invalidations_total",
    help: "Cache invalidations by webhook event and result (ok, failed).",
    labelNames: ["event", "result"] as const,
    registers: [this.registry],
  });

  readonly lookupSeconds = new Histogram({
    name: "member_gate_lookup_duration_seconds",
    help: "Time of one membership lookup sent to GitHub.",
    labelNames: ["kind"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly webhookSeconds = new Histogram({
    name: "member_gate_webhook_duration_seconds",
    help: "Time to handle one webhook delivery, by event.",
    labelNames: ["event"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}

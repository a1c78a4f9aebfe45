import { fmt, mib, summarize } from "../bench/stats.js";
import type { GateCounters } from "./app-metrics.js";
import { clock, nonSuccess, rowsOf } from "./report.js";
import type { Sample } from "./samples.js";
import type { Latency, TrafficCounts } from "./traffic.js";

/** The cumulative figures one minute's line is the difference of. */
export interface Progress {
  readonly counts: TrafficCounts;
  readonly counters: GateCounters | undefined;
  readonly lookups: number;
  readonly latencies: readonly Latency[];
  readonly sample: Sample | undefined;
  readonly phase: string;
}

interface Totals {
  readonly sent: number;
  readonly failed: number;
  readonly decisions: ReadonlyMap<string, number>;
  readonly lookups: number;
}

const NONE: Totals = { sent: 0, failed: 0, decisions: new Map(), lookups: 0 };

/** Prints one line per minute: what changed since the last line, and where RSS and the file are. */
export class MinuteLine {
  #last: Totals = NONE;

  print(elapsedMs: number, progress: Progress): void {
    const now = totalsOf(progress);
    const delta = (key: "sent" | "failed" | "lookups") => now[key] - this.#last[key];
    const decided = (outcome: string) =>
      (now.decisions.get(outcome) ?? 0) - (this.#last.decisions.get(outcome) ?? 0);
    const latency = summarize(progress.latencies.map((latency) => latency.ms));
    const { counts, sample } = progress;
    const parts = [
      `[${clock(elapsedMs).padStart(5)}] sent ${now.sent} (+${delta("sent")})`,
      `non-2xx +${delta("failed")} unanswered ${counts.unanswered}`,
      `allowed +${decided("allowed")} denied +${decided("denied")} undecided +${decided("undecided")}`,
      `stub lookups +${delta("lookups")}`,
      `stale ${counts.staleAdmissions}`,
      `p50/p99 ${fmt(latency.p50)}/${fmt(latency.p99)} ms`,
      `RSS ${sample ? mib(sample.rss) : "-"}`,
      sample?.file ? `file ${mib(sample.file)} + WAL ${mib(sample.wal)}` : "",
      sample?.rows ? `claims ${rowsOf(sample, ["delivery"])}` : "",
      `now ${progress.phase}`,
    ];
    console.log(parts.filter((part) => part !== "").join(" | "));
    this.#last = now;
  }
}

function totalsOf(progress: Progress): Totals {
  const decisions = new Map<string, number>();
  for (const [key, n] of progress.counters?.decisions ?? []) {
    const outcome = key.split("/")[0] ?? key;
    decisions.set(outcome, (decisions.get(outcome) ?? 0) + n);
  }
  return {
    sent: progress.counts.sent,
    failed: nonSuccess(progress.counts),
    decisions,
    lookups: progress.lookups,
  };
}

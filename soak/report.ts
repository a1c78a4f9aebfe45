import { fmt, mib, printTable, summarize } from "../bench/stats.js";
import { total, type GateCounters } from "./app-metrics.js";
import type { Phase, PhaseTime } from "./fault-schedule.js";
import { growthOf, type Growth, type Sample } from "./samples.js";
import type { SoakOptions } from "./soak-options.js";
import type { Latency, TrafficCounts } from "./traffic.js";

/** Everything the final report reads. */
export interface SoakFigures {
  readonly options: SoakOptions;
  readonly elapsedMs: number;
  readonly counts: TrafficCounts;
  /** Deliveries not sent because too many were waiting for an answer. */
  readonly skipped: number;
  readonly stubAnswers: ReadonlyMap<string, number>;
  readonly dispatches: number;
  readonly repeats: ReadonlyMap<string, number>;
  readonly phases: ReadonlyMap<Phase, PhaseTime>;
  readonly faultProblems: readonly string[];
  readonly counters: GateCounters | undefined;
  readonly samples: readonly Sample[];
  readonly latencies: readonly Latency[];
  readonly crash: string | undefined;
  readonly exit: string;
}

/** RSS may move this much between the middle and the last third of the run and count as flat. */
export const RSS_TOLERANCE = 0.1;
/** Likewise for the SQLite file and its WAL, and for the membership rows. */
export const FILE_TOLERANCE = 0.1;

const MEMBERSHIP_KINDS = ["member", "team-member", "gen", "team", "suspended"];

export const clock = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

export function nonSuccess(counts: TrafficCounts): number {
  let failed = 0;
  for (const [label, n] of counts.statuses) if (!/ 2\d\d$/.test(label)) failed += n;
  return failed;
}

export function rowsOf(sample: Sample | undefined, kinds: readonly string[]): number {
  return kinds.reduce((sum, kind) => sum + (sample?.rows?.get(kind) ?? 0), 0);
}

const membershipRows = (sample: Sample) => rowsOf(sample, MEMBERSHIP_KINDS);
const claimRows = (sample: Sample) => rowsOf(sample, ["delivery"]);
const storeBytes = (sample: Sample) => sample.file + sample.wal;

/** Prints every table of the final report. */
export function printReport(figures: SoakFigures): void {
  printRun(figures);
  printDecisions(figures);
  printDeliveries(figures);
  printLookups(figures);
  printSamples(figures.samples, figures.options.store === "sqlite");
  printGrowth(figures);
}

function printRun(figures: SoakFigures): void {
  const { options, counts } = figures;
  const seconds = figures.elapsedMs / 1000;
  const latency = summarize(figures.latencies.map((one) => one.ms));
  printTable(
    `Soak on ${options.store}: ${clock(figures.elapsedMs)} at ${options.rate} deliveries/s`,
    ["sent", "per second", "p50 ms", "p99 ms", "max ms", "skipped (backlog)", "app process"],
    [
      [
        String(counts.sent),
        fmt(counts.sent / seconds),
        fmt(latency.p50),
        fmt(latency.p99),
        fmt(latency.max),
        String(figures.skipped),
        figures.crash === undefined
          ? `ran; stopped (${figures.exit})`
          : `CRASHED (${figures.crash})`,
      ],
    ],
  );
  const phases = [...figures.phases].map(([phase, time]) => [
    phase,
    String(time.times),
    fmt(time.ms / 1000),
  ]);
  printTable("Faults switched on and off", ["phase", "times", "seconds in all"], phases);
  printLatencies(figures.latencies);
  for (const problem of figures.faultProblems) console.log(`fault problem: ${problem}`);
}

/** Probot's webhook middleware answers 202 when a delivery is not handled within 9 s. */
const PROBOT_TIMEOUT_MS = 9_000;

function printLatencies(latencies: readonly Latency[]): void {
  const phases = [...new Set(latencies.map((one) => one.phase))].sort();
  const rows = phases.map((phase) => {
    const ms = latencies.filter((one) => one.phase === phase).map((one) => one.ms);
    const { p50, p99, max } = summarize(ms);
    const late = ms.filter((one) => one >= PROBOT_TIMEOUT_MS).length;
    return [phase, String(ms.length), fmt(p50), fmt(p99), fmt(max), String(late)];
  });
  printTable(
    "Delivery to answer, by the phase a delivery was sent in",
    ["phase", "answered", "p50 ms", "p99 ms", "max ms", "answered after 9 s"],
    rows,
  );
}

function printDecisions(figures: SoakFigures): void {
  const decisions = figures.counters?.decisions ?? new Map<string, number>();
  const rows = [...decisions]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => [key.replace("/none", ""), String(n)]);
  rows.push(["all decisions", String(total(decisions))]);
  rows.push(["dispatches seen by the stub", String(figures.dispatches)]);
  printTable("Decisions by outcome (the app's /metrics)", ["decision/reason", "commands"], rows);

  const { counts } = figures;
  printTable(
    "Revocation: dispatches for a command sent after its author's removal",
    ["the removal was", "dispatches", "expected"],
    [
      ["acknowledged (2xx): stale admissions", String(counts.staleAdmissions), "0"],
      ["answered with an error (5xx)", String(counts.admittedAfterRefusal), "0 (distrust)"],
      ["sent, not yet answered", String(counts.admittedBeforeAnswer), "any (in flight)"],
      ["(dispatches for no awaited comment)", String(counts.unmatchedDispatches), "0"],
    ],
  );
}

function printDeliveries(figures: SoakFigures): void {
  const { counts } = figures;
  const rows = [...counts.statuses]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => [k, String(n)]);
  rows.push(["unanswered (no HTTP answer)", String(counts.unanswered)]);
  for (const [why, n] of counts.unansweredWhy) rows.push([`unanswered: ${why}`, String(n)]);
  rows.push(["revocations sent again after a non-2xx", String(counts.redeliveries)]);
  rows.push(["revocations never acknowledged", String(counts.abandoned)]);
  printTable("Deliveries by event and HTTP status", ["event status", "deliveries"], rows);
}

function printLookups(figures: SoakFigures): void {
  const atStub = [...figures.stubAnswers].map(([answer, n]) => [
    `stub answered ${answer}`,
    String(n),
  ]);
  atStub.push(["lookups at the stub", String(total(figures.stubAnswers))]);
  for (const [kind, n] of figures.repeats)
    atStub.push([`asked again within the TTL: ${kind}`, String(n)]);
  if (figures.repeats.size === 0) atStub.push(["asked again within the TTL", "0"]);
  const counters = figures.counters;
  for (const [name, counts] of [
    ["app lookups", counters?.lookups],
    ["app undecided", counters?.undecided],
    ["app cache reads", counters?.cacheReads],
    ["app invalidations", counters?.invalidations],
  ] as const) {
    for (const [key, n] of counts ?? []) atStub.push([`${name} ${key}`, String(n)]);
  }
  printTable("Membership lookups", ["what", "count"], atStub);
}

function printSamples(samples: readonly Sample[], sqlite: boolean): void {
  const everyMinute = samples.filter(
    (sample, i) =>
      i === 0 || i === samples.length - 1 || minuteOf(sample) !== minuteOf(samples[i - 1]),
  );
  const rows = everyMinute.map((s) => [
    clock(s.at),
    mib(s.rss),
    sqlite ? mib(s.file) : "-",
    sqlite ? mib(s.wal) : "-",
    s.rows === undefined ? "-" : String(membershipRows(s)),
    s.rows === undefined ? "-" : String(claimRows(s)),
  ]);
  printTable(
    `RSS and store over time (${samples.length} samples; one a minute shown)`,
    ["time", "RSS", "SQLite file", "WAL", "membership rows", "delivery-claim rows"],
    rows,
  );
}

function minuteOf(sample: Sample | undefined): number {
  return Math.floor((sample?.at ?? 0) / 60_000);
}

interface Figure {
  readonly name: string;
  readonly value: (sample: Sample) => number;
  readonly tolerance: number;
  readonly unit: (value: number) => string;
}

function growthFigures(sqlite: boolean): Figure[] {
  const figures: Figure[] = [
    { name: "app RSS", value: (s) => s.rss, tolerance: RSS_TOLERANCE, unit: mib },
  ];
  if (!sqlite) return figures;
  return [
    ...figures,
    { name: "SQLite file + WAL", value: storeBytes, tolerance: FILE_TOLERANCE, unit: mib },
    { name: "membership rows", value: membershipRows, tolerance: FILE_TOLERANCE, unit: String },
    {
      name: "delivery-claim rows",
      value: claimRows,
      tolerance: FILE_TOLERANCE,
      unit: String,
    },
  ];
}

function printGrowth(figures: SoakFigures): void {
  const { samples } = figures;
  const end = samples.at(-1)?.at ?? 0;
  const middle = samples.find((s) => s.at >= end / 2);
  const rows = growthFigures(figures.options.store === "sqlite").map((figure) => {
    const growth = growthOf(samples, figure.value, figure.tolerance);
    const read = (s: Sample | undefined) => (s === undefined ? "-" : figure.unit(figure.value(s)));
    return [
      figure.name,
      read(samples[0]),
      read(middle),
      read(samples.at(-1)),
      figure.unit(growth.middleMax),
      figure.unit(growth.lastMax),
      `${fmt(growth.change * 100)} %`,
      verdict(growth),
    ];
  });
  printTable(
    "Growth verdict: the peak of the last third against the peak of the middle third",
    ["figure", "start", "middle", "end", "max middle third", "max last third", "change", "verdict"],
    rows,
  );
}

function verdict(growth: Growth): string {
  const tolerance = `tolerance ${growth.tolerance * 100} %`;
  return `${growth.flat ? "stopped growing" : "STILL GROWING"} (${tolerance})`;
}

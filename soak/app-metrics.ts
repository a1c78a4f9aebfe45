/** One scrape of the app's `GET /metrics`: each series, `name{labels}`, and its value. */
export type Scrape = ReadonlyMap<string, number>;

const SERIES = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/;

/** Reads the app's Prometheus metrics; undefined when the app does not answer. */
export async function scrapeMetrics(appUrl: string): Promise<Scrape | undefined> {
  try {
    const response = await fetch(`${appUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return undefined;
    return parseMetrics(await response.text());
  } catch {
    return undefined;
  }
}

export function parseMetrics(text: string): Scrape {
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = SERIES.exec(line.trim());
    if (match === null) continue;
    series.set(`${match[1]}${match[2] ?? ""}`, Number(match[3]));
  }
  return series;
}

/**
 * The series of one counter summed by the values of `labels`, joined with "/": e.g. decisions
 * by `decision/reason` → `denied/not_member`.
 */
export function byLabels(
  scrape: Scrape,
  name: string,
  labels: readonly string[],
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [series, value] of scrape) {
    if (!series.startsWith(`${name}{`)) continue;
    const key = labels.map((label) => labelValue(series, label) ?? "").join("/");
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

export function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const value of counts.values()) sum += value;
  return sum;
}

function labelValue(series: string, label: string): string | undefined {
  return new RegExp(`[{,]${label}="([^"]*)"`).exec(series)?.[1];
}

/** The counters the soak reports, read from one scrape. */
export function gateCounters(scrape: Scrape) {
  return {
    decisions: byLabels(scrape, "member_gate_decisions_total", ["decision", "reason"]),
    lookups: byLabels(scrape, "member_gate_github_lookups_total", ["kind", "outcome"]),
    undecided: byLabels(scrape, "member_gate_undecided_lookups_total", ["reason"]),
    invalidations: byLabels(scrape, "member_gate_invalidations_total", ["event", "result"]),
    cacheReads: byLabels(scrape, "member_gate_cache_reads_total", ["result"]),
  };
}

export type GateCounters = ReturnType<typeof gateCounters>;

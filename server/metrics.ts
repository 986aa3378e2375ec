/** Per-procedure latency kept in memory: the last samples for percentiles, counts since start. */
const SAMPLES = 2048;

export interface ProcedureLatency {
  procedure: string;
  count: number;
  errors: number;
  cacheHits: number;
  cacheHitRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

interface Series {
  samples: number[];
  next: number;
  count: number;
  errors: number;
  cacheHits: number;
}

export class LatencyMetrics {
  private readonly series = new Map<string, Series>();

  record(procedure: string, durationMs: number, outcome: { cacheHit: boolean; error: boolean }): void {
    let s = this.series.get(procedure);
    if (!s) {
      s = { samples: [], next: 0, count: 0, errors: 0, cacheHits: 0 };
      this.series.set(procedure, s);
    }
    if (s.samples.length < SAMPLES) s.samples.push(durationMs);
    else s.samples[s.next] = durationMs;
    s.next = (s.next + 1) % SAMPLES;
    s.count++;
    if (outcome.error) s.errors++;
    if (outcome.cacheHit) s.cacheHits++;
  }

  snapshot(): ProcedureLatency[] {
    return [...this.series.entries()]
      .map(([procedure, s]) => {
        const sorted = [...s.samples].sort((a, b) => a - b);
        return {
          procedure,
          count: s.count,
          errors: s.errors,
          cacheHits: s.cacheHits,
          cacheHitRate: s.count ? round(s.cacheHits / s.count, 4) : null,
          p50Ms: percentile(sorted, 0.5),
          p95Ms: percentile(sorted, 0.95),
          maxMs: sorted.length ? round(sorted[sorted.length - 1], 2) : null,
        };
      })
      .sort((a, b) => a.procedure.localeCompare(b.procedure));
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return round(sorted[rank], 2);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

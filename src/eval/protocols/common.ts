import type { MetricSummary } from '../metrics';
import type { EvalEvent } from '../types';

export interface MethodResult {
  /** Registry key plus options, as given on the command line. */
  method: string;
  name: string;
  metrics: MetricSummary;
  /** Events given to learn/fit. */
  learned: number;
  /** recommend() calls. */
  predicted: number;
  learnMs: number;
  predictMs: number;
  /** (learned + predicted) / (learnMs + predictMs). */
  eventsPerSec: number;
  /** recommend() latency percentiles, µs. */
  latencyUs: { p50: number; p99: number };
}

/** Groups events by session in order of first appearance; each session's events sorted by time (stable). */
export function groupSessions(events: readonly EvalEvent[]): EvalEvent[][] {
  const bySession = new Map<string, EvalEvent[]>();
  for (const e of events) {
    let list = bySession.get(e.sessionId);
    if (list === undefined) {
      list = [];
      bySession.set(e.sessionId, list);
    }
    list.push(e);
  }
  const out: EvalEvent[][] = [];
  for (const list of bySession.values()) {
    let sorted = true;
    for (let i = 1; i < list.length; i++) if (list[i]!.ts < list[i - 1]!.ts) sorted = false;
    if (!sorted) list.sort((a, b) => a.ts - b.ts);
    out.push(list);
  }
  return out;
}

/** Records recommend() durations cheaply (µs, capped sample) for percentiles. */
export class LatencySample {
  private readonly values: number[] = [];
  private seen = 0;
  constructor(private readonly cap = 20000) {}
  add(us: number): void {
    this.seen++;
    if (this.values.length < this.cap) this.values.push(us);
    else {
      // Reservoir sampling keeps a uniform sample of all calls.
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.cap) this.values[j] = us;
    }
  }
  percentiles(): { p50: number; p99: number } {
    if (this.values.length === 0) return { p50: 0, p99: 0 };
    const v = [...this.values].sort((a, b) => a - b);
    const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))]!;
    return { p50: at(0.5), p99: at(0.99) };
  }
}

export function nowMs(): number {
  return performance.now();
}

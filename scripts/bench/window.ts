// A measured window: the CPU the bench's children (gateways or baselines) used and what the
// bench's private Redis did between open and close, and the summary rows per unit of work
// (µs of CPU per event, Redis commands and bytes per event, ...). CPU varies far less with what
// else the machine runs than throughput does, so these rows compare across runs.
import { row, type Row } from './context';
import type { CpuSample } from './procs';
import { redisDelta, topCommands, type RedisDelta, type RedisReading } from './redisInfo';

export interface Measured {
  cpu(): Promise<CpuSample>;
}

export interface RedisMeter {
  read(): Promise<RedisReading>;
}

export interface WindowResult {
  seconds: number;
  /** µs of CPU (user + system) of all the children together. */
  cpuMicros: number;
  /** The same per child, in the order given. */
  perChild: number[];
  /** What the private Redis did meanwhile (null without one). */
  redis: RedisDelta | null;
}

const micros = (c: CpuSample) => c.user + c.system;

/** Samples now; the returned function samples again and gives the differences. */
export async function openWindow(children: readonly Measured[], meter: RedisMeter | null): Promise<() => Promise<WindowResult>> {
  const [cpuBefore, redisBefore] = await Promise.all([Promise.all(children.map((c) => c.cpu())), meter ? meter.read() : null]);
  const t0 = performance.now();
  return async () => {
    const [cpuAfter, redisAfter] = await Promise.all([Promise.all(children.map((c) => c.cpu())), meter ? meter.read() : null]);
    const perChild = cpuAfter.map((after, i) => micros(after) - micros(cpuBefore[i]!));
    return {
      seconds: (performance.now() - t0) / 1000,
      cpuMicros: perChild.reduce((a, b) => a + b, 0),
      perChild,
      redis: redisBefore && redisAfter ? redisDelta(redisBefore, redisAfter) : null,
    };
  };
}

export interface UnitRowsInput {
  scenario: string;
  /** The unit of work, singular: "event", "push", "query". */
  unit: string;
  /** Metric label suffix, e.g. "(1,000 subs, 500/s)". */
  label?: string;
  ours: { window: WindowResult; units: number };
  baseline?: { window: WindowResult; units: number } | null;
  /** Also the Redis rows (commands, bytes in and out, Redis CPU per unit). */
  redis?: boolean;
}

const per = (value: number | undefined, units: number | undefined): number | null =>
  value === undefined || units === undefined || !(units > 0) ? null : value / units;

/** Information rows: CPU per unit of the children, and with `redis` what Redis did per unit. */
export function unitRows(input: UnitRowsInput): Row[] {
  const { scenario, unit, ours, baseline } = input;
  const suffix = input.label ? ` ${input.label}` : '';
  const make = (metric: string, rowUnit: string, pick: (w: WindowResult) => number | undefined): Row | null => {
    const o = per(pick(ours.window), ours.units);
    if (o === null) return null;
    const b = baseline ? per(pick(baseline.window), baseline.units) : null;
    return row({ scenario, metric: `${metric}${suffix}`, unit: rowUnit, ours: o, baseline: b, aim: '— (information)', holds: null });
  };
  const rows = [make(`CPU per ${unit}`, `µs CPU/${unit}`, (w) => w.cpuMicros)];
  if (input.redis) {
    rows.push(
      make(`Redis commands per ${unit}`, `cmds/${unit}`, (w) => w.redis?.commandTotal),
      make(`Redis bytes in per ${unit}`, `B/${unit}`, (w) => w.redis?.netInputBytes),
      make(`Redis bytes out per ${unit}`, `B/${unit}`, (w) => w.redis?.netOutputBytes),
      make(`Redis CPU per ${unit}`, `µs Redis CPU/${unit}`, (w) => w.redis?.cpuMicros),
    );
  }
  return rows.filter((r): r is Row => r !== null);
}

const plural = (unit: string) => (unit.endsWith('y') ? `${unit.slice(0, -1)}ies` : /(sh|ch|s)$/.test(unit) ? `${unit}es` : `${unit}s`);

/** A note line: the commands Redis ran per unit, most called first. */
export function commandsNote(who: string, unit: string, w: WindowResult, units: number): string {
  if (!w.redis) return `${who}: no Redis figures (no private Redis).`;
  if (!(units > 0)) return `${who}: no ${plural(unit)} in the window, no Redis figures per ${unit}.`;
  const r = w.redis;
  return `${who}, Redis per ${unit} (private redis-server, ${units.toLocaleString('en-US')} ${plural(unit)}): ${(r.commandTotal / units).toFixed(2)} commands (${topCommands(r, units)}), ${(r.scriptCalls / units).toFixed(3)} script calls, ${(r.netInputBytes / units).toFixed(0)} B in, ${(r.netOutputBytes / units).toFixed(0)} B out, ${(r.cpuMicros / units).toFixed(1)} µs Redis CPU.`;
}

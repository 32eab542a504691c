// Rows per unit of work built from measured windows, and the owner of a Redis key.
import { ownerOf } from '../../../scripts/bench/keyMemory';
import { commandsNote, openWindow, unitRows, type WindowResult } from '../../../scripts/bench/window';
import { readingOf, redisDelta } from '../../../scripts/bench/redisInfo';

const redisOf = (commands: number, netIn: number, netOut: number, cpuMicros: number) =>
  redisDelta(
    readingOf('total_net_input_bytes:0\ntotal_net_output_bytes:0\nused_cpu_user:0\nused_cpu_sys:0\nused_memory:0\n'),
    readingOf(
      `cmdstat_get:calls=${commands},usec=1\ntotal_net_input_bytes:${netIn}\ntotal_net_output_bytes:${netOut}\nused_cpu_user:${cpuMicros / 1e6}\nused_cpu_sys:0\nused_memory:0\n`,
    ),
  );

const win = (cpuMicros: number, redis: WindowResult['redis'] = null): WindowResult => ({ seconds: 1, cpuMicros, perChild: [cpuMicros], redis });

describe('bench rows per unit of work', () => {
  it('divides CPU, Redis commands, bytes and Redis CPU by the units, ours and baseline', () => {
    const rows = unitRows({
      scenario: 'b. scoring',
      unit: 'event',
      ours: { window: win(5_000_000, redisOf(40_000, 2_000_000, 500_000, 1_000_000)), units: 4000 },
      baseline: { window: win(2_000_000, redisOf(20_000, 1_000_000, 100_000, 400_000)), units: 4000 },
      redis: true,
    });
    const byMetric = Object.fromEntries(rows.map((r) => [r.metric, r]));
    expect(byMetric['CPU per event']).toMatchObject({ unit: 'µs CPU/event', ours: 1250, baseline: 500, ratio: 2.5, holds: null });
    expect(byMetric['Redis commands per event']).toMatchObject({ unit: 'cmds/event', ours: 10, baseline: 5 });
    expect(byMetric['Redis bytes in per event']).toMatchObject({ ours: 500, baseline: 250 });
    expect(byMetric['Redis bytes out per event']).toMatchObject({ ours: 125, baseline: 25 });
    expect(byMetric['Redis CPU per event']).toMatchObject({ unit: 'µs Redis CPU/event', ours: 250, baseline: 100 });
  });

  it('keeps the JSON row schema on every row', () => {
    const rows = unitRows({ scenario: 'e. read', unit: 'query', label: '(32 connections)', ours: { window: win(100), units: 10 }, redis: false });
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['aim', 'baseline', 'holds', 'metric', 'ours', 'ratio', 'scenario', 'unit']);
    expect(rows[0]).toMatchObject({ metric: 'CPU per query (32 connections)', ours: 10, baseline: null, ratio: null });
  });

  it('leaves out a row without units and a Redis figure nobody measured', () => {
    expect(unitRows({ scenario: 'c. push', unit: 'refresh', ours: { window: win(100), units: NaN } })).toEqual([]);
    const rows = unitRows({
      scenario: 'a. ingest',
      unit: 'event',
      ours: { window: win(100, redisOf(10, 10, 10, 10)), units: 10 },
      baseline: { window: win(50), units: 10 },
      redis: true,
    });
    expect(rows.find((r) => r.metric === 'Redis commands per event')).toMatchObject({ ours: 1, baseline: null });
  });

  it('samples every child before and after and sums their CPU', async () => {
    // Each child's CPU grows by `step` µs of user and a tenth of it of system time per sample.
    const child = (step: number) => {
      let n = 0;
      return { cpu: async () => ({ user: ++n * step, system: (n * step) / 10 }) };
    };
    const close = await openWindow([child(1000), child(10)], null);
    const w = await close();
    expect(w.perChild).toEqual([1100, 11]);
    expect(w.cpuMicros).toBe(1111);
    expect(w.redis).toBeNull();
  });
});

describe('owner of a Redis key', () => {
  it('is the hash tag naming a shopper or product, or null outside any', () => {
    expect(ownerOf('bench-1-score:{u:bench-u42}:state')).toBe('{u:bench-u42}');
    expect(ownerOf('bench-1-score:{p:p7}:covis')).toBe('{p:p7}');
    expect(ownerOf('bench-1-score:outofstock')).toBeNull();
    expect(ownerOf('weird:{unclosed')).toBeNull();
  });
});

describe('the note of Redis commands per unit', () => {
  it('names the units in plain English and says when there were none', () => {
    const w = win(100, redisOf(30, 300, 600, 90));
    expect(commandsNote('Baseline', 'push', w, 3)).toMatch(/3 pushes\): 10\.00 commands \(GET 10\.00\)/);
    expect(commandsNote('Ours', 'query', w, 3)).toMatch(/3 queries\)/);
    expect(commandsNote('Baseline', 'push', w, 0)).toBe('Baseline: no pushes in the window, no Redis figures per push.');
  });
});

// The bench's reading of Redis INFO: command calls (subcommands folded, scripts apart), bytes,
// CPU and memory, and the per-unit figures built from two readings.
import { commandCalls, parseInfo, readingOf, redisDelta, topCommands } from '../../../scripts/bench/redisInfo';

/** The text of INFO commandstats stats cpu memory, as redis-server 7.0 writes it (CRLF lines). */
function infoText(o: { calls: Record<string, number>; netIn: number; netOut: number; cpuUser: number; cpuSys: number; memory: number }): string {
  return [
    '# Commandstats',
    ...Object.entries(o.calls).map(([name, calls]) => `cmdstat_${name}:calls=${calls},usec=${calls * 3},usec_per_call=3.00,rejected_calls=0,failed_calls=0`),
    '',
    '# Stats',
    'total_connections_received:12',
    `total_net_input_bytes:${o.netIn}`,
    `total_net_output_bytes:${o.netOut}`,
    'total_net_repl_input_bytes:0',
    '',
    '# CPU',
    `used_cpu_sys:${o.cpuSys.toFixed(6)}`,
    `used_cpu_user:${o.cpuUser.toFixed(6)}`,
    'used_cpu_sys_children:0.000000',
    '',
    '# Memory',
    `used_memory:${o.memory}`,
    'used_memory_human:1.76M',
    '',
  ].join('\r\n');
}

describe('bench Redis INFO reading', () => {
  it('reads fields of every section and ignores headers and blank lines', () => {
    const fields = parseInfo(infoText({ calls: { get: 1 }, netIn: 10, netOut: 20, cpuUser: 1, cpuSys: 2, memory: 300 }));
    expect(fields.get('total_net_input_bytes')).toBe('10');
    expect(fields.get('used_memory_human')).toBe('1.76M');
    expect([...fields.keys()].some((k) => k.startsWith('#') || k === '')).toBe(false);
  });

  it('folds subcommands into their command and sums their calls', () => {
    const calls = commandCalls(
      infoText({ calls: { 'pubsub|numsub': 4, 'pubsub|channels': 3, 'client|setname': 2, zincrby: 7 }, netIn: 0, netOut: 0, cpuUser: 0, cpuSys: 0, memory: 0 }),
    );
    expect(Object.fromEntries(calls)).toEqual({ pubsub: 7, client: 2, zincrby: 7 });
  });

  it('names the field missing when INFO lacks a section', () => {
    expect(() => readingOf('# Commandstats\r\ncmdstat_get:calls=1,usec=1\r\n')).toThrow(/total_net_input_bytes/);
  });

  it('gives the work between two readings: commands without scripts and bench chatter, bytes, CPU and memory', () => {
    const before = readingOf(
      infoText({ calls: { zincrby: 100, get: 10, info: 5, evalsha: 3 }, netIn: 1000, netOut: 5000, cpuUser: 1.5, cpuSys: 0.5, memory: 1_000_000 }),
    );
    const after = readingOf(
      infoText({
        calls: { zincrby: 340, get: 30, set: 20, info: 9, evalsha: 5, ping: 2 },
        netIn: 4000,
        netOut: 6000,
        cpuUser: 1.75,
        cpuSys: 0.55,
        memory: 1_200_000,
      }),
    );
    const d = redisDelta(before, after);
    expect(d.commands).toEqual({ zincrby: 240, get: 20, set: 20 });
    expect(d.commandTotal).toBe(280);
    expect(d.scriptCalls).toBe(2);
    expect(d.netInputBytes).toBe(3000);
    expect(d.netOutputBytes).toBe(1000);
    expect(d.cpuMicros).toBe(300_000);
    expect(d.usedMemory).toBe(200_000);
  });

  it('lists the commands per unit most called first, the rest summed', () => {
    const before = readingOf(infoText({ calls: {}, netIn: 0, netOut: 0, cpuUser: 0, cpuSys: 0, memory: 0 }));
    const after = readingOf(infoText({ calls: { zincrby: 240, get: 20, set: 40, hget: 4 }, netIn: 0, netOut: 0, cpuUser: 0, cpuSys: 0, memory: 0 }));
    const d = redisDelta(before, after);
    expect(topCommands(d, 100, 2)).toBe('ZINCRBY 2.40, SET 0.40, others 0.24');
    expect(topCommands(d, 0)).toMatch(/no units/);
  });
});

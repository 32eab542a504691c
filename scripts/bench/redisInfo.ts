// Reading Redis's own counters (INFO) for the bench: command calls by name, network bytes, CPU
// and memory, and what changed between two readings. Pure functions over INFO text, so the
// figures per event can be tested without a server.

/** Commands that are not work done for an event: the bench's own INFO, connection chatter, and
 * EVALSHA/EVAL, whose inner commands Redis counts under their own names (counted apart as scripts). */
const NOT_WORK = new Set(['info', 'ping', 'config', 'select', 'client', 'hello', 'command', 'script', 'quit', 'flushall', 'memory']);
const SCRIPTS = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'fcall_ro']);

/** `INFO` text -> field -> raw value (every section; later duplicates win). */
export function parseInfo(info: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of info.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return out;
}

/** Calls per command from `INFO commandstats`; subcommands (`client|list`) fold into their command. */
export function commandCalls(info: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [field, value] of parseInfo(info)) {
    if (!field.startsWith('cmdstat_')) continue;
    const calls = /(?:^|,)calls=(\d+)/.exec(value);
    if (!calls) continue;
    const name = field.slice('cmdstat_'.length).split('|')[0]!.toLowerCase();
    out.set(name, (out.get(name) ?? 0) + Number(calls[1]));
  }
  return out;
}

export interface RedisReading {
  calls: Map<string, number>;
  netInputBytes: number;
  netOutputBytes: number;
  /** Seconds of CPU (user + system) the server process used since it started. */
  cpuSeconds: number;
  usedMemory: number;
}

const numberField = (fields: Map<string, string>, name: string): number => {
  const v = fields.get(name);
  if (v === undefined) throw new Error(`INFO has no ${name} field (needs the stats, cpu and memory sections)`);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`INFO field ${name} is not a number: ${JSON.stringify(v)}`);
  return n;
};

/** One reading from the text of `INFO commandstats stats cpu memory`. */
export function readingOf(info: string): RedisReading {
  const fields = parseInfo(info);
  return {
    calls: commandCalls(info),
    netInputBytes: numberField(fields, 'total_net_input_bytes'),
    netOutputBytes: numberField(fields, 'total_net_output_bytes'),
    cpuSeconds: numberField(fields, 'used_cpu_user') + numberField(fields, 'used_cpu_sys'),
    usedMemory: numberField(fields, 'used_memory'),
  };
}

export interface RedisDelta {
  /** Command calls by name during the window, Lua-internal included, scripts and bench chatter left out. */
  commands: Record<string, number>;
  commandTotal: number;
  /** EVALSHA/EVAL/FCALL calls (their inner commands are in `commands`). */
  scriptCalls: number;
  netInputBytes: number;
  netOutputBytes: number;
  cpuMicros: number;
  usedMemory: number;
}

export function redisDelta(before: RedisReading, after: RedisReading): RedisDelta {
  const commands: Record<string, number> = {};
  let commandTotal = 0;
  let scriptCalls = 0;
  for (const [name, calls] of after.calls) {
    const n = calls - (before.calls.get(name) ?? 0);
    if (n <= 0 || NOT_WORK.has(name)) continue;
    if (SCRIPTS.has(name)) {
      scriptCalls += n;
      continue;
    }
    commands[name] = n;
    commandTotal += n;
  }
  return {
    commands,
    commandTotal,
    scriptCalls,
    netInputBytes: after.netInputBytes - before.netInputBytes,
    netOutputBytes: after.netOutputBytes - before.netOutputBytes,
    cpuMicros: Math.round((after.cpuSeconds - before.cpuSeconds) * 1e6),
    usedMemory: after.usedMemory - before.usedMemory,
  };
}

/** "ZINCRBY 2.41, EVALSHA 0.01, ..." : the `top` commands per unit, most called first. */
export function topCommands(delta: RedisDelta, units: number, top = 6): string {
  if (!(units > 0)) return 'n/a (no units)';
  const entries = Object.entries(delta.commands).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, top).map(([name, n]) => `${name.toUpperCase()} ${(n / units).toFixed(2)}`);
  const rest = entries.slice(top).reduce((sum, [, n]) => sum + n, 0);
  if (rest > 0) shown.push(`others ${(rest / units).toFixed(2)}`);
  return shown.length > 0 ? shown.join(', ') : 'none';
}

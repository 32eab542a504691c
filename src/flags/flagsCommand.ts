// The logic of `npm run flags -- list | get <key> | set <key> <json> | delete <key>`, apart from
// the script's connection handling so tests can drive it against a real ZooKeeper.
// Every value is validated with FLAG_DEFINITIONS before anything is written.
import { getChildren, getData, isNoNode, isValidNodeName, remove, upsert, type Client } from '../coordination/zk';
import { RecsysError } from '../errors';
import { FLAG_DEFINITIONS, FLAG_KEYS, isFlagKey, parseFlagJson, type FlagKey } from './definitions';

export const FLAGS_USAGE = [
  'usage: npm run flags -- <command>',
  '  list                  every flag: value in force, and whether ZooKeeper or the default supplies it',
  '  get <key>             one flag',
  '  set <key> <json>      validate, then write (e.g. set recs.strategy \'"trending"\')',
  '  delete <key>          remove the znode: the default applies again',
  `known flags: ${FLAG_KEYS.join(', ')}`,
].join('\n');

/** A refusal the operator can act on; the message names the flag and the problem. */
export class FlagCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'FlagCommandError';
  }
}

export interface FlagsCommandContext {
  client: Client;
  /** e.g. `/recsys` */
  root: string;
  print: (line: string) => void;
  timeoutMs?: number;
}

type Row = { key: string; value: string; source: 'ZOOKEEPER' | 'DEFAULT'; note?: string };

function requireKey(key: string | undefined): FlagKey {
  if (!key) throw new FlagCommandError(`a flag key is needed\n${FLAGS_USAGE}`, 2);
  if (!isFlagKey(key)) throw new FlagCommandError(`unknown flag "${key}"; known flags: ${FLAG_KEYS.join(', ')}`);
  return key;
}

async function readRow(ctx: FlagsCommandContext, key: string): Promise<Row | null> {
  const path = `${ctx.root}/flags/${key}`;
  let text: string;
  try {
    text = (await getData(ctx.client, path, { timeoutMs: ctx.timeoutMs })).text;
  } catch (err) {
    if (isNoNode(err)) return null;
    throw err;
  }
  if (!isFlagKey(key)) return { key, value: text, source: 'ZOOKEEPER', note: 'unknown flag: ignored by the gateway' };
  try {
    return { key, value: JSON.stringify(parseFlagJson(key, text)), source: 'ZOOKEEPER' };
  } catch (err) {
    return {
      key,
      value: text,
      source: 'ZOOKEEPER',
      note: `INVALID (${(err as Error).message}); the gateway keeps its last good value`,
    };
  }
}

function format(row: Row): string {
  return `${row.key.padEnd(26)} ${row.value.padEnd(28)} ${row.source}${row.note ? `  ${row.note}` : ''}`;
}

/** Runs one command; returns the process exit code. Throws FlagCommandError for the operator's mistakes. */
export async function runFlagsCommand(args: readonly string[], ctx: FlagsCommandContext): Promise<number> {
  const [command, key, json, ...extra] = args;
  const dir = `${ctx.root}/flags`;
  switch (command) {
    case 'list': {
      let present: string[] = [];
      try {
        present = await getChildren(ctx.client, dir, { timeoutMs: ctx.timeoutMs });
      } catch (err) {
        if (!isNoNode(err)) throw err;
      }
      const names = [...FLAG_KEYS, ...present.filter((n) => !isFlagKey(n)).sort()];
      ctx.print(`${'flag'.padEnd(26)} ${'value'.padEnd(28)} source   (${dir})`);
      for (const name of names) {
        const row = present.includes(name) ? await readRow(ctx, name) : null;
        const fallback: Row = { key: name, value: JSON.stringify(isFlagKey(name) ? FLAG_DEFINITIONS[name].default : null), source: 'DEFAULT' };
        ctx.print(format(row ?? fallback));
      }
      return 0;
    }
    case 'get': {
      const flag = requireKey(key);
      const row = await readRow(ctx, flag);
      ctx.print(format(row ?? { key: flag, value: JSON.stringify(FLAG_DEFINITIONS[flag].default), source: 'DEFAULT' }));
      return 0;
    }
    case 'set': {
      const flag = requireKey(key);
      if (json === undefined) throw new FlagCommandError(`set ${flag}: a JSON value is needed, e.g. set recs.strategy '"trending"'`, 2);
      if (extra.length > 0) throw new FlagCommandError(`set ${flag}: one JSON value expected (quote it), got ${extra.length + 1} arguments`, 2);
      let value: unknown;
      try {
        value = parseFlagJson(flag, json);
      } catch (err) {
        const reason = err instanceof RecsysError ? err.message : String(err);
        throw new FlagCommandError(`refused, nothing written: ${reason}`);
      }
      const before = await readRow(ctx, flag);
      const text = JSON.stringify(value);
      await upsert(ctx.client, `${dir}/${flag}`, text, ctx.timeoutMs);
      ctx.print(`${flag} = ${text}  (was ${before ? before.value : `${JSON.stringify(FLAG_DEFINITIONS[flag].default)}, the default`})`);
      return 0;
    }
    case 'delete': {
      if (!key) throw new FlagCommandError(`a flag key is needed\n${FLAGS_USAGE}`, 2);
      if (!isValidNodeName(key)) throw new FlagCommandError(`"${key}" is not a flag key`);
      try {
        await remove(ctx.client, `${dir}/${key}`, ctx.timeoutMs);
      } catch (err) {
        if (!isNoNode(err)) throw err;
        ctx.print(`${key} was not set in ZooKeeper; ${isFlagKey(key) ? 'the default applies' : 'nothing to do'}`);
        return 0;
      }
      ctx.print(isFlagKey(key) ? `${key} deleted; the default ${JSON.stringify(FLAG_DEFINITIONS[key].default)} applies` : `${key} deleted`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      ctx.print(FLAGS_USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new FlagCommandError(`unknown command "${command}"\n${FLAGS_USAGE}`, 2);
  }
}

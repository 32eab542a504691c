// The logic of `npm run flags -- list | get <key> | set <key> <json> | delete <key>`, apart from
// the script's connection handling so tests can drive it against a real ZooKeeper.
// Every value is validated with FLAG_DEFINITIONS before anything is written.
import type { ZooKeeperAuth } from '../config';
import { getChildren, getData, isNoAuth, isNoNode, isValidNodeName, type Client } from '../coordination/zk';
import { writeProtectedAcl } from '../coordination/zkAcl';
import { RecsysError } from '../errors';
import { FLAG_DEFINITIONS, FLAG_KEYS, isFlagKey, parseFlagJson, unknownFlagReason, type FlagKey } from './definitions';
import { flagsDir, flagsDirHasAcl, protectFlagZnodes, removeFlagZnode, writeFlagZnode } from './flagZnodes';

export const FLAGS_USAGE = [
  'usage: npm run flags -- <command>',
  '  list                  every flag: value in force, and whether ZooKeeper or the default supplies it',
  '  get <key>             one flag',
  '  set <key> <json>      validate, then write (e.g. set recs.strategy \'"trending"\')',
  '  delete <key>          remove the znode: the default applies again',
  '  protect               (needs ZOOKEEPER_AUTH) give the flags znode and every flag in it the ACL',
  '                        "world: read, ZOOKEEPER_AUTH\'s user: all"; for znodes made before the variable was set',
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
  /** ZOOKEEPER_AUTH: the credentials `client` presented; new flag znodes are then write-protected. */
  auth?: ZooKeeperAuth | null;
}

/** How the flags znode is protected, for `list`. */
async function protection(ctx: FlagsCommandContext): Promise<string> {
  if (!ctx.auth) return 'ZOOKEEPER_AUTH not set';
  const has = await flagsDirHasAcl(ctx.client, ctx.root, writeProtectedAcl(ctx.auth), ctx.timeoutMs);
  if (has === null) return 'not created yet';
  return has ? `writable by "${ctx.auth.user}" only` : 'NOT protected: run protect';
}

type Row = { key: string; value: string; source: 'ZOOKEEPER' | 'DEFAULT'; note?: string };

function requireKey(key: string | undefined): FlagKey {
  if (!key) throw new FlagCommandError(`a flag key is needed\n${FLAGS_USAGE}`, 2);
  if (!isFlagKey(key)) throw new FlagCommandError(unknownFlagReason(key));
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
  try {
    return await run(args, ctx);
  } catch (err) {
    if (!isNoAuth(err)) throw err;
    throw new FlagCommandError(
      `ZooKeeper refused the write (NoAuth): ${flagsDir(ctx.root)} is write-protected and ` +
        (ctx.auth ? `ZOOKEEPER_AUTH's user "${ctx.auth.user}" is not its owner` : "ZOOKEEPER_AUTH is not set; set it to the owner's user:password"),
    );
  }
}

async function run(args: readonly string[], ctx: FlagsCommandContext): Promise<number> {
  const [command, key, json, ...extra] = args;
  const acl = writeProtectedAcl(ctx.auth ?? null);
  const dir = flagsDir(ctx.root);
  switch (command) {
    case 'list': {
      let present: string[] = [];
      try {
        present = await getChildren(ctx.client, dir, { timeoutMs: ctx.timeoutMs });
      } catch (err) {
        if (!isNoNode(err)) throw err;
      }
      const names = [...FLAG_KEYS, ...present.filter((n) => !isFlagKey(n)).sort()];
      ctx.print(`${'flag'.padEnd(26)} ${'value'.padEnd(28)} source   (${dir}: ${await protection(ctx)})`);
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
      await writeFlagZnode(ctx.client, ctx.root, flag, text, acl, ctx.timeoutMs);
      ctx.print(`${flag} = ${text}  (was ${before ? before.value : `${JSON.stringify(FLAG_DEFINITIONS[flag].default)}, the default`})`);
      return 0;
    }
    case 'delete': {
      if (!key) throw new FlagCommandError(`a flag key is needed\n${FLAGS_USAGE}`, 2);
      if (!isValidNodeName(key)) throw new FlagCommandError(`"${key}" is not a flag key`);
      if (!(await removeFlagZnode(ctx.client, ctx.root, key, ctx.timeoutMs))) {
        ctx.print(`${key} was not set in ZooKeeper; ${isFlagKey(key) ? 'the default applies' : 'nothing to do'}`);
        return 0;
      }
      ctx.print(isFlagKey(key) ? `${key} deleted; the default ${JSON.stringify(FLAG_DEFINITIONS[key].default)} applies` : `${key} deleted`);
      return 0;
    }
    case 'protect': {
      if (!ctx.auth) throw new FlagCommandError('protect needs ZOOKEEPER_AUTH=user:password: the ACL names that user as the only writer', 2);
      const changed = await protectFlagZnodes(ctx.client, ctx.root, acl, ctx.timeoutMs);
      for (const path of changed) ctx.print(`protected ${path}`);
      ctx.print(`${dir} and every flag in it: readable by all, writable by "${ctx.auth.user}" only (${changed.length} ACLs changed)`);
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

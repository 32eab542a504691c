// `npm run flags -- list | get <key> | set <key> <json> | delete <key> | protect`: reads and writes
// the flag znodes (`<ZOOKEEPER_ROOT>/flags/<key>`, default root /recsys) of the configured ZooKeeper
// (ZOOKEEPER_CONNECT; default: the local stack at 127.0.0.1:2181). Values are validated first.
// ZOOKEEPER_AUTH=user:password: presented to ZooKeeper; new flag znodes are then write-protected.
import { createClient } from 'node-zookeeper-client';
import { ZooKeeperSession } from '../src/coordination/zkSession';
import { loadStackConfig } from '../src/config';
import { RecsysError } from '../src/errors';
import { FLAGS_USAGE, FlagCommandError, runFlagsCommand } from '../src/flags/flagsCommand';
import { createLogger } from '../src/logger';
import { helpText, parseCli, type CliDefinition } from '../src/util/cli';

const CONNECT_TIMEOUT_MS = 5_000;

const CLI: CliDefinition = {
  usage: FLAGS_USAGE,
  options: { help: { type: 'boolean', short: 'h', description: 'this text' } },
  footer: "A JSON value that starts with '-' goes after --: set <key> -- -1",
};

async function main(argv: string[]): Promise<number> {
  let args: string[];
  try {
    const { values, positionals } = parseCli(argv, CLI, true);
    if (values.help) {
      process.stdout.write(`${helpText(CLI)}\n`);
      return 0;
    }
    args = positionals;
  } catch (err) {
    throw new FlagCommandError(`${(err as Error).message}\n${helpText(CLI)}`, 2);
  }
  const config = loadStackConfig(process.env);
  const zk = config.zookeeper!;
  // The gateway's own session class: same credentials, handshake watchdog and client options.
  const session = new ZooKeeperSession({
    clientFactory: createClient,
    connect: zk.connect,
    sessionTimeoutMs: zk.sessionTimeoutMs,
    auth: zk.auth,
    logger: createLogger('silent', 'flags'),
  }).start();
  try {
    const client = (await session.waitConnected(CONNECT_TIMEOUT_MS)) ? session.client : null;
    if (!client) {
      process.stderr.write(
        `flags: ZooKeeper at ${zk.connect} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s. ` +
          'Start the local stack with: npm run stack:up  (status: npm run stack:status), or set ZOOKEEPER_CONNECT.\n',
      );
      return 3;
    }
    return await runFlagsCommand(args, { client, root: zk.root, auth: zk.auth, print: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await session.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof FlagCommandError) {
      process.stderr.write(`flags: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    process.stderr.write(`flags: ${err instanceof RecsysError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

// `npm run flags -- list | get <key> | set <key> <json> | delete <key>`: reads and writes the
// flag znodes (`<ZOOKEEPER_ROOT>/flags/<key>`, default root /recsys) of the configured ZooKeeper
// (ZOOKEEPER_CONNECT; default: the local stack at 127.0.0.1:2181). Values are validated first.
// ZOOKEEPER_AUTH=user:password: presented to ZooKeeper; new flag znodes are then write-protected.
import { createClient } from 'node-zookeeper-client';
import { discardClient } from '../src/coordination/zk';
import { presentCredentials } from '../src/coordination/zkAcl';
import { loadStackConfig } from '../src/config';
import { RecsysError } from '../src/errors';
import { FlagCommandError, runFlagsCommand } from '../src/flags/flagsCommand';

const CONNECT_TIMEOUT_MS = 5_000;

async function main(args: string[]): Promise<number> {
  const config = loadStackConfig(process.env);
  const zk = config.zookeeper!;
  const client = createClient(zk.connect, { sessionTimeout: zk.sessionTimeoutMs, spinDelay: 500, retries: 0 });
  presentCredentials(client, zk.auth);
  const connected = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  client.connect();
  const ok = await connected;
  if (!ok) discardClient(client);
  try {
    if (!ok) {
      process.stderr.write(
        `flags: ZooKeeper at ${zk.connect} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s. ` +
          'Start the local stack with: npm run stack:up  (status: npm run stack:status), or set ZOOKEEPER_CONNECT.\n',
      );
      return 3;
    }
    return await runFlagsCommand(args, { client, root: zk.root, auth: zk.auth, print: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    if (ok) client.close();
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

// The setFlag / deleteFlag mutations in distributed mode: they write the flag znode, and every
// gateway's watch (ZooKeeperFlags, this one's too) applies it within milliseconds.
import type { ZooKeeperAuth } from '../config';
import { isNoAuth, type Client } from '../coordination/zk';
import { writeProtectedAcl } from '../coordination/zkAcl';
import type { ZooKeeperSession } from '../coordination/zkSession';
import { ForbiddenError, RecsysError, UnavailableError } from '../errors';
import { FLAG_DEFINITIONS, type FlagKey, type RecFlags } from './definitions';
import type { Logger } from '../logger';
import { flagsDir, flagsDirHasAcl, removeFlagZnode, writeFlagZnode } from './flagZnodes';
import type { FlagEntry, FlagWriter } from './types';

export interface ZooKeeperFlagWriterOptions {
  session: ZooKeeperSession;
  /** e.g. `/recsys` */
  root: string;
  /** ZOOKEEPER_AUTH (the session presents it): new flag znodes are write-protected for this user. */
  auth: ZooKeeperAuth | null;
  /** Per-request bound (ms). */
  opTimeoutMs?: number;
}

export class ZooKeeperFlagWriter implements FlagWriter {
  private readonly session: ZooKeeperSession;
  private readonly root: string;
  private readonly auth: ZooKeeperAuth | null;
  private readonly opTimeoutMs: number;

  constructor({ session, root, auth, opTimeoutMs = 5000 }: ZooKeeperFlagWriterOptions) {
    this.session = session;
    this.root = root;
    this.auth = auth;
    this.opTimeoutMs = opTimeoutMs;
  }

  async set<K extends FlagKey>(key: K, value: RecFlags[K]): Promise<FlagEntry> {
    await this.write((client) => writeFlagZnode(client, this.root, key, JSON.stringify(value), writeProtectedAcl(this.auth), this.opTimeoutMs));
    return { key, value, source: 'ZOOKEEPER' };
  }

  async remove(key: FlagKey): Promise<FlagEntry> {
    await this.write((client) => removeFlagZnode(client, this.root, key, this.opTimeoutMs));
    return { key, value: FLAG_DEFINITIONS[key].default, source: 'DEFAULT' };
  }

  private async write(run: (client: Client) => Promise<unknown>): Promise<void> {
    const client = this.session.client;
    // A request made while disconnected would wait in the client's queue: refuse it at once.
    if (!client || !this.session.connected) throw new UnavailableError('zookeeper', 'not connected; the flag was not changed');
    try {
      await run(client);
    } catch (err) {
      if (err instanceof RecsysError) throw err;
      if (isNoAuth(err)) {
        throw new ForbiddenError(
          `ZooKeeper refused the write (NoAuth): ${flagsDir(this.root)} is write-protected and ` +
            (this.auth ? `this gateway's ZOOKEEPER_AUTH user "${this.auth.user}" is not its owner` : 'this gateway has no ZOOKEEPER_AUTH'),
        );
      }
      throw new UnavailableError('zookeeper', `the flag write failed: ${(err as Error).message}`, err);
    }
  }
}

/**
 * With ZOOKEEPER_AUTH set, checks on every new session that `<root>/flags` carries the protecting
 * ACL, and warns when it does not (znodes made before the variable was set stay writable by anyone
 * until `npm run flags -- protect`). Returns the unsubscribe.
 */
export function warnWhenUnprotected({
  session,
  root,
  auth,
  logger,
}: {
  session: ZooKeeperSession;
  root: string;
  auth: ZooKeeperAuth;
  logger: Logger;
}): () => void {
  return session.on('session', (client) => {
    flagsDirHasAcl(client, root, writeProtectedAcl(auth)).then(
      (has) => {
        if (has === false) {
          logger.warn(
            { dir: flagsDir(root), user: auth.user },
            'ZOOKEEPER_AUTH is set but the flags znode is writable by others: run npm run flags -- protect',
          );
        } else {
          logger.info({ dir: flagsDir(root), user: auth.user, created: has !== null }, "flags znode writable by ZOOKEEPER_AUTH's user only (once created)");
        }
      },
      (err: unknown) => logger.warn({ err: (err as Error).message, dir: flagsDir(root) }, 'could not read the ACL of the flags znode'),
    );
  });
}

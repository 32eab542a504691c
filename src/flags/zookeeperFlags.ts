// Distributed mode's flags: one znode per flag under `<root>/flags/<key>`, its data the flag's
// JSON value. Read at start, then watched, so a change applies to the next computation.
//
// ZooKeeper watches fire once, so every read re-sets its watch:
//   - a child watch on `<root>/flags` sees keys appear and disappear,
//   - a data watch on each present key sees its value change or the node go away,
//   - while `<root>/flags` itself is missing, an exists watch waits for it.
// A value that does not parse keeps the last good one (one error log per bad value); a key the
// gateway does not know is reported once and ignored. Without ZooKeeper the defaults (at start)
// or the last known values (later) keep serving; a new session re-reads everything.
import type { Client } from 'node-zookeeper-client';
import { exists, getChildren, getData, isNoNode, type Watcher } from '../coordination/zk';
import type { ZooKeeperSession } from '../coordination/zkSession';
import type { Logger } from '../logger';
import { FLAG_KEYS, defaultFlags, isFlagKey, parseFlagJson, type FlagKey, type RecFlags } from './definitions';
import type { FlagEntry, FlagProvider, FlagSource } from './types';
import { START_BACKOFF, backoffDelay } from '../util/backoff';
import { flagsDir } from './flagZnodes';

export interface ZooKeeperFlagsOptions {
  session: ZooKeeperSession;
  /** e.g. `/recsys`; the flags live under `<root>/flags`. */
  root: string;
  logger: Logger;
  /** How long `start()` waits for the first read before serving defaults (ms). */
  startTimeoutMs?: number;
  /** Per-request bound (ms). */
  opTimeoutMs?: number;
  now?: () => number;
}

export interface ZooKeeperFlagsStatus {
  connected: boolean;
  staleSince: string | null;
  source: FlagSource;
  /** Znodes under `<root>/flags` that name no known flag (ignored). */
  unknownKeys: string[];
  /** Flags whose znode holds a value that failed validation (the last good value is in force). */
  invalidKeys: FlagKey[];
}

export class ZooKeeperFlags implements FlagProvider {
  private readonly session: ZooKeeperSession;
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly startTimeoutMs: number;
  private readonly opTimeoutMs: number;
  private readonly now: () => number;

  /** Replaced, never mutated: a computation that took `current()` keeps a consistent set. */
  private flags: RecFlags = defaultFlags();
  private readonly fromZooKeeper = new Set<FlagKey>();
  /** The raw text of each flag's current bad value, so each bad write is logged once. */
  private readonly invalid = new Map<FlagKey, string>();
  private readonly unknown = new Set<string>();
  private readonly warnedUnknown = new Set<string>();

  /** Generation of the session whose full read completed (null: not in sync). */
  private syncedGeneration: number | null = null;
  private everSynced = false;
  private staleSinceMs: number;
  private watchers: { generation: number; children: Watcher; dir: Watcher; data: Map<FlagKey, Watcher> } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Failed attempts since the last success: the next retry waits backoffDelay(retries, START_BACKOFF). */
  private retries = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;
  private firstSync: { promise: Promise<void>; resolve: () => void };

  constructor({ session, root, logger, startTimeoutMs = 2000, opTimeoutMs = 5000, now = Date.now }: ZooKeeperFlagsOptions) {
    this.session = session;
    this.dir = flagsDir(root);
    this.logger = logger;
    this.startTimeoutMs = startTimeoutMs;
    this.opTimeoutMs = opTimeoutMs;
    this.now = now;
    this.staleSinceMs = now();
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.firstSync = { promise, resolve };
  }

  /**
   * Subscribes to the session and reads every flag. Resolves after the first complete read, or
   * after `startTimeoutMs` with the defaults in force (reading goes on in the background).
   */
  async start(): Promise<this> {
    const resync = (client: Client, generation: number) => this.syncAll(client, generation);
    const lost = () => this.markStale();
    this.unsubscribe.push(
      this.session.on('session', resync),
      this.session.on('reconnected', resync),
      this.session.on('disconnected', lost),
      this.session.on('expired', lost),
    );
    const client = this.session.client;
    if (this.session.connected && client) this.syncAll(client, this.session.generation);
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      this.firstSync.promise.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), this.startTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.logger.warn(
        { dir: this.dir, waitedMs: this.startTimeoutMs },
        'zookeeper flags not readable yet: serving the defaults, still trying in the background',
      );
    }
    return this;
  }

  current(): RecFlags {
    return this.flags;
  }

  entries(): FlagEntry[] {
    return FLAG_KEYS.map((key) => ({
      key,
      value: this.flags[key],
      source: this.fromZooKeeper.has(key) ? ('ZOOKEEPER' as const) : ('DEFAULT' as const),
    }));
  }

  status(): ZooKeeperFlagsStatus {
    const inSync = this.syncedGeneration !== null && this.session.connected;
    return {
      connected: inSync,
      staleSince: inSync ? null : new Date(this.staleSinceMs).toISOString(),
      source: this.everSynced ? 'ZOOKEEPER' : 'DEFAULT',
      unknownKeys: [...this.unknown].sort(),
      invalidKeys: [...this.invalid.keys()].sort(),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.watchers = null;
  }

  // ---- reading and watching -------------------------------------------------------------------

  private markStale(): void {
    if (this.syncedGeneration !== null) this.staleSinceMs = this.now();
    this.syncedGeneration = null;
  }

  /** The watch callbacks of one session: one function per path, so re-reads never stack watchers. */
  private watchersFor(client: Client, generation: number) {
    if (this.watchers?.generation === generation) return this.watchers;
    const live = () => !this.stopped && generation === this.session.generation;
    const data = new Map<FlagKey, Watcher>();
    for (const key of FLAG_KEYS) {
      data.set(key, () => {
        if (!live()) return;
        this.readKey(client, generation, key).catch((err: unknown) => {
          if (!live()) return;
          this.logger.warn({ err: (err as Error).message, flag: key }, 'reading a flag from zookeeper failed; will retry');
          this.scheduleRetry(client, generation);
        });
      });
    }
    this.watchers = {
      generation,
      children: () => live() && this.syncAll(client, generation),
      dir: () => live() && this.syncAll(client, generation),
      data,
    };
    return this.watchers;
  }

  /** Lists the keys (re-setting the child watch) and reads every known one (re-setting its data watch). */
  private syncAll(client: Client, generation: number): void {
    if (this.stopped) return;
    void this.doSyncAll(client, generation).then(
      () => {
        if (this.stopped || generation !== this.session.generation) return;
        this.retries = 0;
        if (this.syncedGeneration !== generation) {
          this.syncedGeneration = generation;
          this.everSynced = true;
          this.logger.info({ dir: this.dir, fromZooKeeper: [...this.fromZooKeeper] }, 'flags read from zookeeper; watching for changes');
        }
        this.firstSync.resolve();
      },
      (err: unknown) => {
        if (this.stopped || generation !== this.session.generation) return;
        this.logger.warn({ err: (err as Error).message, dir: this.dir }, 'reading flags from zookeeper failed; will retry');
        this.scheduleRetry(client, generation);
      },
    );
  }

  private scheduleRetry(client: Client, generation: number): void {
    if (this.retryTimer) return;
    const delay = backoffDelay(this.retries++, START_BACKOFF);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // While disconnected, the session's 'reconnected' / 'session' event triggers the next read.
      if (!this.stopped && this.session.connected && generation === this.session.generation) this.syncAll(client, generation);
    }, delay);
    this.retryTimer.unref?.();
  }

  private async doSyncAll(client: Client, generation: number): Promise<void> {
    const watchers = this.watchersFor(client, generation);
    let children: string[];
    try {
      children = await getChildren(client, this.dir, { watcher: watchers.children, timeoutMs: this.opTimeoutMs });
    } catch (err) {
      if (!isNoNode(err)) throw err;
      // No flags folder (yet): wait for it; everything is default meanwhile.
      const stat = await exists(client, this.dir, { watcher: watchers.dir, timeoutMs: this.opTimeoutMs });
      if (stat) return this.doSyncAll(client, generation);
      children = [];
    }
    if (generation !== this.session.generation) return;

    this.unknown.clear();
    for (const name of children) {
      if (isFlagKey(name)) continue;
      this.unknown.add(name);
      if (!this.warnedUnknown.has(name)) {
        this.warnedUnknown.add(name);
        this.logger.warn({ flag: name, path: `${this.dir}/${name}` }, 'unknown flag in zookeeper: reported, not applied');
      }
    }
    const present = new Set(children);
    await Promise.all(FLAG_KEYS.map(async (key) => (present.has(key) ? this.readKey(client, generation, key) : this.apply(key, null))));
  }

  /** Reads one flag and re-sets its data watch; a missing node means the default applies. */
  private async readKey(client: Client, generation: number, key: FlagKey): Promise<void> {
    const watcher = this.watchersFor(client, generation).data.get(key)!;
    let text: string | null;
    try {
      text = (await getData(client, `${this.dir}/${key}`, { watcher, timeoutMs: this.opTimeoutMs })).text;
    } catch (err) {
      if (!isNoNode(err)) throw err;
      // Deleted: the parent's child watch announces a re-creation.
      text = null;
    }
    if (this.stopped || generation !== this.session.generation) return;
    this.apply(key, text);
  }

  /** Applies one znode's content (null = no znode). Bad values keep the last good one. */
  private apply(key: FlagKey, text: string | null): void {
    if (text === null) {
      this.invalid.delete(key);
      if (!this.fromZooKeeper.has(key)) return;
      this.fromZooKeeper.delete(key);
      this.set(key, defaultFlags()[key], 'flag removed from zookeeper; default applies');
      return;
    }
    let value: RecFlags[FlagKey];
    try {
      value = parseFlagJson(key, text);
    } catch (err) {
      if (this.invalid.get(key) !== text) {
        this.invalid.set(key, text);
        this.logger.error(
          { flag: key, value: text, reason: (err as Error).message, inForce: this.flags[key] },
          `invalid value for flag ${key} in zookeeper: ${JSON.stringify(text)}; keeping ${JSON.stringify(this.flags[key])}`,
        );
      }
      return;
    }
    this.invalid.delete(key);
    const wasFromZooKeeper = this.fromZooKeeper.has(key);
    this.fromZooKeeper.add(key);
    if (wasFromZooKeeper && JSON.stringify(value) === JSON.stringify(this.flags[key])) return;
    this.set(key, value, 'flag changed');
  }

  private set(key: FlagKey, value: unknown, message: string): void {
    const previous = this.flags[key];
    this.flags = { ...this.flags, [key]: value };
    this.logger.info({ flag: key, value, previous }, message);
  }
}

/** Builds the provider and waits (at most `startTimeoutMs`) for the first read. */
export function startZooKeeperFlags(options: ZooKeeperFlagsOptions): Promise<ZooKeeperFlags> {
  return new ZooKeeperFlags(options).start();
}

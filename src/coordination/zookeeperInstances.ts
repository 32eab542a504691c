// Instance registry and leader election on ZooKeeper, by the recipe in ZooKeeper's documentation:
// every instance creates an EPHEMERAL_SEQUENTIAL znode `<root>/instances/<guid>-<seq>` holding its
// JSON {id, host, port, version, startedAt}. The lowest sequence number leads; every other
// instance watches only its predecessor (no herd effect) and re-checks when that node goes.
// The znode disappears with its session: at once on a clean close, after the session timeout on
// a crash, so another instance takes over within the timeout. Instances that do not stand for
// leader (no scorer role) register as `<guid>.observer-<seq>`: listed, skipped by the election.
//
// While disconnected an instance stops acting as leader (its session may be expiring and a
// successor may already lead); on reconnect it checks again, after an expiry it registers anew.
import { randomUUID } from 'node:crypto';
import type { Client } from 'node-zookeeper-client';
import { UnavailableError } from '../errors';
import type { Logger } from '../logger';
import { MaintenanceTimer } from './maintenance';
import type { InstanceInfo, InstanceRegistry, LiveInstance, Maintenance } from './types';
import { CreateMode, create, exists, getChildren, getData, isNoNode, mkdirp, remove, type Watcher } from './zk';
import type { ZooKeeperSession } from './zkSession';
import { START_BACKOFF, backoffDelay } from '../util/backoff';

export interface ZooKeeperInstancesOptions {
  session: ZooKeeperSession;
  root: string;
  logger: Logger;
  maintenance: Maintenance;
  maintenanceIntervalMs?: number;
  opTimeoutMs?: number;
  /** Told on every change of leadership (tests, metrics). */
  onLeadership?: (isLeader: boolean) => void;
  /**
   * False: registered (listed) but never leads: a process without the scorer role (RECSYS_ROLES)
   * leaves the maintenance to the scorers. Its znode name says so, so the others skip it.
   */
  candidate?: boolean;
}

/** Marks the znode of an instance that does not stand for leader. */
const OBSERVER_MARK = '.observer-';

/** The znodes that stand for leader, in election order. */
export function candidatesOf(names: readonly string[]): string[] {
  return sortBySequence(names.filter((name) => !name.includes(OBSERVER_MARK)));
}

/** `<guid>-0000000042` -> 42; the election orders by this number only. */
export function sequenceOf(node: string): number {
  const m = /(\d{10})$/.exec(node);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

export function sortBySequence(nodes: readonly string[]): string[] {
  return [...nodes].sort((a, b) => sequenceOf(a) - sequenceOf(b) || (a < b ? -1 : 1));
}

export class ZooKeeperInstances implements InstanceRegistry {
  private readonly session: ZooKeeperSession;
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly opTimeoutMs: number;
  private readonly onLeadership: (isLeader: boolean) => void;
  private readonly timer: MaintenanceTimer;
  /** Prefix of this process's znode names: finds our node after a create whose answer was lost. */
  private readonly guid = randomUUID();
  private readonly namePrefix: string;
  private readonly candidate: boolean;

  private self: InstanceInfo | null = null;
  /** Our znode name (no path) and the session generation it belongs to. */
  private node: { name: string; generation: number } | null = null;
  private leader = false;
  private stopped = false;
  private working: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | null = null;
  /** Failed attempts since the last success: the next retry waits backoffDelay(retries, START_BACKOFF). */
  private retries = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private watcher: { generation: number; fn: Watcher } | null = null;

  constructor({
    session,
    root,
    logger,
    maintenance,
    maintenanceIntervalMs = 60_000,
    opTimeoutMs = 5_000,
    onLeadership = () => undefined,
    candidate = true,
  }: ZooKeeperInstancesOptions) {
    this.candidate = candidate;
    this.namePrefix = candidate ? `${this.guid}-` : `${this.guid}${OBSERVER_MARK}`;
    this.session = session;
    this.dir = `${root}/instances`;
    this.logger = logger;
    this.opTimeoutMs = opTimeoutMs;
    this.onLeadership = onLeadership;
    this.timer = new MaintenanceTimer(maintenance, maintenanceIntervalMs, logger);
  }

  async start(self: InstanceInfo): Promise<void> {
    if (this.self) throw new Error('ZooKeeperInstances.start() called twice');
    this.self = self;
    const elect = (client: Client, generation: number) => this.schedule(client, generation);
    const lost = () => this.setLeader(false, 'zookeeper connection lost');
    this.unsubscribe.push(
      this.session.on('session', elect),
      this.session.on('reconnected', elect),
      this.session.on('disconnected', lost),
      this.session.on('expired', lost),
    );
    const client = this.session.client;
    if (this.session.connected && client) this.schedule(client, this.session.generation);
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** The registered instances, read now from ZooKeeper, the leader first. */
  async list(): Promise<LiveInstance[]> {
    const client = this.session.client;
    if (!client || !this.session.connected) throw new UnavailableError('zookeeper', 'not connected; the instance list is unknown');
    let names: string[];
    try {
      names = sortBySequence(await getChildren(client, this.dir, { timeoutMs: this.opTimeoutMs }));
    } catch (err) {
      if (isNoNode(err)) return [];
      throw err;
    }
    const read = await Promise.all(
      names.map(async (name) => {
        try {
          const info = JSON.parse((await getData(client, `${this.dir}/${name}`, { timeoutMs: this.opTimeoutMs })).text) as InstanceInfo;
          return { name, info };
        } catch (err) {
          if (!isNoNode(err)) this.logger.warn({ node: name, err: (err as Error).message }, 'unreadable instance znode skipped');
          return null;
        }
      }),
    );
    const leaderName = candidatesOf(names)[0];
    const myNode = this.node?.generation === this.session.generation ? this.node.name : null;
    return read
      .filter((r): r is { name: string; info: InstanceInfo } => r !== null)
      .map(({ name, info }) => ({
        id: String(info.id),
        host: String(info.host),
        port: Number(info.port),
        version: String(info.version),
        startedAt: String(info.startedAt),
        isLeader: name === leaderName,
        isSelf: name === myNode,
      }));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.setLeader(false, 'stopping');
    await this.timer.stop();
    await this.working.catch(() => undefined);
    // Leave the election now rather than when the session closes: a successor takes over at once.
    const client = this.session.client;
    if (this.node && client && this.session.connected && this.node.generation === this.session.generation) {
      await remove(client, `${this.dir}/${this.node.name}`, this.opTimeoutMs).catch((err: unknown) => {
        if (!isNoNode(err)) this.logger.warn({ err: (err as Error).message }, 'could not remove this instance znode; it goes with the session');
      });
    }
    this.node = null;
  }

  // ---- election -------------------------------------------------------------------------------

  private setLeader(leader: boolean, why: string): void {
    if (this.leader === leader) return;
    this.leader = leader;
    if (leader) this.timer.resume();
    else this.timer.pause();
    this.logger.info({ id: this.self?.id, node: this.node?.name, why }, leader ? 'this instance is now the leader' : 'this instance is no longer the leader');
    this.onLeadership(leader);
  }

  /** Serialises election steps: one at a time, in order. */
  private schedule(client: Client, generation: number): void {
    if (this.stopped) return;
    this.working = this.working
      .then(() => this.step(client, generation))
      .then(
        () => {
          this.retries = 0;
        },
        (err: unknown) => {
          if (this.stopped || generation !== this.session.generation) return;
          this.logger.warn({ err: (err as Error).message }, 'leader election step failed; will retry');
          this.setLeader(false, 'election step failed');
          this.retryLater(client, generation);
        },
      );
  }

  private retryLater(client: Client, generation: number): void {
    if (this.retryTimer) return;
    const delay = backoffDelay(this.retries++, START_BACKOFF);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.session.connected && generation === this.session.generation) this.schedule(client, generation);
    }, delay);
    this.retryTimer.unref?.();
  }

  private predecessorWatcher(client: Client, generation: number): Watcher {
    if (this.watcher?.generation !== generation) {
      this.watcher = {
        generation,
        fn: () => {
          if (!this.stopped && generation === this.session.generation) this.schedule(client, generation);
        },
      };
    }
    return this.watcher.fn;
  }

  /** One round of the recipe: make sure our node exists, then lead or watch the predecessor. */
  private async step(client: Client, generation: number): Promise<void> {
    if (this.stopped || !this.self || generation !== this.session.generation) return;
    if (this.node?.generation !== generation) await this.register(client, generation);
    for (;;) {
      if (this.stopped || generation !== this.session.generation) return;
      const names = sortBySequence(await getChildren(client, this.dir, { timeoutMs: this.opTimeoutMs }));
      const mine = this.node!.name;
      const index = names.indexOf(mine);
      if (index < 0) {
        // Our node vanished while the session lives (removed by hand?): register again.
        this.logger.warn({ node: mine }, 'this instance znode disappeared; registering again');
        await this.register(client, generation);
        continue;
      }
      if (!this.candidate) return; // registered; never leads, watches nobody
      const candidates = candidatesOf(names);
      const rank = candidates.indexOf(mine);
      if (rank === 0) {
        this.setLeader(true, 'lowest sequence number');
        return;
      }
      this.setLeader(false, 'a predecessor exists');
      const predecessor = candidates[rank - 1]!;
      const stat = await exists(client, `${this.dir}/${predecessor}`, {
        watcher: this.predecessorWatcher(client, generation),
        timeoutMs: this.opTimeoutMs,
      });
      if (stat) {
        this.logger.debug({ node: mine, watching: predecessor }, 'following; watching the predecessor');
        return; // the watch calls schedule() when the predecessor changes or goes
      }
      // Gone between the listing and the watch: look again.
    }
  }

  private async register(client: Client, generation: number): Promise<void> {
    await mkdirp(client, this.dir, this.opTimeoutMs);
    const data = JSON.stringify(this.self);
    let name: string;
    try {
      const created = await create(client, `${this.dir}/${this.namePrefix}`, data, CreateMode.EPHEMERAL_SEQUENTIAL, this.opTimeoutMs);
      name = created.slice(created.lastIndexOf('/') + 1);
    } catch (err) {
      // The create may have happened with its answer lost: adopt our node if this session owns one.
      const own = await this.findOwnNode(client);
      if (!own) throw err;
      name = own;
    }
    this.node = { name, generation };
    this.logger.info({ node: `${this.dir}/${name}`, id: this.self?.id, sessionId: this.session.sessionId }, 'instance registered');
  }

  private async findOwnNode(client: Client): Promise<string | null> {
    const sessionId = client.getSessionId();
    const names = await getChildren(client, this.dir, { timeoutMs: this.opTimeoutMs });
    for (const name of sortBySequence(names.filter((n) => n.startsWith(this.namePrefix)))) {
      const stat = await exists(client, `${this.dir}/${name}`, { timeoutMs: this.opTimeoutMs });
      if (stat && Buffer.compare(stat.ephemeralOwner, sessionId) === 0) return name;
    }
    return null;
  }
}

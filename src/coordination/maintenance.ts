// Runs the leader's maintenance every interval while leading: never two runs at once, errors logged.
import type { Logger } from '../logger';
import type { Maintenance } from './types';

export class MaintenanceTimer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly task: Maintenance,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  get active(): boolean {
    return this.timer !== null;
  }

  /** Runs once now, then every interval, until `pause()`. */
  resume(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref?.();
    void this.runOnce();
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops and waits for a run in progress. */
  async stop(): Promise<void> {
    this.pause();
    await this.running;
  }

  private runOnce(): Promise<void> {
    if (this.running) return this.running;
    const run = (async () => {
      try {
        await this.task();
      } catch (err) {
        this.logger.error({ err }, 'leader maintenance failed; next run at the next interval');
      }
    })();
    this.running = run;
    void run.then(() => {
      if (this.running === run) this.running = null;
    });
    return run;
  }
}

/** Keys (or lists) the leader's prune looks at per run: a bounded slice of work, never a full sweep at once. */
export const PRUNE_BUDGET = 10_000;

/**
 * The leader's job: a periodic look at the fleet (live instances, flags ZooKeeper holds that no
 * instance understands) and a bounded prune of what expiry leaves behind (src/store: prune). Runs
 * on one instance only, so its work and log lines are not repeated N times.
 */
export function createLeaderMaintenance(deps: {
  instances: { list(): Promise<{ id: string; host: string; port: number }[]> };
  flags: { status(): { connected: boolean; unknownKeys?: string[]; invalidKeys?: string[] } };
  /** The store's bounded clean-up (src/store: prune), described here so coordination needs no store types. */
  store: { prune(budget: number, nowMs: number): Promise<{ examined: number; removed: number }> };
  logger: Logger;
  now?: () => number;
  pruneBudget?: number;
}): Maintenance {
  return async () => {
    const pruned = await deps.store.prune(deps.pruneBudget ?? PRUNE_BUDGET, (deps.now ?? Date.now)());
    deps.logger.info(pruned, `leader maintenance: pruned ${pruned.removed} expired entries (${pruned.examined} looked at)`);
    const live = await deps.instances.list();
    const status = deps.flags.status();
    deps.logger.info(
      { instances: live.map((i) => `${i.id}@${i.host}:${i.port}`), flagsConnected: status.connected },
      `leader maintenance: ${live.length} live instance(s)`,
    );
    if (status.unknownKeys?.length || status.invalidKeys?.length) {
      deps.logger.warn(
        { unknownKeys: status.unknownKeys ?? [], invalidKeys: status.invalidKeys ?? [] },
        'leader maintenance: zookeeper holds flags that are unknown or invalid (see `npm run flags -- list`)',
      );
    }
  };
}

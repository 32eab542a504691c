// Embedded mode's registry: one process, so one instance, and it leads.
import type { Logger } from '../logger';
import { MaintenanceTimer } from './maintenance';
import type { InstanceInfo, InstanceRegistry, LiveInstance, Maintenance } from './types';

export interface LocalInstancesOptions {
  logger: Logger;
  maintenance: Maintenance;
  maintenanceIntervalMs?: number;
}

export class LocalInstances implements InstanceRegistry {
  private self: InstanceInfo | null = null;
  private readonly timer: MaintenanceTimer;

  constructor({ logger, maintenance, maintenanceIntervalMs = 60_000 }: LocalInstancesOptions) {
    this.timer = new MaintenanceTimer(maintenance, maintenanceIntervalMs, logger);
  }

  async start(self: InstanceInfo): Promise<void> {
    this.self = self;
    this.timer.resume();
  }

  async list(): Promise<LiveInstance[]> {
    return this.self ? [{ ...this.self, isLeader: true, isSelf: true }] : [];
  }

  isLeader(): boolean {
    return this.self !== null && this.timer.active;
  }

  async stop(): Promise<void> {
    await this.timer.stop();
  }
}

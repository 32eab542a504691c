// Which gateway instances are alive, and which one leads (runs the periodic maintenance).

/** What an instance registers about itself (the JSON data of its znode). */
export interface InstanceInfo {
  id: string;
  host: string;
  port: number;
  version: string;
  /** ISO-8601 */
  startedAt: string;
}

export interface LiveInstance extends InstanceInfo {
  isLeader: boolean;
  /** True for the instance answering the query. */
  isSelf: boolean;
}

export interface InstanceRegistry {
  /** Registers this instance and joins the leader election; never waits for ZooKeeper. */
  start(self: InstanceInfo): Promise<void>;
  /** The live instances, the leader first. */
  list(): Promise<LiveInstance[]>;
  isLeader(): boolean;
  /** Leaves the election (another instance takes over at once) and stops the maintenance. */
  stop(): Promise<void>;
}

/** The leader's periodic job. Injected, so tests can watch who runs it. */
export type Maintenance = () => void | Promise<void>;

// `npm run doctor`: the seed's three infrastructure checks (Kafka, Redis, ZooKeeper), in the seed's
// order, each bounded in time. Each check prints the seed's expected lines through `print`.
import { checkKafka } from './kafka';
import { checkRedis } from './redis';
import { checkZooKeeper } from './zookeeper';

export { checkKafka, type KafkaCheckOptions, type ReceivedMessage } from './kafka';
export { checkRedis, DOCTOR_KEY_PREFIX, type RedisCheckOptions } from './redis';
export { checkZooKeeper, type ZooKeeperCheckOptions } from './zookeeper';
export { DOCTOR_HEADER, DOCTOR_KEY, isDoctorMessage } from '../log/doctorMarker';

export type DoctorPart = 'Kafka' | 'Redis' | 'ZooKeeper';

export interface DoctorTargets {
  kafkaBrokers: string[];
  redisUrl: string;
  /** Set: the Redis check runs against this Redis Cluster instead of redisUrl. */
  redisClusterNodes?: string[] | null;
  zookeeperConnect: string;
}

export interface DoctorResult {
  part: DoctorPart;
  ok: boolean;
  ms: number;
  error?: Error;
}

export interface DoctorOptions {
  targets: DoctorTargets;
  print: (line: string) => void;
  /** Per check; defaults: Kafka 30 s, Redis 10 s, ZooKeeper 10 s. */
  timeoutMs?: Partial<Record<DoctorPart, number>>;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorResult[]> {
  const { targets, print, timeoutMs = {} } = options;
  const checks: [DoctorPart, () => Promise<unknown>][] = [
    ['Kafka', () => checkKafka({ brokers: targets.kafkaBrokers, print, timeoutMs: timeoutMs.Kafka })],
    ['Redis', () => checkRedis({ url: targets.redisUrl, clusterNodes: targets.redisClusterNodes ?? null, print, timeoutMs: timeoutMs.Redis })],
    ['ZooKeeper', () => checkZooKeeper({ connect: targets.zookeeperConnect, print, timeoutMs: timeoutMs.ZooKeeper })],
  ];
  const results: DoctorResult[] = [];
  for (const [part, check] of checks) {
    const started = Date.now();
    try {
      await check();
      results.push({ part, ok: true, ms: Date.now() - started });
    } catch (err) {
      results.push({ part, ok: false, ms: Date.now() - started, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  return results;
}

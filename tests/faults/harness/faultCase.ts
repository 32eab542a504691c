// One fault case from start to verdict: a namespace of its own (topics, keys, group, ZooKeeper
// root), a catalogue the accounting can read, a gateway from dist/ as a child process, steady
// load, the fault (the case's body), then the accounting and its one line:
//   fault: <name> acked N, in Kafka N, scored N, lost 0, duplicated 0
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisStore } from '../../../src/store/redisStore';
import type { Env } from '../../../src/config';
import { freePort, killHard, spawnGateway, type GatewayProcess } from '../../helpers/processes';
import { account, waitScored, type CaseNamespace, type Tally } from './accounting';
import { categoryOf, productOf, startLoad, type Load } from './load';
import { faultStackEnv, restartMissing } from './stack';

export interface CaseContext {
  ns: CaseNamespace;
  /** The environment the case's gateways run with (its namespace on the fault stack). */
  env: Env;
  load: Load;
  /** The gateway the load goes to now. */
  gateway(): GatewayProcess;
  /** Starts a new gateway process on the same group and sends the load there. */
  startGateway(): Promise<GatewayProcess>;
  /** Resolves once a request sent at or after `since` was acknowledged; the time it took from `since`. */
  firstAckAfter(since: number, timeoutMs: number): Promise<number>;
  /**
   * Resolves once every request sent for `steadyMs` was acknowledged, with the time from `since` to
   * the start of that run (the last refused request's send time); fails when that start would lie
   * more than `withinMs` after `since`.
   */
  writesSteadyAfter(since: number, withinMs: number, steadyMs?: number): Promise<number>;
  note(text: string): void;
  /** Writes the case's catalogue again (what an operator imports after Redis lost it). */
  reseedCatalogue(): Promise<void>;
}

export interface CaseOptions {
  rate?: number;
  users?: number;
  maxEvents?: number;
  env?: Env;
  /** How long scoring may take to catch up after the load stopped. */
  drainMs?: number;
  /**
   * Runs once the load stopped and scoring caught up, before the accounting: may rebuild the
   * scores elsewhere (a replay) and return the key prefix the accounting reads instead of the case's.
   */
  afterDrain?: (ns: CaseNamespace, env: Env) => Promise<string | void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function caseNamespace(name: string): CaseNamespace {
  const runId = `${name}-${randomBytes(3).toString('hex')}`;
  return { runId, topicPrefix: `${runId}-`, keyPrefix: runId, groupId: `${runId}-scorer` };
}

export async function runFaultCase(name: string, body: (ctx: CaseContext) => Promise<void>, options: CaseOptions = {}): Promise<Tally> {
  const ns = caseNamespace(name);
  const maxEvents = options.maxEvents ?? 20_000;
  await seedCatalogue(ns, maxEvents);
  const env: Env = {
    ...faultStackEnv,
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    REDIS_KEY_PREFIX: ns.keyPrefix,
    KAFKA_GROUP_ID: ns.groupId,
    ZOOKEEPER_ROOT: `/${ns.runId}`,
    KAFKA_PARTITIONS: '6',
    KAFKA_PRODUCE_TIMEOUT_MS: '3000',
    RECSYS_TRACK_RATE_USER_PER_SECOND: '0',
    RECSYS_TRACK_RATE_IP_PER_SECOND: '0',
    ...options.env,
  };
  const gateways: GatewayProcess[] = [];
  const start = async () => {
    const g = await spawnGateway(env, await freePort());
    gateways.push(g);
    return g;
  };
  let current = await start();
  const notes: string[] = [];
  const load = startLoad({ url: () => current.url, runId: ns.runId, rate: options.rate ?? 100, users: options.users ?? 40, maxEvents });
  let failure: unknown = null;
  try {
    await body({
      ns,
      env,
      load,
      gateway: () => current,
      startGateway: async () => (current = await start()),
      firstAckAfter: async (since, timeoutMs) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const acked = load.sentAfter(since).filter((o) => o.result === 'acked');
          if (acked.length > 0) return Math.min(...acked.map((o) => o.answeredAt)) - since;
          if (Date.now() > deadline) throw new Error(`${name}: no write acknowledged within ${timeoutMs} ms after ${new Date(since).toISOString()}`);
          await sleep(100);
        }
      },
      writesSteadyAfter: async (since, withinMs, steadyMs = 5_000) => {
        for (;;) {
          const now = Date.now();
          // Only requests old enough to have their answer (the gateway answers within its 3 s produce timeout).
          const cutoff = now - 5_000;
          const sent = load.sentAfter(since).filter((o) => o.sentAt < cutoff);
          const refused = sent.filter((o) => o.result !== 'acked');
          const start = Math.max(since, ...refused.map((o) => o.sentAt + 1));
          const steady = sent.filter((o) => o.sentAt >= start);
          if (steady.length > 0 && cutoff - start >= steadyMs) return start - since;
          if (start - since > withinMs || now - since > withinMs + steadyMs + 20_000) {
            const last = refused.slice(-5).map((o) => `${o.eventId} ${o.result} ${o.detail ?? ''}`);
            throw new Error(
              `${name}: writes not steadily acknowledged within ${withinMs} ms of ${new Date(since).toISOString()}; last refusals: ${last.join(' | ')}`,
            );
          }
          await sleep(250);
        }
      },
      note: (text) => notes.push(text),
      reseedCatalogue: () => seedCatalogue(ns, maxEvents),
    }).catch((err: unknown) => {
      // Still account for what was sent: a failed case's line shows what the failure cost.
      failure = err;
    });
    const outcomes = await load.stop();
    // A case that failed mid-fault may have left nodes down: the accounting needs them all.
    if (failure) await restartMissing();
    await waitScored(ns, options.drainMs ?? 120_000);
    const accountPrefix = failure || !options.afterDrain ? undefined : await options.afterDrain(ns, env).catch((err: unknown) => void (failure = err));
    const tally = await account(name, ns, outcomes, accountPrefix ?? ns.keyPrefix);
    process.stdout.write(`${tally.line}\n`);
    const problems = [
      tally.lost.length > 0 && `lost (acknowledged, missing from Kafka or never scored): ${tally.lost.slice(0, 20).join(', ')}`,
      tally.duplicated.length > 0 && `scored more than once: ${tally.duplicated.slice(0, 20).join(', ')}`,
      tally.refusedButStored.length > 0 && `refused as not written, yet in Kafka: ${tally.refusedButStored.slice(0, 20).join(', ')}`,
      tally.acked === 0 && 'nothing was acknowledged: the load never ran',
    ].filter(Boolean);
    if (failure)
      throw Object.assign(failure as Error, { message: `${(failure as Error).message}\n${tally.line}\n${problems.join('\n')}\nnotes: ${notes.join('; ')}` });
    if (problems.length > 0) {
      throw new Error(`${tally.line}\n${problems.join('\n')}\nnotes: ${notes.join('; ')}\ngateway output:\n${current.output().slice(-3000)}`);
    }
    if (notes.length > 0) process.stdout.write(`  ${name}: ${notes.join('; ')}; ${tally.unknown} answered "not known to be written" or not at all\n`);
    return tally;
  } finally {
    await load.stop();
    await Promise.all(gateways.map((g) => stopGateway(g)));
  }
}

async function stopGateway(g: GatewayProcess): Promise<void> {
  if (g.child.exitCode !== null || g.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => g.child.once('exit', () => resolve()));
  g.child.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000)]);
  await killHard(g);
}

/** Product fp-<n> in category fc-<n> for every event the load may send. */
async function seedCatalogue(ns: CaseNamespace, count: number): Promise<void> {
  const redis = new Redis(faultStackEnv.REDIS_URL);
  try {
    const store = new RedisStore(redis, ns.keyPrefix);
    for (let from = 0; from < count; from += 2_000) {
      const products = Array.from({ length: Math.min(2_000, count - from) }, (_, i) => ({
        id: productOf(from + i),
        name: `fault product ${from + i}`,
        category: categoryOf(from + i),
        price: null,
        inStock: true,
        imageUrl: null,
      }));
      await store.upsertProducts(products);
    }
  } finally {
    redis.disconnect();
  }
}

// What every scenario gets: the run's options, the stack's addresses, progress output, and the
// shape of a result (rows for the summary table, charts and notes for the report).
import { randomBytes } from 'node:crypto';
import { STACK_DEFAULTS } from '../../src/config';
import type { RedisMeter } from './window';
import { createBenchAuth, type BenchAuth } from './tokens';

export interface BenchOptions {
  quick: boolean;
  json: boolean;
  reportDir: string;
  /** Scenarios to run (a..e, g); a..e by default. */
  only: Set<string>;
  /** Profile the gateway child of every scenario (node --cpu-prof) and summarise it in the report. */
  profile: boolean;
}

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  ours: number;
  baseline: number | null;
  /** ours / baseline, or null where there is no baseline for this row. */
  ratio: number | null;
  aim: string;
  /** null: no aim for this row (information). */
  holds: boolean | null;
}

export interface Chart {
  file: string;
  caption: string;
  svg: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  rows: Row[];
  charts: Chart[];
  notes: string[];
  /** Profile summaries (gateway child), when taken. */
  profiles: { label: string; summary: string }[];
  raw: Record<string, unknown>;
}

export interface BenchContext {
  options: BenchOptions;
  brokers: string[];
  /** The bench's private redis-server (every gateway and baseline of the run uses it). */
  redisUrl: string;
  /** Reads that server's INFO, for Redis work per event. */
  redisMeter: RedisMeter;
  zookeeper: string;
  /** A fresh id for names (topics, key prefixes, groups) of one scenario. */
  id(label: string): string;
  progress(text: string): void;
  done(text: string): void;
  /** Where profiles go (inside the report folder). */
  profileDir: string;
  /** The run's JWT secret and the tokens minted with it (scripts/bench/tokens.ts). */
  auth: BenchAuth;
}

export function createContext(
  options: BenchOptions,
  env: Record<string, string | undefined>,
  profileDir: string,
  redis: { url: string } & RedisMeter,
): BenchContext {
  const run = randomBytes(3).toString('hex');
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    options,
    brokers: (env.KAFKA_BROKERS || STACK_DEFAULTS.KAFKA_BROKERS).split(','),
    redisUrl: redis.url,
    redisMeter: redis,
    zookeeper: env.ZOOKEEPER_CONNECT || STACK_DEFAULTS.ZOOKEEPER_CONNECT,
    id: (label) => `bench-${run}-${label}`,
    profileDir,
    auth: createBenchAuth(),
    progress(text) {
      if (tty) process.stderr.write(`\r\x1b[2K  ${text}`);
      else if (Date.now() - last > 2000) {
        last = Date.now();
        process.stderr.write(`  ${text}\n`);
      }
    },
    done(text) {
      if (tty) process.stderr.write('\r\x1b[2K');
      process.stderr.write(`  ${text}\n`);
    },
  };
}

/**
 * The environment of a gateway child on the local stack, isolated by `id`: run as a shop runs it,
 * NODE_ENV=production with auth on (the bench presents ctx.auth's tokens).
 */
export function gatewayEnv(ctx: BenchContext, id: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: ctx.brokers.join(','),
    REDIS_URL: ctx.redisUrl,
    ZOOKEEPER_CONNECT: ctx.zookeeper,
    ZOOKEEPER_ROOT: `/${id}`,
    REDIS_KEY_PREFIX: id,
    KAFKA_TOPIC_PREFIX: `${id}-`,
    KAFKA_GROUP_ID: `${id}-scorer`,
    KAFKA_PARTITIONS: '6',
    HOST: '127.0.0.1',
    PORT: '0',
    ...ctx.auth.env,
    // The bench measures capacity: the per-user and per-address track limits would refuse most of its load.
    RECSYS_TRACK_RATE_USER_PER_SECOND: '0',
    RECSYS_TRACK_RATE_IP_PER_SECOND: '0',
    // Thousands of subscribers connect from this one address.
    RECSYS_WS_MAX_SOCKETS_PER_ADDRESS: '1000000',
    ...extra,
  };
}

/** A GraphQL baseline child: production mode and the same token checks as the gateway (like with like). */
export function baselineEnv(ctx: BenchContext): Record<string, string> {
  return { ...ctx.auth.env };
}

export function row(r: Omit<Row, 'ratio'> & { ratio?: number | null }): Row {
  const ratio = r.ratio !== undefined ? r.ratio : r.baseline ? r.ours / r.baseline : null;
  return { ...r, ratio };
}

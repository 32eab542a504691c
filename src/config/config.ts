// The one place that reads the environment. Everything else receives a validated Config.
import { isIP } from 'node:net';
import { ConfigError } from '../errors';

export type Env = Record<string, string | undefined>;

export const TOPICS = {
  view: 'view-events',
  addToCart: 'add-to-cart-events',
  purchase: 'purchase-events',
} as const;

/** Where messages that cannot be scored and corrupt stored states are set aside (with the topic prefix). */
export const DEAD_LETTER_TOPIC = 'dead-letter-events';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  groupId: string;
  /** Prepended to every topic name (tests isolate themselves with a random prefix). */
  topicPrefix: string;
  partitions: number;
  /** A track mutation waits at most this long for Kafka's acknowledgement. */
  produceTimeoutMs: number;
  /** retention.ms of the topics the gateway creates: -1 (default) keeps every event, so a replay can rebuild Redis. */
  retentionMs: number;
  /** How long the group coordinator keeps a silent member (a killed gateway) before reassigning its partitions. */
  sessionTimeoutMs: number;
}

export interface RedisConfig {
  /** A single Redis (REDIS_URL); null under Redis Cluster. */
  url: string | null;
  /** Redis Cluster seed nodes (REDIS_CLUSTER_NODES, host:port each); null for a single Redis. */
  clusterNodes: string[] | null;
  /** Prepended to every key and channel (tests isolate themselves with a random prefix). */
  keyPrefix: string;
  /** A Redis command unanswered this long fails with UNAVAILABLE (commands fail at once while disconnected). */
  commandTimeoutMs: number;
}

export interface ZooKeeperConfig {
  connect: string;
  root: string;
  sessionTimeoutMs: number;
  /**
   * ZOOKEEPER_AUTH=user:password: the digest credentials the session presents; the flag znodes are
   * then created readable by all, writable by this user only. null: open ACL (anyone may write).
   */
  auth: ZooKeeperAuth | null;
}

export interface ZooKeeperAuth {
  user: string;
  password: string;
}

/** Abuse limits and production posture (src/server/security/); the README's "Auth and limits" lists them. */
export interface SecurityConfig {
  /** Browser origins allowed to open the websocket (and read HTTP answers); null = any (development only). Same-origin always passes. */
  allowedOrigins: string[] | null;
  /** Proxies in front of the gateway whose X-Forwarded-For entry is trusted (0 = use the socket's address). */
  trustProxyHops: number;
  maxDepth: number;
  maxAliases: number;
  /** Parser limit: lexical tokens per document. */
  maxTokens: number;
  /** Estimated cost per operation (fields, list fields multiplied by their `limit`). */
  maxCost: number;
  /** Fields one selection set merges (fragments included): bounds graphql-js's pairwise field validation. */
  maxFieldsPerSelection: number;
  /** Fields per operation, fragments expanded where spread. */
  maxFields: number;
  /** Validation outcomes remembered per text: the websocket's documents and refusals, HTTP's refusals. */
  validationCacheEntries: number;
  maxBodyBytes: number;
  wsMaxPayloadBytes: number;
  /** Subscriptions (and operations still running) on one websocket at a time. */
  wsMaxSubscriptions: number;
  /** No connection_init within this long closes the socket with 4408. */
  wsConnectionInitTimeoutMs: number;
  /** A socket with no subscription running and no ping for this long is closed (4408 "idle"). */
  wsIdleTimeoutMs: number;
  /** Open websockets per client address (over it the upgrade gets HTTP 429). */
  wsMaxSocketsPerAddress: number;
  /** Bearer token GET /metrics requires; null: /metrics open in development, refused (403) in production. */
  metricsToken: string | null;
  /** Token buckets for the track mutations; perSecond 0 turns one off. */
  trackRate: { user: RateConfig; ip: RateConfig };
}

export interface AuthConfig {
  /** HS256 secret; null = auth off (never in production). */
  jwtSecret: string | null;
  /** Longest life a token may have (exp - iat, or exp - now without iat). */
  maxAgeSeconds: number;
  /** Tokens without `exp` are refused (production); elsewhere they are accepted. */
  requireExpiry: boolean;
}

export interface RateConfig {
  perSecond: number;
  burst: number;
}

/** What a gateway process runs (RECSYS_ROLES); the README's "Process roles" says which topology each suits. */
export const ROLES = ['api', 'scorer', 'push'] as const;
export type Role = (typeof ROLES)[number];
/**
 * api: HTTP GraphQL (queries, track mutations into Kafka). scorer: the Kafka consumer scoring into
 * Redis, the refresh of subscribed lists, leader maintenance. push: the websocket and its subscriptions.
 */
export type Roles = Readonly<Record<Role, boolean>>;

export interface Config {
  mode: 'embedded' | 'distributed';
  /** Every role in one process by default; embedded mode allows nothing else. */
  roles: Roles;
  nodeEnv: string;
  production: boolean;
  host: string;
  port: number;
  logLevel: string;
  kafka: KafkaConfig | null;
  redis: RedisConfig | null;
  zookeeper: ZooKeeperConfig | null;
  /** Embedded mode only: optional JSON file of flag values. */
  flagsFile: string | null;
  auth: AuthConfig;
  security: SecurityConfig;
  instanceId: string;
  /**
   * RECSYS_PRODUCT_CACHE_ENTRIES: products a push process keeps in memory for its pushes (and
   * reads), forgotten at each catalogue write's notice; 0 reads every push's products from Redis.
   */
  productCacheEntries: number;
  /**
   * Fault testing only (RECSYS_TEST_SCORING_DELAY_MS, refused in production): each scored batch
   * waits this long first, to make scoring slower than the consumer's session timeout.
   */
  scoringDelayMs: number;
  /** RECSYS_EXPERIMENT_BUCKET_MS: width of the experiment report's time buckets (its plot over time); default 5 min. */
  experimentBucketMs: number;
  /** A track mutation's `refreshed` field waits at most this long for the event to be scored (RECSYS_REFRESHED_TIMEOUT_MS). */
  refreshedTimeoutMs: number;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** PORT, as the gateway reads it (also the default target of the operator tools run beside it). */
export function gatewayPort(env: Env): number {
  return int(env, 'PORT', 4000, 0, 65535);
}

function hostPorts(env: Env, name: string): string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new ConfigError(name, 'expected host:port[,host:port...], got nothing');
  for (const item of list) {
    if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(item)) {
      throw new ConfigError(name, `"${item}" is not host:port (e.g. 127.0.0.1:9093)`);
    }
  }
  return list;
}

function origins(env: Env, production: boolean): string[] | null {
  const raw = (env.RECSYS_ALLOWED_ORIGINS ?? '').trim();
  if (raw === '') return production ? [] : null; // production: same-origin and non-browser clients only
  if (raw === '*') {
    if (production) throw new ConfigError('RECSYS_ALLOWED_ORIGINS', '"*" is not allowed when NODE_ENV=production; list the storefront origins');
    return null;
  }
  return raw.split(',').map((item) => {
    const origin = item.trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[A-Za-z0-9.\-[\]:]+$/.test(origin)) {
      throw new ConfigError('RECSYS_ALLOWED_ORIGINS', `"${item.trim()}" is not an origin like https://shop.example.com`);
    }
    return origin.toLowerCase();
  });
}

function metricsToken(env: Env): string | null {
  const raw = env.RECSYS_METRICS_TOKEN ?? '';
  if (raw === '') return null;
  if (raw.length < 16 || /\s/.test(raw)) throw new ConfigError('RECSYS_METRICS_TOKEN', 'expected at least 16 characters without spaces');
  return raw;
}

function rate(env: Env, name: string, perSecond: number, burst: number): RateConfig {
  return { perSecond: int(env, `${name}_PER_SECOND`, perSecond, 0, 1_000_000), burst: int(env, `${name}_BURST`, burst, 1, 1_000_000) };
}

export function loadSecurityConfig(env: Env, production: boolean): SecurityConfig {
  return {
    allowedOrigins: origins(env, production),
    trustProxyHops: int(env, 'RECSYS_TRUST_PROXY_HOPS', 0, 0, 10),
    maxDepth: int(env, 'RECSYS_MAX_DEPTH', 8, 1, 100),
    maxAliases: int(env, 'RECSYS_MAX_ALIASES', 15, 0, 1000),
    maxTokens: int(env, 'RECSYS_MAX_TOKENS', 2000, 10, 1_000_000),
    maxCost: int(env, 'RECSYS_MAX_COST', 5000, 1, 10_000_000),
    maxFieldsPerSelection: int(env, 'RECSYS_MAX_FIELDS_PER_SELECTION', 20, 1, 10_000),
    maxFields: int(env, 'RECSYS_MAX_FIELDS', 300, 1, 100_000),
    validationCacheEntries: int(env, 'RECSYS_VALIDATION_CACHE_ENTRIES', 500, 1, 100_000),
    maxBodyBytes: int(env, 'RECSYS_MAX_BODY_BYTES', 256 * 1024, 1024, 100 * 1024 * 1024),
    wsMaxPayloadBytes: int(env, 'RECSYS_WS_MAX_PAYLOAD_BYTES', 64 * 1024, 1024, 100 * 1024 * 1024),
    wsMaxSubscriptions: int(env, 'RECSYS_WS_MAX_SUBSCRIPTIONS', 20, 1, 10_000),
    wsConnectionInitTimeoutMs: int(env, 'RECSYS_WS_CONNECTION_INIT_TIMEOUT_MS', 5000, 100, 600_000),
    wsIdleTimeoutMs: int(env, 'RECSYS_WS_IDLE_TIMEOUT_MS', 60_000, 100, 86_400_000),
    wsMaxSocketsPerAddress: int(env, 'RECSYS_WS_MAX_SOCKETS_PER_ADDRESS', 100, 1, 1_000_000),
    metricsToken: metricsToken(env),
    trackRate: {
      user: rate(env, 'RECSYS_TRACK_RATE_USER', 20, 40),
      ip: rate(env, 'RECSYS_TRACK_RATE_IP', 500, 1000),
    },
  };
}

/** KAFKA_RETENTION_MS: -1 (keep every event) or at least an hour. */
function retention(env: Env): number {
  const raw = env.KAFKA_RETENTION_MS;
  if (raw === undefined || raw === '') return -1;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || (value !== -1 && value < 3_600_000)) {
    throw new ConfigError('KAFKA_RETENTION_MS', `expected -1 (keep every event) or a number of milliseconds of at least 3600000, got "${raw}"`);
  }
  return value;
}

/** The roles as RECSYS_ROLES spells them (e.g. "api,push"). */
export function rolesLabel(roles: Roles): string {
  return ROLES.filter((role) => roles[role]).join(',');
}

/** RECSYS_ROLES: a comma list of api, scorer, push; unset = all three. */
export function loadRoles(env: Env, mode: Config['mode']): Roles {
  const raw = env.RECSYS_ROLES;
  if (raw === undefined) return { api: true, scorer: true, push: true };
  const names = raw.split(',').map((s) => s.trim());
  if (names.every((name) => name === '')) throw new ConfigError('RECSYS_ROLES', `expected a comma list of ${ROLES.join(', ')} (e.g. "api,push"), got "${raw}"`);
  for (const name of names) {
    if (name === '') throw new ConfigError('RECSYS_ROLES', `an empty item in "${raw}": expected a comma list of ${ROLES.join(', ')}`);
    if (!(ROLES as readonly string[]).includes(name)) {
      throw new ConfigError('RECSYS_ROLES', `unknown role "${name}" in "${raw}": expected a comma list of ${ROLES.join(', ')}`);
    }
  }
  const roles = Object.fromEntries(ROLES.map((role) => [role, names.includes(role)])) as Record<Role, boolean>;
  if (mode === 'embedded' && !ROLES.every((role) => roles[role])) {
    throw new ConfigError(
      'RECSYS_ROLES',
      `"${raw}" needs distributed mode: embedded mode runs ${ROLES.join(', ')} in one process (its in-memory event log and store cannot be shared); set KAFKA_BROKERS, REDIS_URL (or REDIS_CLUSTER_NODES) and ZOOKEEPER_CONNECT, or leave RECSYS_ROLES unset`,
    );
  }
  return roles;
}

/** RECSYS_JWT_SECRET and RECSYS_JWT_MAX_AGE_SECONDS (also read by the bench's GraphQL baseline, which checks the same tokens). */
export function loadAuthConfig(env: Env, production: boolean): AuthConfig {
  const jwtSecret = env.RECSYS_JWT_SECRET || null;
  if (production && !jwtSecret) {
    throw new ConfigError('RECSYS_JWT_SECRET', 'required when NODE_ENV=production (auth may be off only outside production)');
  }
  return { jwtSecret, maxAgeSeconds: int(env, 'RECSYS_JWT_MAX_AGE_SECONDS', 24 * 3600, 1, 365 * 24 * 3600), requireExpiry: production };
}

/** Distributed mode needs each of these; Redis is either one server or a cluster, never both. */
const SERVERS = [['KAFKA_BROKERS'], ['REDIS_URL', 'REDIS_CLUSTER_NODES'], ['ZOOKEEPER_CONNECT']] as const;

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const given = (name: string) => (env[name] ?? '') !== '';
  if (given('REDIS_URL') && given('REDIS_CLUSTER_NODES')) {
    throw new ConfigError('REDIS_URL, REDIS_CLUSTER_NODES', 'set one of them: REDIS_URL for a single Redis, REDIS_CLUSTER_NODES for a Redis Cluster, not both');
  }
  const set = SERVERS.filter((names) => names.some(given)).map((names) => names.find(given)!);
  if (set.length > 0 && set.length < SERVERS.length) {
    const missing = SERVERS.filter((names) => !names.some(given)).map((names) => names.join(' or '));
    const all = SERVERS.map((names) => names.join(' or ')).join(', ');
    throw new ConfigError(
      missing.join(', '),
      `set all of ${all} for distributed mode, or none for embedded mode (${set.join(', ')} set, ${missing.join(', ')} missing)`,
    );
  }
  const mode = set.length === 0 ? 'embedded' : 'distributed';

  let kafka: KafkaConfig | null = null;
  let redis: RedisConfig | null = null;
  let zookeeper: ZooKeeperConfig | null = null;
  if (mode === 'distributed') {
    kafka = {
      brokers: hostPorts(env, 'KAFKA_BROKERS'),
      clientId: env.KAFKA_CLIENT_ID || 'recsys-gateway',
      groupId: env.KAFKA_GROUP_ID || 'recsys-scorer',
      topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
      partitions: int(env, 'KAFKA_PARTITIONS', 6, 1, 1000),
      produceTimeoutMs: int(env, 'KAFKA_PRODUCE_TIMEOUT_MS', 3000, 100, 60000),
      retentionMs: retention(env),
      sessionTimeoutMs: int(env, 'KAFKA_SESSION_TIMEOUT_MS', 10000, 6000, 300000),
    };
    const cluster = given('REDIS_CLUSTER_NODES');
    const url = cluster ? null : (env.REDIS_URL ?? '');
    if (url !== null && !/^rediss?:\/\/[^\s]+$/.test(url)) {
      throw new ConfigError('REDIS_URL', `expected redis://host:port, got "${url}"`);
    }
    redis = {
      url,
      clusterNodes: cluster ? hostPorts(env, 'REDIS_CLUSTER_NODES') : null,
      keyPrefix: env.REDIS_KEY_PREFIX || 'rs',
      commandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 2000, 50, 60000),
    };
    zookeeper = {
      connect: hostPorts(env, 'ZOOKEEPER_CONNECT').join(','),
      root: env.ZOOKEEPER_ROOT || '/recsys',
      sessionTimeoutMs: int(env, 'ZOOKEEPER_SESSION_TIMEOUT_MS', 10000, 1000, 120000),
      auth: zookeeperAuth(env),
    };
    if (!zookeeper.root.startsWith('/') || zookeeper.root.endsWith('/')) {
      throw new ConfigError('ZOOKEEPER_ROOT', `expected an absolute path without a trailing slash, got "${zookeeper.root}"`);
    }
  }

  if (mode === 'embedded' && given('ZOOKEEPER_AUTH')) {
    throw new ConfigError(
      'ZOOKEEPER_AUTH',
      'set, but embedded mode has no ZooKeeper (its flags live in the process); set the three servers for distributed mode, or unset it',
    );
  }

  const auth = loadAuthConfig(env, production);
  const jwtSecret = auth.jwtSecret;

  const logLevel = env.LOG_LEVEL || (env.NODE_ENV === 'test' ? 'warn' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `expected one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`);
  }

  return {
    mode,
    roles: loadRoles(env, mode),
    nodeEnv,
    production,
    host: listenHost(env, jwtSecret !== null),
    port: gatewayPort(env),
    logLevel,
    kafka,
    redis,
    zookeeper,
    flagsFile: env.RECSYS_FLAGS_FILE || null,
    auth,
    security: loadSecurityConfig(env, production),
    instanceId: env.RECSYS_INSTANCE_ID || `${process.pid}`,
    scoringDelayMs: scoringDelay(env, production),
    experimentBucketMs: int(env, 'RECSYS_EXPERIMENT_BUCKET_MS', 5 * 60_000, 1_000, 24 * 3_600_000),
    refreshedTimeoutMs: int(env, 'RECSYS_REFRESHED_TIMEOUT_MS', 2000, 10, 30_000),
    productCacheEntries: int(env, 'RECSYS_PRODUCT_CACHE_ENTRIES', 50_000, 0, 10_000_000),
  };
}

/**
 * HOST: the address the gateway listens on. Without auth anybody who reaches the port may act for
 * any shopper, so the default is loopback then; with auth on, every interface. A container sets
 * HOST=0.0.0.0 itself (its loopback is unreachable from outside).
 */
function listenHost(env: Env, authOn: boolean): string {
  const host = env.HOST;
  if (host === undefined || host === '') return authOn ? '0.0.0.0' : '127.0.0.1';
  if (isIP(host) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host)) {
    throw new ConfigError('HOST', `expected an IP address or a host name to listen on (e.g. 127.0.0.1 or 0.0.0.0), got "${host}"`);
  }
  return host;
}

/** ZOOKEEPER_AUTH=user:password (the password may hold ':'; the user may not: ZooKeeper splits at the first). */
function zookeeperAuth(env: Env): ZooKeeperAuth | null {
  const raw = env.ZOOKEEPER_AUTH;
  if (raw === undefined || raw === '') return null;
  const colon = raw.indexOf(':');
  const user = colon < 0 ? raw : raw.slice(0, colon);
  const password = colon < 0 ? '' : raw.slice(colon + 1);
  // The value is a secret: errors name what is wrong, never echo it.
  if (colon < 0) throw new ConfigError('ZOOKEEPER_AUTH', 'expected user:password (no ":" found)');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(user)) {
    throw new ConfigError('ZOOKEEPER_AUTH', "expected a user of 1 to 64 letters, digits, '.', '_' or '-' before the ':'");
  }
  if (password.length < 8) throw new ConfigError('ZOOKEEPER_AUTH', `expected a password of at least 8 characters after the ':', got ${password.length}`);
  return { user, password };
}

function scoringDelay(env: Env, production: boolean): number {
  const ms = int(env, 'RECSYS_TEST_SCORING_DELAY_MS', 0, 0, 120_000);
  if (ms > 0 && production) throw new ConfigError('RECSYS_TEST_SCORING_DELAY_MS', 'a fault-testing knob; not allowed when NODE_ENV=production');
  return ms;
}

/** The local stack's addresses (`npm run stack:up`), used by the operator scripts. */
export const STACK_DEFAULTS = {
  KAFKA_BROKERS: '127.0.0.1:9093',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ZOOKEEPER_CONNECT: '127.0.0.1:2181',
} as const;

/** Operator scripts (doctor, stack, flags) talk to the local stack unless told otherwise. */
export function loadStackConfig(env: Env = process.env): Config {
  return loadConfig({
    ...env,
    KAFKA_BROKERS: env.KAFKA_BROKERS || STACK_DEFAULTS.KAFKA_BROKERS,
    // REDIS_CLUSTER_NODES alone: the cluster instead of the stack's single Redis (both: loadConfig refuses).
    REDIS_URL: env.REDIS_URL || (env.REDIS_CLUSTER_NODES ? '' : STACK_DEFAULTS.REDIS_URL),
    ZOOKEEPER_CONNECT: env.ZOOKEEPER_CONNECT || STACK_DEFAULTS.ZOOKEEPER_CONNECT,
  });
}

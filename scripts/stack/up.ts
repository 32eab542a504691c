// `stack:up`: start what is missing (ZooKeeper, Kafka nodes, Redis if none answers), wait until each
// answers, create the topics. Running twice is a no-op: parts recorded in .stack/state.json whose
// process still runs are kept, and a server already answering on a port is used, not replaced.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureJars, findJava, StackSetupError } from './jars';
import {
  ensureTopics,
  formatStorage,
  javaArgs,
  kafkaNodes,
  newClusterId,
  stackKafka,
  warmUp,
  writeServerProperties,
  type KafkaNode,
  type TopicReport,
} from './kafka';
import type { StackPaths } from './paths';
import { kafkaCluster, redisAnswers, tcpOpen, zookeeperAnswers } from './probe';
import { isOurs, portOwner, spawnDetached, tail, which } from './proc';
import { readState, writeState, type PartState, type StackState } from './state';
import { isLocalHost, type StackTargets } from './targets';
import { writeZooCfg, zookeeperArgs } from './zookeeper';
import { printTable, statusRows } from './status';
import { formCluster, startClusterNodes } from './redisCluster';

export interface UpOptions {
  paths: StackPaths;
  targets: StackTargets;
  /** Requested broker count; undefined = what is running, else 1. */
  brokers: number | undefined;
  partitions: number;
  topics: string[];
  timeoutMs: number;
  /** Also start the local 6-node Redis Cluster (scripts/stack/redisCluster.ts). */
  redisCluster?: boolean;
  javaHome: string | undefined;
  print: (line: string) => void;
}

type Plan = 'running' | 'external' | 'start';

const MARKER_PREFIX = 'recsys.stack.part=';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function stackUp(opts: UpOptions): Promise<void> {
  const { paths, targets, print } = opts;
  const started = Date.now();
  for (const dir of [paths.root, paths.conf, paths.data, paths.logs]) mkdirSync(dir, { recursive: true });

  let state = readState(paths.stateFile);
  if (state && !state.parts.some((p) => p.startedByUs && isOurs(p.pid, p.marker))) {
    print('A previous stack:up left .stack/state.json, but none of its processes runs any more: starting afresh.');
    state = null;
  }
  const brokers = opts.brokers ?? state?.brokers ?? 1;
  if (state && state.brokers !== brokers) {
    throw new StackSetupError(`A ${state.brokers}-broker stack is running. Stop it first: npm run stack:down, then npm run stack:up -- --brokers ${brokers}`);
  }
  const fresh = state === null;
  if (fresh) {
    rmSync(paths.data, { recursive: true, force: true });
    mkdirSync(paths.data, { recursive: true });
  }
  const next: StackState = state ?? {
    version: 1,
    createdAt: new Date().toISOString(),
    brokers,
    partitions: opts.partitions,
    clusterId: newClusterId(),
    parts: [],
  };
  const previous = (name: string) => next.parts.find((p) => p.name === name);
  const record = (part: PartState) => {
    next.parts = [...next.parts.filter((p) => p.name !== part.name), part];
    writeState(paths.stateFile, next);
  };

  print(`Local stack: ${brokers} Kafka broker${brokers > 1 ? 's' : ''}, ZooKeeper, Redis (state in ${paths.root})`);

  // 1. What is already there?
  const nodes = kafkaNodes(targets.kafka.host, targets.kafka.basePort, brokers);
  const kafkaPlan = new Map<string, Plan>();
  for (const node of nodes) kafkaPlan.set(node.name, await planKafkaNode(node, previous(node.name)));
  const external = [...kafkaPlan.values()].filter((p) => p === 'external').length;
  if (external > 0 && external < nodes.length) {
    throw new StackSetupError(
      `Some Kafka ports answer as brokers not started by stack:up, others do not (${[...kafkaPlan].map(([n, p]) => `${n}: ${p}`).join(', ')}). ` +
        'Stop that Kafka, or point KAFKA_BROKERS at it and run with its broker count.',
    );
  }
  const zkPlan = await planZooKeeper(targets, previous('zookeeper'));
  const redisPlan = await planRedis(targets, previous('redis'));

  // 2. Start what is missing.
  const needJava = zkPlan === 'start' || [...kafkaPlan.values()].includes('start');
  const logFile = (name: string) => join(paths.logs, `${name}.log`);
  if (needJava) {
    const java = findJava(opts.javaHome);
    print(`  java ${java.version} (${java.command})`);
    // Both jar sets before anything starts: a missing mvn must not leave half a stack running.
    const toStart = nodes.filter((n) => kafkaPlan.get(n.name) === 'start');
    const zkClasspath = zkPlan === 'start' ? await ensureJars(paths, 'zookeeper', print) : null;
    const kafkaClasspath = toStart.length > 0 ? await ensureJars(paths, 'kafka', print) : null;
    if (zkClasspath) {
      const classpath = zkClasspath;
      const dataDir = join(paths.data, 'zookeeper');
      mkdirSync(dataDir, { recursive: true });
      const cfg = join(paths.conf, 'zoo.cfg');
      writeZooCfg(cfg, { host: targets.zookeeper.host, port: targets.zookeeper.port, dataDir });
      const marker = `${MARKER_PREFIX}zookeeper`;
      writeFileSync(logFile('zookeeper'), '');
      const pid = await spawnDetached({
        command: java.command,
        args: zookeeperArgs({ classpath, logbackConfig: join(paths.sources, 'zookeeper', 'logback.xml'), marker, zooCfg: cfg }),
        logFile: logFile('zookeeper'),
        cwd: paths.repoRoot,
      });
      record({
        name: 'zookeeper',
        kind: 'zookeeper',
        host: targets.zookeeper.host,
        port: targets.zookeeper.port,
        pid,
        startedByUs: true,
        marker,
        logFile: logFile('zookeeper'),
        dataDir,
      });
      print(`  started zookeeper (pid ${pid}) on ${targets.zookeeper.host}:${targets.zookeeper.port}`);
    }
    if (kafkaClasspath) {
      const classpath = kafkaClasspath;
      const log4j2Config = join(paths.sources, 'kafka', 'log4j2.properties');
      await Promise.all(
        toStart.map(async (node) => {
          const marker = `${MARKER_PREFIX}${node.name}`;
          const dataDir = join(paths.data, node.name);
          const props = join(paths.conf, `${node.name}.properties`);
          writeServerProperties(props, node, nodes, dataDir);
          const baseArgs = javaArgs({ classpath, log4j2Config, logsDir: paths.logs, marker: `${MARKER_PREFIX}${node.name}-format` });
          await formatStorage({ java: java.command, baseArgs, propertiesFile: props, clusterId: next.clusterId, logDir: dataDir, cwd: paths.repoRoot });
          if (fresh) writeFileSync(logFile(node.name), '');
          const pid = await spawnDetached({
            command: java.command,
            args: [...javaArgs({ classpath, log4j2Config, logsDir: paths.logs, marker }), 'kafka.Kafka', props],
            logFile: logFile(node.name),
            cwd: paths.repoRoot,
          });
          record({
            name: node.name,
            kind: 'kafka',
            host: node.host,
            port: node.port,
            controllerPort: node.controllerPort,
            nodeId: node.id,
            pid,
            startedByUs: true,
            marker,
            logFile: logFile(node.name),
            dataDir,
          });
          print(`  started ${node.name} (pid ${pid}) on ${node.host}:${node.port}, controller ${node.host}:${node.controllerPort}`);
        }),
      );
    }
  }
  if (redisPlan === 'start') {
    const server = which('redis-server');
    if (!server) throw new StackSetupError('unreachable: redis-server vanished');
    const dataDir = join(paths.data, 'redis');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(logFile('redis'), '');
    const host = targets.redis.host === 'localhost' ? '127.0.0.1' : targets.redis.host;
    const pid = await spawnDetached({
      command: server,
      args: ['--port', String(targets.redis.port), '--bind', host, '--save', '', '--appendonly', 'no', '--dir', dataDir, '--daemonize', 'no'],
      logFile: logFile('redis'),
      cwd: paths.repoRoot,
    });
    record({
      name: 'redis',
      kind: 'redis',
      host,
      port: targets.redis.port,
      pid,
      startedByUs: true,
      marker: 'redis-server',
      logFile: logFile('redis'),
      dataDir,
    });
    print(`  started redis-server (pid ${pid}) on ${host}:${targets.redis.port}`);
  }
  // Parts already answering that stack:up did not start are recorded too (down leaves them alone).
  if (zkPlan === 'external' && !previous('zookeeper')) {
    record({
      name: 'zookeeper',
      kind: 'zookeeper',
      host: targets.zookeeper.host,
      port: targets.zookeeper.port,
      pid: null,
      startedByUs: false,
      marker: '',
      logFile: null,
      dataDir: null,
    });
  }
  if (redisPlan === 'external' && !previous('redis')) {
    record({
      name: 'redis',
      kind: 'redis',
      host: targets.redis.host,
      port: targets.redis.port,
      pid: null,
      startedByUs: false,
      marker: '',
      logFile: null,
      dataDir: null,
    });
  }
  for (const node of nodes) {
    if (kafkaPlan.get(node.name) === 'external' && !previous(node.name)) {
      record({
        name: node.name,
        kind: 'kafka',
        host: node.host,
        port: node.port,
        nodeId: node.id,
        pid: null,
        startedByUs: false,
        marker: '',
        logFile: null,
        dataDir: null,
      });
    }
  }
  writeState(paths.stateFile, next);

  // 3. Wait until every part answers.
  const everything = [...kafkaPlan.values(), zkPlan, redisPlan];
  if (everything.every((p) => p !== 'start')) print('  everything was already running: nothing started');
  await waitAll(next, nodes, targets, opts.timeoutMs, print);
  if (opts.redisCluster) {
    const clusterNodes = await startClusterNodes({ dataDir: paths.data, logsDir: paths.logs, cwd: paths.repoRoot, previous, record, print });
    await formCluster(clusterNodes, Date.now() + opts.timeoutMs, print);
  }

  // 4. Topics, and a warm consumer-group coordinator / producer-id block.
  const kafka = stackKafka(nodes.map((n) => `${n.host}:${n.port}`));
  const admin = kafka.admin();
  let reports: TopicReport[];
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const replication = Math.min(brokers, cluster.brokers.length);
    reports = await ensureTopics(admin, opts.topics, opts.partitions, replication);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  for (const r of reports) {
    print(`  topic ${r.topic}: ${r.partitions} partitions, replication factor ${r.replicationFactor}${r.created ? ' (created)' : ''}`);
  }
  const warm = Date.now();
  await warmUp(kafka);
  print(`  consumer-group coordinator and idempotent producer ready (${secs(Date.now() - warm)})`);

  print('');
  printTable(await statusRows(paths, targets, next), print);
  print('');
  print(`Stack up in ${secs(Date.now() - started)}. Logs: ${paths.logs}. Stop it with: npm run stack:down`);
}

async function planKafkaNode(node: KafkaNode, prev: PartState | undefined): Promise<Plan> {
  if (prev?.startedByUs && isOurs(prev.pid, prev.marker)) return 'running';
  const address = `${node.host}:${node.port}`;
  if (await tcpOpen(node.host, node.port)) {
    if (await kafkaCluster([address], 5000)) return 'external';
    throw portTaken(node.port, 'Kafka', 'KAFKA_BROKERS');
  }
  if (await tcpOpen(node.host, node.controllerPort)) throw portTaken(node.controllerPort, `the KRaft controller of ${node.name}`, 'KAFKA_BROKERS');
  if (!isLocalHost(node.host)) {
    throw new StackSetupError(`Kafka at ${address} does not answer, and stack:up only starts servers on this machine (127.0.0.1).`);
  }
  return 'start';
}

async function planZooKeeper(targets: StackTargets, prev: PartState | undefined): Promise<Plan> {
  const { host, port } = targets.zookeeper;
  if (prev?.startedByUs && isOurs(prev.pid, prev.marker)) return 'running';
  if (await tcpOpen(host, port)) {
    if (await zookeeperAnswers(host, port)) return 'external';
    throw portTaken(port, 'ZooKeeper', 'ZOOKEEPER_CONNECT');
  }
  if (!isLocalHost(host)) {
    throw new StackSetupError(`ZooKeeper at ${host}:${port} does not answer, and stack:up only starts servers on this machine.`);
  }
  return 'start';
}

async function planRedis(targets: StackTargets, prev: PartState | undefined): Promise<Plan> {
  const { url, host, port } = targets.redis;
  if (prev?.startedByUs && isOurs(prev.pid, prev.marker)) return 'running';
  if (await redisAnswers(url)) return 'external';
  if (await tcpOpen(host, port)) throw portTaken(port, 'Redis', 'REDIS_URL');
  if (!isLocalHost(host)) {
    throw new StackSetupError(`Redis at ${url} does not answer, and stack:up only starts servers on this machine.`);
  }
  if (!which('redis-server')) {
    throw new StackSetupError(
      `No Redis answers at ${url}, and redis-server is not installed to start one.\n` +
        '  Install it with: apt-get install -y redis-server   (then run npm run stack:up again),\n' +
        '  or start any Redis and point REDIS_URL at it.',
    );
  }
  return 'start';
}

function portTaken(port: number, what: string, variable: string): StackSetupError {
  const owner = portOwner(port);
  return new StackSetupError(
    `Port ${port} is taken by ${owner ?? 'another process'}, which does not answer as ${what}.\n` + `  Stop it, or set ${variable} to another address.`,
  );
}

interface Waiter {
  label: string;
  part: PartState | undefined;
  check: () => Promise<boolean>;
  done: boolean;
}

async function waitAll(state: StackState, nodes: KafkaNode[], targets: StackTargets, timeoutMs: number, print: (line: string) => void): Promise<void> {
  const part = (name: string) => state.parts.find((p) => p.name === name);
  const waiters: Waiter[] = [
    {
      label: `zookeeper ${targets.zookeeper.host}:${targets.zookeeper.port} (ruok)`,
      part: part('zookeeper'),
      check: () => zookeeperAnswers(targets.zookeeper.host, targets.zookeeper.port),
      done: false,
    },
    { label: `redis ${targets.redis.url} (PING)`, part: part('redis'), check: () => redisAnswers(targets.redis.url), done: false },
    ...nodes.map((node) => ({
      label: `${node.name} ${node.host}:${node.port} (metadata)`,
      part: part(node.name),
      check: async () => {
        const info = await kafkaCluster([`${node.host}:${node.port}`], 3000);
        // Every node must see the whole cluster: the quorum has formed and all brokers registered.
        return info !== null && info.brokers.length >= nodes.length;
      },
      done: false,
    })),
  ];
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lastProgress = started;
  print(`  waiting for ${waiters.length} part${waiters.length > 1 ? 's' : ''} to answer (up to ${Math.round(timeoutMs / 1000)} s) ...`);
  while (waiters.some((w) => !w.done)) {
    await Promise.all(
      waiters
        .filter((w) => !w.done)
        .map(async (w) => {
          if (await w.check()) {
            w.done = true;
            print(`  ✓ ${w.label} answers (${secs(Date.now() - started)})`);
          } else if (w.part?.startedByUs && !isOurs(w.part.pid, w.part.marker)) {
            const log = w.part.logFile ? `\n--- last lines of ${w.part.logFile} ---\n${tail(w.part.logFile)}` : '';
            throw new StackSetupError(`${w.part.name} (pid ${w.part.pid}) exited before it answered.${log}\n  Clean up with: npm run stack:down`);
          }
        }),
    );
    if (waiters.every((w) => w.done)) break;
    if (Date.now() > deadline) {
      const late = waiters.filter((w) => !w.done);
      const logs = late
        .map((w) => (w.part?.logFile ? `--- last lines of ${w.part.logFile} ---\n${tail(w.part.logFile)}` : ''))
        .filter(Boolean)
        .join('\n');
      throw new StackSetupError(
        `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for: ${late.map((w) => w.label).join(', ')}\n${logs}\n` +
          '  Clean up with: npm run stack:down (a longer wait: --timeout <seconds>)',
      );
    }
    if (Date.now() - lastProgress >= 2000) {
      lastProgress = Date.now();
      print(
        `  … still waiting for ${waiters
          .filter((w) => !w.done)
          .map((w) => w.label.split(' ')[0])
          .join(', ')} (${secs(Date.now() - started)})`,
      );
    }
    await sleep(250);
  }
}

// `stack:up -- --redis-cluster`: a local Redis Cluster of 6 nodes (3 primaries, 3 replicas) from
// the system's redis-server on consecutive ports (7000-7005), nothing on disk but each node's
// cluster config file, formed with `redis-cli --cluster create` and waited for until every node
// says cluster_state:ok. Recorded in .stack/state.json like the other parts, so `down` stops them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { StackSetupError } from './jars';
import { tcpOpen } from './probe';
import { isOurs, spawnDetached, which } from './proc';
import type { PartState } from './state';

export const CLUSTER_HOST = '127.0.0.1';
export const CLUSTER_BASE_PORT = 7000;
export const CLUSTER_NODES = 6;

export interface ClusterNode {
  name: string;
  host: string;
  port: number;
}

export function clusterNodes(host = CLUSTER_HOST, basePort = CLUSTER_BASE_PORT, count = CLUSTER_NODES): ClusterNode[] {
  return Array.from({ length: count }, (_, i) => ({ name: `redis-${basePort + i}`, host, port: basePort + i }));
}

/** REDIS_CLUSTER_NODES for this cluster. */
export function clusterAddresses(nodes: ClusterNode[]): string {
  return nodes.map((n) => `${n.host}:${n.port}`).join(',');
}

/** A node's CLUSTER INFO as fields, or null when it does not answer (or is not in cluster mode). */
export async function clusterInfo(host: string, port: number, timeoutMs = 2000): Promise<Record<string, string> | null> {
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const raw = (await client.call('CLUSTER', 'INFO')) as string;
    return Object.fromEntries(
      raw
        .split(/\r?\n/)
        .filter((l) => l.includes(':'))
        .map((l) => l.split(':', 2) as [string, string]),
    );
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** Every node answers and agrees the cluster is whole (all 16384 slots served). */
export async function clusterOk(nodes: ClusterNode[]): Promise<boolean> {
  const infos = await Promise.all(nodes.map((n) => clusterInfo(n.host, n.port)));
  return infos.every((info) => info?.cluster_state === 'ok' && Number(info.cluster_known_nodes) === nodes.length);
}

type NodePlan = 'running' | 'external' | 'start';

async function planNode(node: ClusterNode, prev: PartState | undefined): Promise<NodePlan> {
  if (prev?.startedByUs && isOurs(prev.pid, prev.marker)) return 'running';
  if (await tcpOpen(node.host, node.port)) {
    if ((await clusterInfo(node.host, node.port)) !== null) return 'external';
    throw new StackSetupError(
      `Port ${node.port} is taken by something that does not answer as a cluster-mode Redis; the local cluster needs ports ${CLUSTER_BASE_PORT}-${CLUSTER_BASE_PORT + CLUSTER_NODES - 1}.`,
    );
  }
  return 'start';
}

export interface ClusterUpOptions {
  dataDir: string;
  logsDir: string;
  cwd: string;
  previous: (name: string) => PartState | undefined;
  record: (part: PartState) => void;
  print: (line: string) => void;
}

/** Starts the nodes not running yet; returns the nodes (to wait for and form with formCluster). */
export async function startClusterNodes(opts: ClusterUpOptions): Promise<ClusterNode[]> {
  const nodes = clusterNodes();
  const plans = await Promise.all(nodes.map((n) => planNode(n, opts.previous(n.name))));
  const server = plans.includes('start') ? which('redis-server') : null;
  if (plans.includes('start') && !server) {
    throw new StackSetupError('--redis-cluster needs redis-server (and redis-cli): apt-get install -y redis-server');
  }
  for (const [i, node] of nodes.entries()) {
    const plan = plans[i];
    if (plan === 'external' && !opts.previous(node.name)) {
      opts.record({
        name: node.name,
        kind: 'redis-node',
        host: node.host,
        port: node.port,
        pid: null,
        startedByUs: false,
        marker: '',
        logFile: null,
        dataDir: null,
      });
    }
    if (plan !== 'start') continue;
    const dataDir = join(opts.dataDir, node.name);
    mkdirSync(dataDir, { recursive: true });
    const logFile = join(opts.logsDir, `${node.name}.log`);
    writeFileSync(logFile, '');
    const pid = await spawnDetached({
      command: server!,
      args: [
        '--port',
        String(node.port),
        '--bind',
        node.host,
        '--cluster-enabled',
        'yes',
        // Relative to --dir: a fresh node identity for every fresh stack (down removes the data dir).
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        '5000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dataDir,
        '--daemonize',
        'no',
      ],
      logFile,
      cwd: opts.cwd,
    });
    // redis-server retitles itself "redis-server 127.0.0.1:7000 [cluster]": the address is the marker.
    opts.record({
      name: node.name,
      kind: 'redis-node',
      host: node.host,
      port: node.port,
      pid,
      startedByUs: true,
      marker: `${node.host}:${node.port}`,
      logFile,
      dataDir,
    });
    opts.print(`  started ${node.name} (pid ${pid}) on ${node.host}:${node.port}`);
  }
  return nodes;
}

/** Forms the cluster when its nodes do not know each other yet (a fresh start), then waits for cluster_state:ok. */
export async function formCluster(nodes: ClusterNode[], deadline: number, print: (line: string) => void): Promise<void> {
  const first = nodes[0]!;
  let info = await clusterInfo(first.host, first.port);
  while (info === null || (await Promise.all(nodes.map((n) => clusterInfo(n.host, n.port)))).includes(null)) {
    if (Date.now() > deadline) throw new StackSetupError('Timed out waiting for the Redis cluster nodes to answer. Clean up with: npm run stack:down');
    await new Promise((r) => setTimeout(r, 250));
    info = await clusterInfo(first.host, first.port);
  }
  if (info && Number(info.cluster_known_nodes) === 1) {
    const cli = which('redis-cli');
    if (!cli) throw new StackSetupError('--redis-cluster needs redis-cli to form the cluster: apt-get install -y redis-tools');
    const res = spawnSync(cli, ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], {
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new StackSetupError(`redis-cli --cluster create failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
    print(`  formed the Redis cluster: ${nodes.length / 2} primaries, ${nodes.length / 2} replicas`);
  }
  while (!(await clusterOk(nodes))) {
    if (Date.now() > deadline)
      throw new StackSetupError('Timed out waiting for the Redis cluster to report cluster_state:ok on every node. Clean up with: npm run stack:down');
    await new Promise((r) => setTimeout(r, 250));
  }
  print(`  ✓ redis cluster ${clusterAddresses(nodes)} (cluster_state:ok on every node)`);
}

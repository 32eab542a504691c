// `stack:status`: one row per part (pid, address, answering or not, who started it).
import { relative } from 'node:path';
import { kafkaNodes } from './kafka';
import type { StackPaths } from './paths';
import { kafkaCluster, redisAnswers, zookeeperAnswers } from './probe';
import { clusterInfo } from './redisCluster';
import { isAlive, isOurs } from './proc';
import { readState, type PartState, type StackState } from './state';
import type { StackTargets } from './targets';

export interface StatusRow {
  part: string;
  pid: string;
  address: string;
  answering: boolean;
  startedBy: string;
  log: string;
}

function defaultParts(targets: StackTargets): PartState[] {
  const none = { pid: null, startedByUs: false, marker: '', logFile: null, dataDir: null };
  return [
    ...kafkaNodes(targets.kafka.host, targets.kafka.basePort, 1).map((n) => ({
      name: n.name,
      kind: 'kafka' as const,
      host: n.host,
      port: n.port,
      ...none,
    })),
    { name: 'zookeeper', kind: 'zookeeper', host: targets.zookeeper.host, port: targets.zookeeper.port, ...none },
    { name: 'redis', kind: 'redis', host: targets.redis.host, port: targets.redis.port, ...none },
  ];
}

export async function statusRows(paths: StackPaths, targets: StackTargets, state: StackState | null): Promise<StatusRow[]> {
  const parts = state?.parts.length ? sortParts(state.parts) : defaultParts(targets);
  return Promise.all(
    parts.map(async (p): Promise<StatusRow> => {
      const address = p.kind === 'redis' ? targets.redis.url : `${p.host}:${p.port}`;
      const answering =
        p.kind === 'kafka'
          ? (await kafkaCluster([address], 3000)) !== null
          : p.kind === 'zookeeper'
            ? await zookeeperAnswers(p.host, p.port)
            : p.kind === 'redis-node'
              ? (await clusterInfo(p.host, p.port))?.cluster_state === 'ok'
              : await redisAnswers(targets.redis.url);
      let pid = '-';
      if (p.pid) pid = isOurs(p.pid, p.marker) ? String(p.pid) : `${p.pid} (${isAlive(p.pid) ? 'not ours' : 'exited'})`;
      const startedBy = p.startedByUs ? 'stack:up' : answering ? 'already running' : '-';
      return {
        part: p.name,
        pid,
        address,
        answering,
        startedBy,
        log: p.logFile ? relative(paths.repoRoot, p.logFile) : '-',
      };
    }),
  );
}

function sortParts(parts: PartState[]): PartState[] {
  const rank = (p: PartState) => ({ kafka: 0, zookeeper: 1, redis: 2, 'redis-node': 3 })[p.kind];
  return [...parts].sort((a, b) => rank(a) - rank(b) || (a.nodeId ?? 0) - (b.nodeId ?? 0) || a.port - b.port);
}

export function printTable(rows: StatusRow[], print: (line: string) => void): void {
  const header = ['PART', 'PID', 'ADDRESS', 'ANSWERING', 'STARTED BY', 'LOG'];
  const cells = rows.map((r) => [r.part, r.pid, r.address, r.answering ? 'yes' : 'NO', r.startedBy, r.log]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  print(line(header));
  for (const c of cells) print(line(c));
}

export async function stackStatus(opts: { paths: StackPaths; targets: StackTargets; print: (line: string) => void }): Promise<boolean> {
  const state = readState(opts.paths.stateFile);
  const rows = await statusRows(opts.paths, opts.targets, state);
  printTable(rows, opts.print);
  if (state) {
    const cluster = state.parts.filter((p) => p.kind === 'redis-node');
    if (cluster.length > 0) opts.print(`\nRedis Cluster: REDIS_CLUSTER_NODES=${cluster.map((p) => `${p.host}:${p.port}`).join(',')}`);
    opts.print('');
    opts.print(
      `${state.brokers}-broker stack from ${state.createdAt} (cluster id ${state.clusterId}); state: ${relative(opts.paths.repoRoot, opts.paths.stateFile)}`,
    );
  } else {
    opts.print('');
    opts.print('No stack state: stack:up has not started anything (or stack:down removed it).');
  }
  return rows.every((r) => r.answering);
}

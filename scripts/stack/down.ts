// `stack:down`: stop exactly what `stack:up` started (SIGTERM, then SIGKILL after a grace period),
// leave servers it did not start alone, and remove the data dirs and the state file: the next `up`
// starts an empty cluster. The jar cache (.stack/jars) and the logs (.stack/logs) are kept.
import { rmSync } from 'node:fs';
import type { StackPaths } from './paths';
import { isOurs, stopProcess } from './proc';
import { readState, removeState, writeState, type PartKind, type PartState } from './state';

const GRACE_MS = { kafka: 20000, zookeeper: 10000, redis: 10000, 'redis-node': 10000 } as const;

/**
 * `redisClusterOnly`: stop the Redis Cluster's nodes alone (`stack:down -- --redis-cluster`) and keep
 * the rest running, e.g. when `npm test` added the cluster to a stack that was already up.
 */
export async function stackDown(opts: { paths: StackPaths; print: (line: string) => void; redisClusterOnly?: boolean }): Promise<void> {
  const { paths, print } = opts;
  if (opts.redisClusterOnly) return clusterDown(paths, print);
  const started = Date.now();
  const state = readState(paths.stateFile);
  if (!state) {
    print('No stack state (.stack/state.json): stack:up has started nothing that still needs stopping.');
  } else {
    const ours = state.parts.filter((p) => p.startedByUs && p.pid);
    // Kafka nodes first and together (controlled shutdown needs the quorum), then the rest.
    const stop = async (kind: PartKind) => Promise.all(ours.filter((p) => p.kind === kind).map((p) => stopPart(p, print)));
    await stop('kafka');
    await Promise.all([stop('zookeeper'), stop('redis'), stop('redis-node')]);
    for (const p of state.parts.filter((x) => !x.startedByUs)) {
      print(`  left alone: ${p.name} at ${p.host}:${p.port} (already running before stack:up)`);
    }
  }
  rmSync(paths.data, { recursive: true, force: true });
  removeState(paths.stateFile);
  print(`Stack down in ${((Date.now() - started) / 1000).toFixed(1)} s (data removed; logs kept in ${paths.logs}, jars in ${paths.jars}).`);
}

async function stopPart(p: PartState, print: (line: string) => void): Promise<void> {
  const pid = p.pid as number;
  if (!isOurs(pid, p.marker)) {
    print(`  ${p.name} (pid ${pid}) was not running`);
    return;
  }
  const t0 = Date.now();
  const how = await stopProcess(pid, GRACE_MS[p.kind]);
  print(`  stopped ${p.name} (pid ${pid}): ${how === 'killed' ? 'SIGKILL after the grace period' : 'SIGTERM'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function clusterDown(paths: StackPaths, print: (line: string) => void): Promise<void> {
  const state = readState(paths.stateFile);
  const nodes = state?.parts.filter((p) => p.kind === 'redis-node') ?? [];
  if (!state || nodes.length === 0) {
    print('No Redis Cluster in the stack state: nothing to stop.');
    return;
  }
  await Promise.all(nodes.filter((p) => p.startedByUs && p.pid).map((p) => stopPart(p, print)));
  for (const p of nodes) if (p.startedByUs && p.dataDir) rmSync(p.dataDir, { recursive: true, force: true });
  writeState(paths.stateFile, { ...state, parts: state.parts.filter((p) => p.kind !== 'redis-node') });
  print(`Redis Cluster down (${nodes.length} nodes); the rest of the stack is left running.`);
}

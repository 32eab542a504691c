// The fault suite's own stack: 3 Kafka nodes (KRaft, RF 3, min.insync.replicas 2, no unclean leader
// election: Kafka's default), ZooKeeper and Redis on ports the shared local stack does not use,
// started with scripts/stack/* under .stack-faults/ (git-ignored). Every signal goes to a PID this
// stack's own state file recorded, checked against the process's command line first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { stackDown } from '../../../scripts/stack/down';
import { findRepoRoot, stackPaths, type StackPaths } from '../../../scripts/stack/paths';
import { isOurs } from '../../../scripts/stack/proc';
import { readState, type PartState } from '../../../scripts/stack/state';
import type { StackTargets } from '../../../scripts/stack/targets';
import { stackUp } from '../../../scripts/stack/up';

/**
 * FAULTS_PORT_OFFSET (default 0) moves every port of the private stack by that much and its
 * directory to .stack-faults-<offset>/, so two runs on one machine (CI and a developer) never meet.
 */
export function faultPortOffset(raw = process.env.FAULTS_PORT_OFFSET): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  // Kafka nodes use base+0..2 and their controllers base+10000..+10002: 65535 - 39095.
  if (!/^\d+$/.test(raw) || n > 26_000) throw new Error(`FAULTS_PORT_OFFSET must be a whole number from 0 to 26000, got "${raw}"`);
  return n;
}

const OFFSET = faultPortOffset();
export const FAULT_PORTS = { kafka: 29093 + OFFSET, zookeeper: 22181 + OFFSET, redis: 26379 + OFFSET } as const;
export const FAULT_BROKERS = 3;
export const FAULT_STACK_DIR = OFFSET === 0 ? '.stack-faults' : `.stack-faults-${OFFSET}`;

export const faultTargets: StackTargets = {
  kafka: { host: '127.0.0.1', basePort: FAULT_PORTS.kafka },
  zookeeper: { host: '127.0.0.1', port: FAULT_PORTS.zookeeper },
  redis: { url: `redis://127.0.0.1:${FAULT_PORTS.redis}`, host: '127.0.0.1', port: FAULT_PORTS.redis },
};

/** The addresses a gateway of the fault suite is given. */
export const faultStackEnv = {
  KAFKA_BROKERS: Array.from({ length: FAULT_BROKERS }, (_, i) => `127.0.0.1:${FAULT_PORTS.kafka + i}`).join(','),
  ZOOKEEPER_CONNECT: `127.0.0.1:${FAULT_PORTS.zookeeper}`,
  REDIS_URL: faultTargets.redis.url,
};

/**
 * Paths under .stack-faults/ (or .stack-faults-<offset>/), except the jars: the repository's .stack/jars when it has them (in a
 * git worktree, the main checkout's), so the suite needs no second download.
 */
export function faultPaths(): StackPaths {
  const repoRoot = findRepoRoot(__dirname);
  const base = stackPaths(repoRoot);
  const root = join(repoRoot, FAULT_STACK_DIR);
  return {
    ...base,
    root,
    conf: join(root, 'conf'),
    data: join(root, 'data'),
    logs: join(root, 'logs'),
    stateFile: join(root, 'state.json'),
    jars: sharedJars(repoRoot) ?? join(root, 'jars'),
  };
}

function sharedJars(repoRoot: string): string | null {
  const own = join(repoRoot, '.stack', 'jars');
  if (existsSync(own)) return own;
  try {
    const common = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--git-common-dir'], { encoding: 'utf8' }).trim();
    const main = join(resolve(isAbsolute(common) ? common : join(repoRoot, common)), '..', '.stack', 'jars');
    return existsSync(main) ? main : null;
  } catch {
    return null;
  }
}

export async function startFaultStack(print: (line: string) => void): Promise<void> {
  const paths = faultPaths();
  // A stack left by an interrupted run is stopped first: every run starts an empty cluster.
  if (readState(paths.stateFile)) await stackDown({ paths, print });
  await stackUp({
    paths,
    targets: faultTargets,
    brokers: FAULT_BROKERS,
    partitions: 6,
    topics: [],
    timeoutMs: 180_000,
    javaHome: process.env.JAVA_HOME,
    print,
  });
}

export function stopFaultStack(print: (line: string) => void): Promise<void> {
  return stackDown({ paths: faultPaths(), print });
}

/** Starts again, on their data, the nodes that are not running (stack:up's own restart), and waits until all answer. */
export async function restartMissing(print: (line: string) => void = () => undefined): Promise<void> {
  await stackUp({
    paths: faultPaths(),
    targets: faultTargets,
    brokers: undefined,
    partitions: 6,
    topics: [],
    timeoutMs: 180_000,
    javaHome: process.env.JAVA_HOME,
    print,
  });
}

export function brokers(): PartState[] {
  const state = readState(faultPaths().stateFile);
  if (!state) throw new Error(`no fault stack state at ${faultPaths().stateFile}: is the suite's global setup running?`);
  return state.parts.filter((p) => p.kind === 'kafka' && p.startedByUs).sort((a, b) => a.name.localeCompare(b.name));
}

/** The part (zookeeper, redis, kafka-<n>) as this stack started it. */
export function stackPart(name: string): PartState {
  const state = readState(faultPaths().stateFile);
  const part = state?.parts.find((p) => p.name === name && p.startedByUs);
  if (!part) throw new Error(`no ${name} started by the fault stack in ${faultPaths().stateFile}`);
  return part;
}

function ourPid(part: PartState): number {
  if (!part.pid || !isOurs(part.pid, part.marker)) throw new Error(`${part.name} (pid ${part.pid}) is not running as the fault stack started it`);
  return part.pid;
}

/** kill -9 a node (a broker, ZooKeeper or Redis) by its recorded PID; resolves once it is gone. */
export async function killNode(part: PartState): Promise<void> {
  const pid = ourPid(part);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (isOurs(pid, part.marker)) {
    if (Date.now() > deadline) throw new Error(`${part.name} (pid ${pid}) still runs 10 s after SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function pauseNode(part: PartState): void {
  process.kill(ourPid(part), 'SIGSTOP');
}

export function resumeNode(part: PartState): void {
  process.kill(ourPid(part), 'SIGCONT');
}

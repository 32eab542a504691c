// .stack/state.json: what `stack:up` started, so `up` can tell "already running" from "port taken",
// and `down` stops exactly what `up` started and nothing else.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** redis-node: one node of the local Redis Cluster (`stack:up -- --redis-cluster`). */
export type PartKind = 'kafka' | 'zookeeper' | 'redis' | 'redis-node';

export interface PartState {
  /** kafka-1, kafka-2, ..., zookeeper, redis, redis-7000 ... redis-7005 */
  name: string;
  kind: PartKind;
  host: string;
  port: number;
  /** Kafka only: this node's KRaft controller listener. */
  controllerPort?: number;
  /** Kafka only: node.id. */
  nodeId?: number;
  /** Set when stack:up started the process; null when an already running server is used. */
  pid: number | null;
  startedByUs: boolean;
  /** A string in the process's command line, checked before any signal is sent. */
  marker: string;
  logFile: string | null;
  dataDir: string | null;
}

export interface StackState {
  version: 1;
  createdAt: string;
  brokers: number;
  partitions: number;
  clusterId: string;
  parts: PartState[];
}

export function readState(file: string): StackState | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StackState;
    if (parsed.version !== 1 || !Array.isArray(parsed.parts)) return null;
    return parsed;
  } catch {
    return null;
  }
}

export function writeState(file: string, state: StackState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}

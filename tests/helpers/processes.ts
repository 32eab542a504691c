// Gateways as child processes (so a test can kill one with SIGKILL) and the stack's Kafka broker.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Env } from '../../src/config';
import { stackPaths } from '../../scripts/stack/paths';
import { isOurs } from '../../scripts/stack/proc';
import { readState } from '../../scripts/stack/state';

const ROOT = path.resolve(__dirname, '../..');

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export async function spawnGateway(env: Env, port: number): Promise<GatewayProcess> {
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/index.js')], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited early: ${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { child, url, output: () => output };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`gateway did not answer within 30 s: ${output}`);
}

export function killHard(gateway: GatewayProcess): Promise<void> {
  return new Promise((resolve) => {
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return resolve(); // exited, or killed by a signal
    gateway.child.once('exit', () => resolve());
    gateway.child.kill('SIGKILL');
  });
}

/**
 * PIDs of the Kafka brokers that `npm run stack:up` started from this checkout, from its own state
 * file (.stack/state.json), each checked against its command line: never a machine-wide search, so
 * a test signals only processes this stack started. Empty when this checkout started none (the
 * brokers in use belong to someone else).
 */
export function kafkaBrokerPids(stateFile: string = stackPaths().stateFile): number[] {
  const state = readState(stateFile);
  if (!state) return [];
  return state.parts.filter((p) => p.kind === 'kafka' && p.startedByUs && p.pid !== null && isOurs(p.pid, p.marker)).map((p) => p.pid as number);
}

/** A TCP port nothing listens on (at the moment of asking). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

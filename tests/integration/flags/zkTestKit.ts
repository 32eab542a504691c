// Shared by the ZooKeeper flag and coordination tests: a random root per test (removed after),
// clients that are always closed, a logger whose lines the test can read, session expiry on
// demand, and a private ZooKeeper server (so the shared stack's one is never stopped).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createClient, type Client } from 'node-zookeeper-client';
import pino from 'pino';
import { discardClient, removeRecursive, upsert } from '../../../src/coordination/zk';
import { ZooKeeperSession } from '../../../src/coordination/zkSession';
import type { Logger } from '../../../src/logger';
import { ensureJars, findJava, jarDir, jarsCached } from '../../../scripts/stack/jars';
import { stackPaths } from '../../../scripts/stack/paths';
import { zookeeperAnswers } from '../../../scripts/stack/probe';
import { zooCfg, zookeeperArgs } from '../../../scripts/stack/zookeeper';

export const ZK_CONNECT = process.env.ZOOKEEPER_CONNECT || '127.0.0.1:2181';

export const randomRoot = () => `/recsys-test-${randomBytes(5).toString('hex')}`;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `test` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  test: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  everyMs = 10,
  context: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await test()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const extra = context();
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for: ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}${extra ? `\n${extra}` : ''}`,
      );
    }
    await sleep(everyMs);
  }
}

export { freePort } from '../../helpers/processes';

/** A plain connected client for the test's own reads and writes. */
export async function connectedClient(connect = ZK_CONNECT, timeoutMs = 10_000): Promise<Client> {
  const client = createClient(connect, { sessionTimeout: 10_000, spinDelay: 200, retries: 0 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      discardClient(client);
      reject(new Error(`ZooKeeper at ${connect} did not answer within ${timeoutMs} ms (is the stack up? npm run stack:up)`));
    }, timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return client;
}

export function closeClient(client: Client): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 2000);
    client.once('disconnected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.close();
  });
}

export interface CapturedLog {
  logger: Logger;
  /** The messages so far, one per line with their time, for failure messages. */
  tail(): string;
  lines: Array<Record<string, any>>;
  /** Lines at error level or above. */
  errors(): Array<Record<string, any>>;
  warnings(): Array<Record<string, any>>;
}

/** A pino logger writing JSON lines into an array (set TEST_LOG=1 to also print them). */
export function captureLog(): CapturedLog {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      if (process.env.TEST_LOG) process.stderr.write(text);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  return {
    logger,
    lines,
    tail: () =>
      lines
        .map(
          (l) =>
            `${new Date(l.time).toISOString()} ${l.msg} ${JSON.stringify({ ...l, msg: undefined, time: undefined, pid: undefined, hostname: undefined, level: undefined })}`,
        )
        .join('\n'),
    errors: () => lines.filter((l) => l.level >= 50),
    warnings: () => lines.filter((l) => l.level === 40),
  };
}

/** Everything a test opens, closed in reverse order by `dispose()`. */
export class Disposer {
  private readonly tasks: (() => unknown)[] = [];
  add<T>(task: () => unknown, value?: T): T {
    this.tasks.push(task);
    return value as T;
  }
  async dispose(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) {
      try {
        await task();
      } catch {
        /* keep disposing */
      }
    }
  }
}

/** A session on `connect`, closed by the disposer. */
export function openSession(d: Disposer, logger: Logger, connect = ZK_CONNECT, sessionTimeoutMs = 6000): ZooKeeperSession {
  const session = new ZooKeeperSession({ clientFactory: createClient, connect, sessionTimeoutMs, logger, spinDelayMs: 200 }).start();
  d.add(() => session.close());
  return session;
}

/** A random root on the shared ZooKeeper, removed (recursively) by the disposer; returns an admin client too. */
export async function scratchRoot(d: Disposer, connect = ZK_CONNECT): Promise<{ root: string; admin: Client }> {
  const admin = await connectedClient(connect);
  const root = randomRoot();
  d.add(() => closeClient(admin));
  d.add(() => removeRecursive(admin, root));
  return { root, admin };
}

export const writeFlag = (admin: Client, root: string, key: string, json: string) => upsert(admin, `${root}/flags/${key}`, json);

/**
 * A TCP forwarder in front of a ZooKeeper, so a test can cut one client's network without
 * touching the server (which other tests share). `block()` drops the current connections and
 * refuses new ones until `unblock()`.
 */
export class TcpProxy {
  private readonly server = createServer((downstream) => this.accept(downstream));
  private readonly pairs = new Set<Socket>();
  private blocked = false;
  private silent = false;
  port = 0;

  constructor(private readonly target: string = ZK_CONNECT) {}

  get connect(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  block(): void {
    this.blocked = true;
    for (const socket of this.pairs) socket.destroy();
    this.pairs.clear();
  }

  unblock(): void {
    this.blocked = false;
    this.silent = false;
  }

  /** From now on, accept connections but never forward a byte (a server that hangs). */
  hang(): void {
    this.silent = true;
  }

  async stop(): Promise<void> {
    this.block();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(downstream: Socket): void {
    if (this.blocked) {
      downstream.destroy();
      return;
    }
    if (this.silent) {
      this.pairs.add(downstream);
      downstream.on('error', () => undefined);
      downstream.on('close', () => this.pairs.delete(downstream));
      return;
    }
    const [host, port] = this.target.split(',')[0]!.split(':');
    const upstream = createConnection({ host, port: Number(port) });
    for (const [a, b] of [
      [downstream, upstream],
      [upstream, downstream],
    ] as const) {
      this.pairs.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.pairs.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}

/** A proxy to the shared ZooKeeper, stopped by the disposer. */
export async function openProxy(d: Disposer): Promise<TcpProxy> {
  const proxy = await new TcpProxy().start();
  d.add(() => proxy.stop());
  return proxy;
}

/**
 * Expires the ZooKeeper session of `session` (connected through `proxy`) the way a long network
 * partition does, without waiting out the timeout: its network is cut, a second client takes over
 * the session id and password directly and closes the session, then the network comes back and the
 * first client's reconnect is answered EXPIRED. (Without the cut, the first client reconnects at
 * once and sometimes re-attaches before the second client's close arrives, keeping the session.)
 */
export async function expireSession(session: ZooKeeperSession, proxy: TcpProxy): Promise<void> {
  const victim = session.client;
  if (!victim || !session.connected) throw new Error('expireSession: the session is not connected');
  const generation = session.generation;
  const [sessionId, sessionPassword] = [victim.getSessionId(), victim.getSessionPassword()];
  proxy.block();
  try {
    const killer = createClient(ZK_CONNECT, { sessionTimeout: victim.getSessionTimeout(), spinDelay: 200, retries: 0, sessionId, sessionPassword } as never);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        discardClient(killer);
        reject(new Error('expireSession: could not attach to the session within 5 s'));
      }, 5000);
      killer.once('connected', () => {
        killer.once('disconnected', () => {
          clearTimeout(timer);
          resolve();
        });
        killer.close();
      });
      killer.once('expired', () => {
        clearTimeout(timer);
        resolve(); // already gone
      });
      killer.connect();
    });
  } finally {
    proxy.unblock();
  }
  await waitFor('the session to expire', () => session.generation !== generation, 10_000);
}

/** A ZooKeeper server of our own on a free port, from the stack's cached jars; for stop/start tests. */
export class PrivateZooKeeper {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'recsys-zk-'));
  private output = '';

  constructor(readonly port: number) {}

  get connect(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the server (a no-op while it runs) and waits until it answers `ruok`. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.child && this.child.exitCode === null) return;
    const paths = stackPaths();
    // The stack in use may have been started elsewhere: fetch the jars here then (Maven, once).
    if (!jarsCached(paths, 'zookeeper')) await ensureJars(paths, 'zookeeper', () => {});
    const java = findJava(process.env.JAVA_HOME);
    const cfg = path.join(this.dir, 'zoo.cfg');
    writeFileSync(cfg, zooCfg({ host: '127.0.0.1', port: this.port, dataDir: path.join(this.dir, 'data') }));
    const args = zookeeperArgs({
      classpath: `${jarDir(paths, 'zookeeper')}/*`,
      logbackConfig: path.join(paths.sources, 'zookeeper', 'logback.xml'),
      marker: `recsys.test.zookeeper=${this.port}`,
      zooCfg: cfg,
    });
    const child = spawn(java.command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (this.output = (this.output + d).slice(-20_000)));
    child.stderr.on('data', (d) => (this.output = (this.output + d).slice(-20_000)));
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (!(await zookeeperAnswers('127.0.0.1', this.port, 500))) {
      if (child.exitCode !== null) throw new Error(`private ZooKeeper exited: ${this.output}`);
      if (Date.now() > deadline) throw new Error(`private ZooKeeper did not answer within ${timeoutMs} ms: ${this.output}`);
      await sleep(100);
    }
  }

  /** SIGTERM (SIGKILL after 5 s); the data directory stays for the next start. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// A redis-server of the bench's own (loopback, a free port, no persistence), so that INFO's
// command counts, bytes, CPU and memory are the bench's gateways' alone and not the shared
// stack's other clients'. Stopped by its PID.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { readingOf, type RedisReading } from './redisInfo';
import { sleep } from './stats';

export interface PrivateRedis {
  url: string;
  port: number;
  pid: number;
  /** INFO commandstats, stats, cpu and memory now. */
  read(): Promise<RedisReading>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPrivateRedis(command = '/usr/bin/redis-server'): Promise<PrivateRedis> {
  const port = await freePort();
  const server = spawn(command, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // Never outlive the bench, whatever way it ends.
  const orphan = () => server.pid !== undefined && server.exitCode === null && server.signalCode === null && process.kill(server.pid, 'SIGKILL');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  const failed = new Promise<never>((_, reject) => server.once('error', (err) => reject(new Error(`${command}: ${err.message}`))));
  const meter = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  meter.on('error', () => {}); // refused until the server listens; the loop below retries
  const stop = async () => {
    meter.disconnect();
    if (server.exitCode !== null || server.signalCode !== null) return;
    process.kill(server.pid!, 'SIGTERM');
    const timer = setTimeout(() => server.exitCode === null && process.kill(server.pid!, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const connect = async () => {
    for (let i = 0; i < 100; i++) {
      if (server.exitCode !== null) throw new Error(`${command} exited with ${server.exitCode} before it listened on ${port}`);
      try {
        await meter.connect();
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error(`${command} did not listen on 127.0.0.1:${port} within 5 s`);
  };
  try {
    await Promise.race([connect(), failed]);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: server.pid!,
    read: async () => readingOf(String(await meter.call('INFO', 'commandstats', 'stats', 'cpu', 'memory'))),
    stop,
  };
}

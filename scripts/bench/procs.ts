// Starts bench children (scripts/bench/child.ts) and talks to them over IPC. With
// BENCH_GATEWAY_ROLES=split (`npm run bench -- --roles split`, scripts/bench/launch.ts) the gateway
// is two processes on the same prefix, RECSYS_ROLES=api,push and RECSYS_ROLES=scorer; with `each`
// three, api, push and scorer. The scenarios talk to the api and push processes and measure all.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ChildInfo {
  url: string;
  wsUrl: string;
  port: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** process.cpuUsage() of the child: µs of CPU since it started. */
export interface CpuSample {
  user: number;
  system: number;
}

export interface BenchChild extends ChildInfo {
  pid: number;
  process: ChildProcess;
  memory(): Promise<MemorySample>;
  cpu(): Promise<CpuSample>;
  /** The gateway's /metrics text (Prometheus format). */
  metrics(): Promise<string>;
  /** /readyz's status of each process ("ready" once, among others, the consumer joined its group). */
  readiness(): Promise<string[]>;
  request<T>(msg: object, answer: string, ms?: number): Promise<T>;
  /** Stops cleanly (the profile, if any, is written) and waits for the exit; kills after 15 s. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the whole run into this folder. */
  cpuProfDir?: string;
}

type ChildRole = 'gateway' | 'baseline-http' | 'baseline-scoring';

/** RECSYS_ROLES of each process of one bench gateway, the first answering HTTP, the second (or the first) holding the websockets. */
const SHAPES: Record<string, { api: string; push: string | null; rest: string[] }> = {
  split: { api: 'api,push', push: null, rest: ['scorer'] },
  each: { api: 'api', push: 'push', rest: ['scorer'] },
};

export async function startChild(role: ChildRole, options: ChildOptions = {}): Promise<BenchChild> {
  const shape = role === 'gateway' ? SHAPES[process.env.BENCH_GATEWAY_ROLES ?? ''] : undefined;
  if (!shape) return startOne(role, options);
  const withRoles = (roles: string) => ({ ...options, env: { ...options.env, RECSYS_ROLES: roles } });
  const all = await Promise.all([shape.api, ...(shape.push ? [shape.push] : []), ...shape.rest].map((roles) => startOne(role, withRoles(roles))));
  const front = all[0]!;
  const push = shape.push ? all[1]! : front;
  // Measured as one gateway: CPU summed over its processes, the metrics of all of them (the
  // scorer counts refreshes, the push process pushes), the memory of the one holding the sockets.
  return {
    ...front,
    wsUrl: push.wsUrl,
    memory: () => push.memory(),
    async cpu() {
      const samples = await Promise.all(all.map((c) => c.cpu()));
      return { user: samples.reduce((n, c) => n + c.user, 0), system: samples.reduce((n, c) => n + c.system, 0) };
    },
    metrics: async () => (await Promise.all(all.map((c) => c.metrics()))).join('\n'),
    readiness: async () => (await Promise.all(all.map((c) => c.readiness()))).flat(),
    async stop() {
      await Promise.all(all.map((c) => c.stop()));
    },
  };
}

async function startOne(role: ChildRole, options: ChildOptions): Promise<BenchChild> {
  const execArgv = ['--expose-gc', '--max-old-space-size=4096'];
  if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  const child = fork(path.join(__dirname, 'child.js'), [role], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
    execArgv,
    // The child's stdout (its logger) goes to our stderr: with --json our stdout is the results alone.
    stdio: ['ignore', 2, 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const request = <T>(msg: object, answer: string, ms = 60_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', on);
        reject(new Error(`${role} child: no ${answer} within ${ms} ms`));
      }, ms);
      const on = (m: { type: string; message?: string }) => {
        if (m.type === 'error') {
          clearTimeout(timer);
          child.off('message', on);
          reject(new Error(`${role} child: ${m.message}`));
        } else if (m.type === answer) {
          clearTimeout(timer);
          child.off('message', on);
          resolve(m as T);
        }
      };
      child.on('message', on);
      if (Object.keys(msg).length > 0) child.send(msg);
    });
  const info = await Promise.race([
    request<ChildInfo>({}, 'ready', 60_000),
    exited.then(() => {
      throw new Error(`${role} child exited before it was ready`);
    }),
  ]);
  return {
    ...info,
    pid: child.pid!,
    process: child,
    request,
    memory: () => request<MemorySample>({ type: 'mem' }, 'mem', 30_000),
    cpu: () => request<CpuSample>({ type: 'cpu' }, 'cpu', 30_000),
    // Production refuses /metrics without the token the child was started with.
    metrics: async () => (await fetch(info.url.replace('/graphql', '/metrics'), { headers: metricsHeaders(options.env) })).text(),
    async readiness() {
      const res = await fetch(info.url.replace('/graphql', '/readyz')).catch(() => null);
      const body = res ? ((await res.json().catch(() => ({}))) as { status?: string }) : {};
      return [body.status ?? 'unanswered'];
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function metricsHeaders(env: Record<string, string> | undefined): Record<string, string> {
  const token = env?.RECSYS_METRICS_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

// A bench child process: the gateway (or a baseline) alone in its own process, so its memory and
// CPU are its own. Talks to the bench over IPC: sends {type:'ready', ...}; answers {type:'mem'}
// with process.memoryUsage() (after a full GC when started with --expose-gc), {type:'cpu'} with
// process.cpuUsage() (µs since the process started; the bench takes differences); on {type:'stop'}
// stops cleanly and exits, which lets --cpu-prof write its profile.
// Usage (by the bench only): node dist/scripts/bench/child.js gateway|baseline-http|baseline-scoring
import 'reflect-metadata';
import { loadAuthConfig, loadStackConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startGateway } from '../../src/app';
import { startBaselineServer } from './baselineServer';
import { startScoringBaseline, type ScoringBaselineOptions } from './scoringBaseline';

type Message = { type: 'mem' } | { type: 'cpu' } | { type: 'stop' } | { type: 'start-scoring'; options: ScoringBaselineOptions };

const send = (msg: unknown) => process.send?.(msg);

async function main(): Promise<void> {
  const role = process.argv[2];
  let stop: () => Promise<void> = async () => {};
  if (role === 'gateway') {
    const gateway = await startGateway(loadStackConfig(process.env), createLogger(process.env.LOG_LEVEL || 'warn'));
    stop = () => gateway.stop();
    send({ type: 'ready', url: gateway.url, wsUrl: gateway.wsUrl, port: gateway.port });
  } else if (role === 'baseline-http') {
    const server = await startBaselineServer(loadAuthConfig(process.env, process.env.NODE_ENV === 'production'));
    stop = () => server.stop();
    send({ type: 'ready', url: server.url, wsUrl: '', port: server.port });
  } else if (role === 'baseline-scoring') {
    send({ type: 'ready', url: '', wsUrl: '', port: 0 });
  } else {
    throw new Error(`unknown role ${role ?? '(none)'}: gateway | baseline-http | baseline-scoring`);
  }
  process.on('message', (msg: Message) => {
    if (msg.type === 'mem') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        gc();
      }
      send({ type: 'mem', ...process.memoryUsage() });
    } else if (msg.type === 'cpu') {
      send({ type: 'cpu', ...process.cpuUsage() });
    } else if (msg.type === 'start-scoring') {
      startScoringBaseline(msg.options).then(
        (baseline) => {
          stop = () => baseline.stop();
          send({ type: 'scoring-started' });
        },
        (err: unknown) => send({ type: 'error', message: String(err) }),
      );
    } else if (msg.type === 'stop') {
      const force = setTimeout(() => process.exit(0), 10_000);
      // Fire-and-forget: the parent learns the outcome from the messages, and the process exits either way.
      void stop()
        .catch((err: unknown) => send({ type: 'error', message: String(err) }))
        .finally(() => {
          clearTimeout(force);
          send({ type: 'stopped' });
          process.exit(0);
        });
    }
  });
  // Never outlive the bench: if the parent goes away, so do we.
  process.on('disconnect', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`bench child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

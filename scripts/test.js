#!/usr/bin/env node
// `npm test`: run jest against a real local stack.
//   1. If Kafka, ZooKeeper or Redis does not answer (KAFKA_BROKERS, ZOOKEEPER_CONNECT, REDIS_URL, or the
//      local stack's defaults 127.0.0.1:9093, 127.0.0.1:2181, redis://127.0.0.1:6379), run
//      `npm run stack:up` and remember that this run started it.
//   2. Run jest with the arguments given (`npm test -- tests/unit`, `npm test -- -t name`), adding
//      --runInBand (2-core machines; the integration suites share one Kafka) and --forceExit (a leaked
//      handle must not hang CI; jest still names it) unless the arguments already decide those.
//      KAFKA_BROKERS, REDIS_URL and ZOOKEEPER_CONNECT are exported for the integration tests if unset.
//   3. `npm run stack:down` if step 1 started the stack; exit with jest's code.
// Plain JavaScript on purpose: it runs before anything is built.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, readFileSync, rmSync, mkdtempSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function hostPort(value, fallbackPort) {
  const first = String(value).split(',')[0].trim();
  const i = first.lastIndexOf(':');
  return i < 0 ? { host: first, port: fallbackPort } : { host: first.slice(0, i), port: Number(first.slice(i + 1)) };
}

/** Sends `payload` (if any) and resolves with what the server said within `timeoutMs`, or null. */
function talk(host, port, payload, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '';
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(payload ? (reply || null) : null));
    socket.once('connect', () => (payload ? socket.write(payload) : finish('')));
    socket.on('data', (c) => {
      reply += c.toString('utf8');
      if (reply.includes('\n') || reply === 'imok') finish(reply);
    });
    socket.once('end', () => finish(reply));
    socket.once('error', () => finish(null));
  });
}

async function stackAnswers(env) {
  const kafka = hostPort(env.KAFKA_BROKERS, 9093);
  const zk = hostPort(env.ZOOKEEPER_CONNECT, 2181);
  const redisUrl = new URL(env.REDIS_URL);
  const [k, z, r] = await Promise.all([
    talk(kafka.host, kafka.port, null),
    talk(zk.host, zk.port, 'ruok'),
    // A password in REDIS_URL gets -NOAUTH: still "answering".
    talk(redisUrl.hostname, Number(redisUrl.port || 6379), '*1\r\n$4\r\nPING\r\n'),
  ]);
  const status = { kafka: k !== null, zookeeper: z === 'imok', redis: r !== null && /^[+-]/.test(r) };
  return { ok: status.kafka && status.zookeeper && status.redis, status };
}

function stackBrokers() {
  const stateFile = path.join(root, '.stack', 'state.json');
  if (!existsSync(stateFile)) return null;
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    const brokers = state.parts.filter((p) => p.kind === 'kafka').map((p) => `${p.host}:${p.port}`);
    return brokers.length > 0 ? brokers.join(',') : null;
  } catch {
    return null;
  }
}

function npmRun(script, env) {
  const res = spawnSync(npm, ['run', '--silent', script], { cwd: root, env, stdio: 'inherit' });
  return res.status === null ? 1 : res.status;
}

function has(args, ...flags) {
  return args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
}

function summary(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
    return `tests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
  } catch {
    return null;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const env = { ...process.env };
  env.KAFKA_BROKERS = env.KAFKA_BROKERS || stackBrokers() || '127.0.0.1:9093';
  env.REDIS_URL = env.REDIS_URL || 'redis://127.0.0.1:6379';
  env.ZOOKEEPER_CONNECT = env.ZOOKEEPER_CONNECT || '127.0.0.1:2181';

  let startedStack = false;
  const first = await stackAnswers(env);
  if (!first.ok) {
    const down = Object.entries(first.status).filter(([, ok]) => !ok).map(([name]) => name);
    console.log(`test: ${down.join(', ')} not answering: starting the local stack (npm run stack:up) ...`);
    startedStack = true;
    const code = npmRun('stack:up', env);
    if (code !== 0) {
      console.error(`test: npm run stack:up failed (exit ${code}); stopping what it started.`);
      npmRun('stack:down', env);
      return 1;
    }
    env.KAFKA_BROKERS = process.env.KAFKA_BROKERS || stackBrokers() || env.KAFKA_BROKERS;
  }

  const jestArgs = [...args];
  if (!has(args, '--runInBand', '-i', '--maxWorkers', '-w', '--watch', '--watchAll')) jestArgs.push('--runInBand');
  if (!has(args, '--forceExit', '--detectOpenHandles', '--watch', '--watchAll')) jestArgs.push('--forceExit');
  let resultsDir = null;
  let resultsFile = null;
  if (!has(args, '--json', '--outputFile', '--watch', '--watchAll', '--listTests')) {
    resultsDir = mkdtempSync(path.join(os.tmpdir(), 'recsys-jest-'));
    resultsFile = path.join(resultsDir, 'results.json');
    jestArgs.push('--json', `--outputFile=${resultsFile}`);
  }

  const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...jestArgs], { cwd: root, env, stdio: 'inherit' });
  const forward = (signal) => jest.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) => jest.once('exit', (c, signal) => resolve(c === null ? (signal ? 1 : 1) : c)));
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);

  const line = resultsFile ? summary(resultsFile) : null;
  if (resultsDir) rmSync(resultsDir, { recursive: true, force: true });
  if (startedStack) {
    console.log('test: stopping the local stack this run started (npm run stack:down) ...');
    npmRun('stack:down', env);
  }
  if (line) console.log(line);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('test: unexpected failure:', err);
    process.exit(1);
  },
);

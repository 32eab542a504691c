#!/usr/bin/env node
// `npm test`: run jest against a real local stack.
//   1. If Kafka, ZooKeeper or Redis does not answer (KAFKA_BROKERS, ZOOKEEPER_CONNECT, REDIS_URL, or the
//      local stack's defaults 127.0.0.1:9093, 127.0.0.1:2181, redis://127.0.0.1:6379), run
//      `npm run stack:up` and remember that this run started it.
//   2. Run jest with the arguments given (`npm test -- tests/unit`, `npm test -- -t name`), adding
//      --runInBand (2-core machines; the integration suites share one Kafka) and --forceExit (a leaked
//      handle must not hang CI; jest still names it) unless the arguments already decide those.
//      KAFKA_BROKERS, REDIS_URL and ZOOKEEPER_CONNECT are exported for the integration tests if unset.
//   2b. When the run includes the Redis Cluster suites (tests/integration/cluster, asked of
//      `jest --listTests`) and no cluster answers at TEST_REDIS_CLUSTER_NODES (default 127.0.0.1:7000-7005),
//      run `npm run stack:up -- --redis-cluster` (also starting what else is down) and export
//      TEST_REDIS_CLUSTER_NODES for jest.
//   3. `npm run stack:down` if step 1 started the stack (`-- --redis-cluster`: the cluster alone, if
//      only that was started); exit with jest's code.
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
    socket.setTimeout(timeoutMs, () => finish(payload ? reply || null : null));
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

const CLUSTER_NODES = '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005';

/** Every node answers CLUSTER INFO with cluster_state:ok. */
async function clusterAnswers(nodes) {
  const replies = await Promise.all(
    nodes
      .split(',')
      .map((n) => hostPort(n, 7000))
      .map(({ host, port }) => talk(host, port, '*2\r\n$7\r\nCLUSTER\r\n$4\r\nINFO\r\n')),
  );
  // The first line of the bulk reply is its length; the state follows within the same chunk.
  return replies.every((r) => r !== null && r.includes('cluster_state:ok'));
}

/** Whether the jest run with these arguments includes the Redis Cluster suites. */
function wantsCluster(args, env) {
  const res = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--listTests', ...args.filter((a) => !a.startsWith('--watch'))], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  return res.status === 0 && /[\\/]tests[\\/]integration[\\/]cluster[\\/]/.test(res.stdout);
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

function npmRun(script, env, extra = []) {
  const res = spawnSync(npm, ['run', '--silent', script, ...(extra.length > 0 ? ['--', ...extra] : [])], { cwd: root, env, stdio: 'inherit' });
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
  let startedClusterOnly = false;
  const first = await stackAnswers(env);
  const cluster = wantsCluster(args, env);
  if (cluster) env.TEST_REDIS_CLUSTER_NODES = env.TEST_REDIS_CLUSTER_NODES || CLUSTER_NODES;
  const clusterUp = !cluster || (await clusterAnswers(env.TEST_REDIS_CLUSTER_NODES));
  if (!first.ok || !clusterUp) {
    const down = Object.entries(first.status)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    if (!clusterUp) down.push(`the Redis Cluster (${env.TEST_REDIS_CLUSTER_NODES})`);
    const upArgs = clusterUp ? [] : ['--redis-cluster'];
    console.log(`test: ${down.join(', ')} not answering: starting the local stack (npm run stack:up${clusterUp ? '' : ' -- --redis-cluster'}) ...`);
    startedStack = true;
    startedClusterOnly = first.ok;
    const code = npmRun('stack:up', env, upArgs);
    if (code !== 0) {
      console.error(`test: npm run stack:up failed (exit ${code}); stopping what it started.`);
      npmRun('stack:down', env, startedClusterOnly ? ['--redis-cluster'] : []);
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
    console.log(
      `test: stopping the ${startedClusterOnly ? 'Redis Cluster' : 'local stack'} this run started (npm run stack:down${startedClusterOnly ? ' -- --redis-cluster' : ''}) ...`,
    );
    npmRun('stack:down', env, startedClusterOnly ? ['--redis-cluster'] : []);
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

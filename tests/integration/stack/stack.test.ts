// What `npm run stack:up` promises: the three topics exist (replicated on every broker), ZooKeeper
// answers the whitelisted four-letter words, every part answers, and a second `up` starts nothing.
import { execFile } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadStackConfig, TOPICS } from '../../../src/config';
import { fourLetterWord } from '../../../scripts/stack/probe';
import { stackPaths } from '../../../scripts/stack/paths';
import { statusRows } from '../../../scripts/stack/status';
import { readState } from '../../../scripts/stack/state';
import { stackTargets } from '../../../scripts/stack/targets';

jest.setTimeout(120000);

const config = loadStackConfig(process.env);
const targets = stackTargets(config);
const paths = stackPaths();

describe('the local stack', () => {
  test('has view-events, add-to-cart-events and purchase-events, each partition on min(3, brokers) replicas', async () => {
    const admin = new Kafka({ clientId: 'stack-test', brokers: config.kafka?.brokers ?? [], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      const meta = await admin.fetchTopicMetadata({ topics: Object.values(TOPICS) });
      expect(meta.topics.map((t) => t.name).sort()).toEqual(Object.values(TOPICS).sort());
      for (const t of meta.topics) {
        expect(t.partitions.length).toBeGreaterThanOrEqual(1);
        for (const p of t.partitions) expect(p.replicas).toHaveLength(Math.min(3, cluster.brokers.length));
      }
    } finally {
      await admin.disconnect();
    }
  });

  test('ZooKeeper answers ruok with imok and srvr with its mode', async () => {
    const { host, port } = targets.zookeeper;
    expect(await fourLetterWord(host, port, 'ruok')).toBe('imok');
    expect(await fourLetterWord(host, port, 'srvr')).toMatch(/Mode: (standalone|leader|follower)/);
  });

  test('status reports every part answering', async () => {
    const rows = await statusRows(paths, targets, readState(paths.stateFile));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => !r.answering)).toEqual([]);
  });

  test('a second stack:up starts nothing and keeps the same processes', async () => {
    const before = readState(paths.stateFile);
    const tsx = join(paths.repoRoot, 'node_modules', '.bin', 'tsx');
    const { stdout } = await promisify(execFile)(tsx, ['scripts/stack.ts', 'up'], { cwd: paths.repoRoot, env: process.env });
    expect(stdout).toContain('nothing started');
    expect(stdout).toMatch(/Stack up in \d+\.\d s/);
    const after = readState(paths.stateFile);
    if (before && existsSync(paths.stateFile)) {
      const pids = (s: typeof before) => s.parts.map((p) => `${p.name}:${p.pid}`).sort();
      expect(after && pids(after)).toEqual(pids(before));
      expect(JSON.parse(readFileSync(paths.stateFile, 'utf8')).clusterId).toBe(before.clusterId);
    }
  });
});

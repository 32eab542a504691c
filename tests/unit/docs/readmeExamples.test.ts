// The README as a newcomer follows it on a fresh clone: its examples name products the demo
// catalogue has, its dataset commands point at files a user can fetch (and the checksums it gives
// are those of the copies its figures came from), and its graphql-ws snippet runs on Node as written.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startGateway, type Gateway } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { DEMO_CATALOG } from '../../../src/demo/catalog';
import { createLogger } from '../../../src/logger';
import { SANDBOX_VARIABLES } from '../../../src/server/sandbox';
import { itWhenShared, sharedPath } from '../../helpers/shared';

const ROOT = path.resolve(__dirname, '../../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const EVAL_README = readFileSync(path.join(ROOT, 'src/eval/README.md'), 'utf8');

describe('the README', () => {
  test('names only products of the demo catalogue in its examples, as does the Sandbox', () => {
    const named = [...README.matchAll(/"productId": "([^"]+)"/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    const known = new Set(DEMO_CATALOG.map((p) => p.id));
    expect(named.filter((id) => !known.has(id))).toEqual([]);
    expect(known.has(SANDBOX_VARIABLES.input.productId)).toBe(true);
  });

  test('points its commands at data/ and gives a download for each dataset file they read, never ../shared', () => {
    for (const text of [README, EVAL_README]) expect(text).not.toMatch(/\.\.\/shared\/datasets/);
    const read = [...`${README}\n${EVAL_README}`.matchAll(/(?:--dataset|--replay) data\/(\S+)/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThanOrEqual(3);
    for (const file of new Set(read)) {
      expect(README).toMatch(new RegExp(`curl -fLo ${file.replace(/\./g, '\\.')} https://raw\\.githubusercontent\\.com/\\S+/[0-9a-f]{40}/\\S+`));
      expect(README).toMatch(new RegExp(`^[0-9a-f]{64}  ${file.replace(/\./g, '\\.')}$`, 'm'));
    }
  });

  const SHARED_COPIES: Record<string, string> = {
    'yoochoose-clicks-100k_train_full.txt': sharedPath('datasets', 'yoochoose-rsc15', 'yoochoose-clicks-100k_train_full.txt'),
    'sample_train-item-views.csv': sharedPath('datasets', 'diginetica', 'sample_train-item-views.csv'),
    'UserBehavior_2017-11-26_0900-1110cst.csv': sharedPath('datasets', 'taobao-userbehavior-stream', 'UserBehavior_2017-11-26_0900-1110cst.csv'),
  };
  for (const [file, copy] of Object.entries(SHARED_COPIES)) {
    itWhenShared(copy)(`gives the checksum of the copy the figures were measured on: ${file}`, () => {
      const sum = new RegExp(`^([0-9a-f]{64})  ${file.replace(/\./g, '\\.')}$`, 'm').exec(README)?.[1];
      expect(sum).toBe(createHash('sha256').update(readFileSync(copy)).digest('hex'));
    });
  }

  describe('graphql-ws snippet', () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await startGateway(loadConfig({ PORT: '0', NODE_ENV: 'test' }), createLogger('silent'));
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    test('runs on Node as written (only the port changed) and prints the first list: trending for a newcomer', async () => {
      const snippet = /```js\n(\/\/ live\.mjs[\s\S]*?)```/.exec(README)?.[1];
      expect(snippet).toContain('webSocketImpl: WebSocket');
      const port = new URL(gateway.url).port;
      // Bare imports resolve from the working directory for a module read from stdin.
      const child = spawn(process.execPath, ['--input-type=module'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      try {
        const firstLine = new Promise<string>((resolve, reject) => {
          child.stdout.on('data', (b: Buffer) => {
            out += b.toString();
            if (out.includes('\n')) resolve(out.split('\n')[0]!);
          });
          child.stderr.on('data', (b: Buffer) => (err += b.toString()));
          child.on('exit', (code) => reject(new Error(`the snippet exited (${code}) before printing a list: ${err}`)));
        });
        child.stdin.end(snippet!.replace('ws://127.0.0.1:4000/graphql', `ws://127.0.0.1:${port}/graphql`));
        const first = JSON.parse(await firstLine) as { recommendationsUpdated: { version: number; strategy: string; items: unknown[] } };
        expect(first.recommendationsUpdated.version).toBeGreaterThan(0);
        expect(first.recommendationsUpdated.strategy).toBe('trending');
        expect(Array.isArray(first.recommendationsUpdated.items)).toBe(true);
      } finally {
        child.kill();
      }
    }, 30_000);
  });
});

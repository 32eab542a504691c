// `npm run catalog:import` as an operator runs it (tsx child process), into the real Redis under a
// random prefix, then read back through a running distributed gateway.
import { execFile } from 'node:child_process';
import path from 'node:path';
import Redis from 'ioredis';
import { ProductDocument, TrendingDocument } from '../../../src/generated/graphql';
import { realStackEnv, startTestGateway, uniqueId } from '../../helpers/gateway';
import { dumpPrefix, REDIS_URL, runOperation } from './support';
import { FIXED_FRAME } from '../../helpers/decay';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');
const CSV = path.join(__dirname, 'fixtures', 'catalog.csv');
const JSONL = path.join(__dirname, 'fixtures', 'catalog.jsonl');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function catalogImport(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/catalog-import.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

let redis: Redis;
let prefix: string;
const env = () => ({ REDIS_URL, REDIS_KEY_PREFIX: prefix });

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});
beforeEach(() => {
  prefix = uniqueId('import');
});
afterEach(async () => {
  const keys = Object.keys(await dumpPrefix(redis, prefix));
  if (keys.length > 0) await redis.unlink(...keys);
});
afterAll(() => redis.quit());

describe('npm run catalog:import', () => {
  it('writes the valid CSV rows and lists every refused row with its line and reason', async () => {
    const run = await catalogImport([CSV], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`-> ${REDIS_URL} prefix "${prefix}"`);
    expect(run.stdout).toMatch(/rows read: +8\n/);
    expect(run.stdout).toMatch(/written: +4 \(new or changed\)\n/);
    expect(run.stdout).toMatch(/unchanged: +0/);
    expect(run.stdout).toMatch(/refused: +4\n/);
    expect(run.stdout).toContain('line 7: name: must be a non-empty name');
    expect(run.stdout).toContain('line 8: price: must be a number of at least 0, got -5');
    expect(run.stdout).toContain('line 9: inStock: must be true or false');
    expect(run.stdout).toContain('line 10: id "mug-01" is already on line 2 (each id once per file)');
    expect(run.stderr).toMatch(/\] 100% 8 rows, 4 written, 0 unchanged, 4 refused/);

    const stored = await dumpPrefix(redis, prefix);
    expect(JSON.parse(stored[`${prefix}:{p:rug-02}:info`]!.replace(/^string /, ''))).toEqual({
      id: 'rug-02',
      name: 'Wool rug\nhand-woven',
      category: 'home',
      price: 210,
      inStock: true,
      imageUrl: null,
    });
    expect(stored[`${prefix}:outofstock`]).toBe('set chair-07');
  });

  it('changes nothing when the same file is imported again', async () => {
    await catalogImport([CSV], env());
    const before = await dumpPrefix(redis, prefix);
    const again = await catalogImport([CSV], env());
    expect(again.stdout).toMatch(/written: +0 \(new or changed\)\n/);
    expect(again.stdout).toMatch(/unchanged: +4 /);
    expect(await dumpPrefix(redis, prefix)).toEqual(before);
  });

  it('imports JSON Lines, refusing unknown keys, wrong types and lines that are not JSON', async () => {
    const run = await catalogImport([JSONL], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/written: +2 /);
    expect(run.stdout).toContain('line 3: price: must be a number of at least 0, got "cheap"');
    expect(run.stdout).toContain('line 4: unknown key "colour"; expected id, name, category, price, inStock, imageUrl');
    expect(run.stdout).toMatch(/line 5: not valid JSON/);
    expect((await dumpPrefix(redis, prefix))[`${prefix}:outofstock`]).toBe('set tea-02');
  });

  it('writes nothing and needs no Redis in a dry run', async () => {
    const run = await catalogImport([CSV, '--dry-run'], { ...env(), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/valid: +4 \(nothing written: --dry-run\)/);
    expect(await dumpPrefix(redis, prefix)).toEqual({});
  });

  it('reads standard input and exits 0 when every row is valid', async () => {
    const rows = ['{"id":"s-1","name":"Spoon"}', '{"id":"s-2","name":"Fork","price":2}'].join('\n');
    const run = await catalogImport(['-', '--format', 'jsonl'], env(), rows);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/rows read: +2\n/);
    expect(run.stdout).toMatch(/written: +2 /);
    expect(run.stdout).toMatch(/refused: +0\n/);
  });

  it('exits 3 naming the address and the way to start Redis when it is unreachable', async () => {
    const run = await catalogImport([CSV], { ...env(), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Redis at redis://127.0.0.1:1 is unreachable');
    expect(run.stderr).toContain('npm run stack:up');
  });

  it('exits 2 on a file it cannot read or a format it cannot tell', async () => {
    expect((await catalogImport(['no-such-file.csv'], env())).code).toBe(2);
    const unknown = await catalogImport([path.join(ROOT, 'package.json')], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('name it .csv or .jsonl, or pass --format');
  });

  it('explains where it writes in --help', async () => {
    const run = await catalogImport(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('REDIS_URL');
    expect(run.stdout).toContain('REDIS_KEY_PREFIX');
    expect(run.stdout).toContain('--dry-run');
  });
});

describe('an imported catalogue', () => {
  it('is served at once by a distributed gateway reading the same prefix', async () => {
    await catalogImport([CSV], env());
    const gateway = await startTestGateway({ ...realStackEnv(), REDIS_KEY_PREFIX: prefix });
    try {
      const chair = await runOperation(gateway.url, ProductDocument, { id: 'chair-07' });
      expect(chair).toEqual({ data: { product: { id: 'chair-07', name: 'Chair, oak', category: 'furniture', price: 149, inStock: false } } });
      await gateway.store.applyDeltas('seed/0', [
        { offset: 0, delta: { kind: 'trending', category: null, product: 'chair-07', incr: 9, frame: FIXED_FRAME } },
        { offset: 1, delta: { kind: 'trending', category: null, product: 'lamp-03', incr: 5, frame: FIXED_FRAME } },
      ]);
      const trending = await runOperation(gateway.url, TrendingDocument, { limit: 10 });
      expect(trending.data?.trending).toEqual([{ score: 5, product: { id: 'lamp-03', name: 'Desk lamp "Nova"', category: 'lighting' } }]);
    } finally {
      await gateway.stop();
    }
  });
});

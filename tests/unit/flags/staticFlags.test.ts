import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StaticFlags } from '../../../src/flags/staticFlags';

describe("embedded mode's flags written through the API", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'recsys-flags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('set replaces the flags object (a computation keeps the set it took) and names the source API', async () => {
    const flags = new StaticFlags();
    const before = flags.current();
    expect(await flags.set('recs.size', 5)).toEqual({ key: 'recs.size', value: 5, source: 'API' });
    expect(before['recs.size']).toBe(20);
    expect(flags.current()['recs.size']).toBe(5);
    expect(flags.status().source).toBe('API');
  });

  test('remove brings back the default, over a value from RECSYS_FLAGS_FILE too', async () => {
    const file = path.join(dir, 'flags.json');
    writeFileSync(file, JSON.stringify({ 'recs.strategy': 'trending' }));
    const flags = new StaticFlags(file);
    expect(flags.entries().find((e) => e.key === 'recs.strategy')).toEqual({ key: 'recs.strategy', value: 'trending', source: 'FILE' });
    expect(await flags.remove('recs.strategy')).toEqual({ key: 'recs.strategy', value: 'personalized', source: 'DEFAULT' });
    expect(flags.entries().find((e) => e.key === 'recs.strategy')).toEqual({ key: 'recs.strategy', value: 'personalized', source: 'DEFAULT' });
    expect(flags.status().source).toBe('DEFAULT');
  });
});

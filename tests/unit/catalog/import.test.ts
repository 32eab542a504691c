import { importCatalog, type ImportResult } from '../../../src/catalog';
import { MemoryStore } from '../../../src/store/memoryStore';

const CSV = [
  'id,name,category,price,inStock,imageUrl',
  'p1,Mug,kitchen,9.5,true,https://img.example/p1.png',
  'p2,"Chair, oak",furniture,120,false,',
  'p3,,misc,1,true,',
  'p4,Bad price,misc,-3,true,',
  'p1,Mug again,kitchen,1,true,',
  'p5,Lamp,lighting,,,/img/p5.png',
].join('\n');

const run = (store: MemoryStore | null, text: string, extra: Partial<Parameters<typeof importCatalog>[0]> = {}) =>
  importCatalog({ source: [Buffer.from(text)], format: 'csv', store, ...extra });

describe('importing a catalogue', () => {
  it('writes the valid rows and refuses the others with their line and reason', async () => {
    const store = new MemoryStore();
    const result = await run(store, CSV);
    expect(result).toMatchObject<Partial<ImportResult>>({ rows: 6, valid: 3, written: 3, unchanged: 0, refused: 3 });
    expect(result.refusals).toEqual([
      { line: 4, reason: 'name: must be a non-empty name' },
      { line: 5, reason: 'price: must be a number of at least 0, got -3' },
      { line: 6, reason: 'id "p1" is already on line 2 (each id once per file)' },
    ]);
    expect(await store.getProducts(['p1', 'p2', 'p5', 'p3'])).toEqual([
      { id: 'p1', name: 'Mug', category: 'kitchen', price: 9.5, inStock: true, imageUrl: 'https://img.example/p1.png' },
      { id: 'p2', name: 'Chair, oak', category: 'furniture', price: 120, inStock: false, imageUrl: null },
      { id: 'p5', name: 'Lamp', category: 'lighting', price: null, inStock: true, imageUrl: '/img/p5.png' },
      null,
    ]);
    expect(await store.unavailableProducts()).toEqual(new Set(['p2']));
  });

  it('writes nothing when the same file is imported again', async () => {
    const store = new MemoryStore();
    await run(store, CSV);
    const upsert = jest.spyOn(store, 'upsertProducts');
    const again = await run(store, CSV);
    expect(again).toMatchObject({ written: 0, unchanged: 3, refused: 3 });
    expect(upsert).not.toHaveBeenCalled();
  });

  it('rewrites only the products whose row changed', async () => {
    const store = new MemoryStore();
    await run(store, CSV);
    const changed = await run(store, CSV.replace('p2,"Chair, oak",furniture,120,false,', 'p2,"Chair, oak",furniture,99,true,'));
    expect(changed).toMatchObject({ written: 1, unchanged: 2 });
    expect((await store.getProducts(['p2']))[0]).toMatchObject({ price: 99, inStock: true });
    expect(await store.unavailableProducts()).toEqual(new Set());
  });

  it('writes in batches of the given size, one store round trip each', async () => {
    const store = new MemoryStore();
    const upsert = jest.spyOn(store, 'upsertProducts');
    const lines = ['id,name', ...Array.from({ length: 25 }, (_, i) => `p${i},Product ${i}`)];
    const result = await run(store, lines.join('\n'), { batchSize: 10 });
    expect(result.written).toBe(25);
    expect(upsert.mock.calls.map(([products]) => products.length)).toEqual([10, 10, 5]);
  });

  it('validates without a store and writes nothing in a dry run', async () => {
    const result = await run(null, CSV, { dryRun: true });
    expect(result).toMatchObject({ dryRun: true, rows: 6, valid: 3, written: 0, unchanged: 0, refused: 3 });
  });

  it('keeps only the first refusals in memory but counts them all', async () => {
    const lines = ['id,name', ...Array.from({ length: 20 }, (_, i) => `p${i},`)];
    const result = await run(null, lines.join('\n'), { dryRun: true, keepRefusals: 5 });
    expect(result.refused).toBe(20);
    expect(result.refusals.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('reports progress as rows are read', async () => {
    const seen: number[] = [];
    await run(new MemoryStore(), CSV, { onProgress: (p) => seen.push(p.rows) });
    expect(seen.at(-1)).toBe(6);
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });
});

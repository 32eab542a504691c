import { CatalogFormatError, formatOf, readRows, type CatalogFormat, type CatalogRow } from '../../../src/catalog';

async function rows(format: CatalogFormat, text: string): Promise<Omit<CatalogRow, 'bytes'>[]> {
  const out: Omit<CatalogRow, 'bytes'>[] = [];
  for await (const { bytes: _bytes, ...r } of readRows(format, [Buffer.from(text)])) out.push(r);
  return out;
}

describe('catalogue rows from CSV', () => {
  it('maps columns by header name in any order and case, typing price and inStock', async () => {
    const out = await rows('csv', 'NAME,id,InStock,price,category,imageUrl\nMug,p1,no,9.50,kitchen,/m.png\nCup,p2,,,,\n');
    expect(out).toEqual([
      { line: 2, error: null, fields: { name: 'Mug', id: 'p1', inStock: false, price: 9.5, category: 'kitchen', imageUrl: '/m.png' } },
      { line: 3, error: null, fields: { name: 'Cup', id: 'p2', inStock: undefined, price: undefined, category: undefined, imageUrl: undefined } },
    ]);
  });

  it('passes values that are not a number or a boolean on as text, for validation to refuse', async () => {
    const [row] = await rows('csv', 'id,name,price,inStock\np1,Mug,cheap,maybe\n');
    expect(row!.fields).toMatchObject({ price: 'cheap', inStock: 'maybe' });
  });

  it('refuses a row whose field count differs from the header', async () => {
    const out = await rows('csv', 'id,name\np1,a,b\np2,ok\n');
    expect(out[0]).toEqual({ line: 2, fields: null, error: '3 fields where the header has 2 (quote fields that contain commas)' });
    expect(out[1]!.fields).toEqual({ id: 'p2', name: 'ok' });
  });

  it('stops on a header with an unknown or missing column, naming the expected ones', async () => {
    await expect(rows('csv', 'id,name,colour\n')).rejects.toThrow(
      'line 1: unknown column "colour" in the header; expected id,name,category,price,inStock,imageUrl',
    );
    await expect(rows('csv', 'id,price\n')).rejects.toThrow('the header has no "name" column');
    await expect(rows('csv', 'id,name,ID\n')).rejects.toThrow('column "id" appears twice');
    await expect(rows('csv', '')).rejects.toBeInstanceOf(CatalogFormatError);
  });
});

describe('catalogue rows from JSON Lines', () => {
  it('reads one object per line, skipping blank lines and keeping line numbers', async () => {
    const out = await rows('jsonl', '{"id":"p1","name":"Mug","price":2}\r\n\n{"id":"p2","name":"Cup","inStock":false}');
    expect(out).toEqual([
      { line: 1, error: null, fields: { id: 'p1', name: 'Mug', price: 2 } },
      { line: 3, error: null, fields: { id: 'p2', name: 'Cup', inStock: false } },
    ]);
  });

  it('refuses lines that are not JSON objects or carry unknown keys', async () => {
    const out = await rows('jsonl', '{"id":"p1",\n[1]\n{"id":"p3","name":"x","instock":false}\n');
    expect(out.map((r) => [r.line, r.fields, r.error])).toEqual([
      [1, null, expect.stringMatching(/^not valid JSON/)],
      [2, null, expect.stringMatching(/^expected a JSON object/)],
      [3, null, 'unknown key "instock"; expected id, name, category, price, inStock, imageUrl'],
    ]);
  });
});

describe('the file format', () => {
  it('comes from the file name', () => {
    expect([formatOf('a.csv'), formatOf('B.CSV'), formatOf('a.jsonl'), formatOf('a.ndjson'), formatOf('a.json')]).toEqual([
      'csv',
      'csv',
      'jsonl',
      'jsonl',
      null,
    ]);
  });
});

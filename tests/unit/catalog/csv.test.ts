import { CatalogFormatError, readCsv, type CsvRecord } from '../../../src/catalog';

async function records(text: string | Buffer, chunkSize = Infinity): Promise<Omit<CsvRecord, 'bytes'>[]> {
  const buffer = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += Math.min(chunkSize, buffer.length)) chunks.push(buffer.subarray(i, i + chunkSize));
  const out: Omit<CsvRecord, 'bytes'>[] = [];
  for await (const { bytes: _bytes, ...r } of readCsv(chunks)) out.push(r);
  return out;
}

describe('the CSV reader', () => {
  it('reads plain records with the line each starts on', async () => {
    expect(await records('a,b\n1,2\n')).toEqual([
      { line: 1, values: ['a', 'b'], error: null },
      { line: 2, values: ['1', '2'], error: null },
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', async () => {
    const out = await records('id,name\np1,"Chair, oak"\np2,"Lamp ""Nova"""\np3,"two\nlines"\np4,x\n');
    expect(out.map((r) => [r.line, r.values])).toEqual([
      [1, ['id', 'name']],
      [2, ['p1', 'Chair, oak']],
      [3, ['p2', 'Lamp "Nova"']],
      [4, ['p3', 'two\nlines']],
      [6, ['p4', 'x']],
    ]);
  });

  it('reads CRLF files, a byte-order mark and a last record without a line break', async () => {
    expect((await records('\uFEFFid,name\r\np1,"a\r\nb"\r\np2,c')).map((r) => r.values)).toEqual([
      ['id', 'name'],
      ['p1', 'a\r\nb'],
      ['p2', 'c'],
    ]);
  });

  it('gives the same records whatever the chunk boundaries, even inside a multi-byte character', async () => {
    const text = 'id,name\np1,"Tasse ""Café"", groß"\np2,日本\n';
    expect(await records(text, 1)).toEqual(await records(text));
    expect((await records(text, 1))[1]!.values).toEqual(['p1', 'Tasse "Café", groß']);
  });

  it('skips blank lines and keeps empty fields', async () => {
    expect((await records('a,b\n\n,\n1,\n')).map((r) => r.values)).toEqual([
      ['a', 'b'],
      ['', ''],
      ['1', ''],
    ]);
  });

  it('refuses a record with a stray quote and reads on at the next record', async () => {
    const out = await records('id,name\np1,ab"c\np2,"x"y\np3,ok\n');
    expect(out[1]).toEqual({ line: 2, values: expect.any(Array), error: expect.stringContaining('a quote inside unquoted field 2') });
    expect(out[2]).toEqual({ line: 3, values: expect.any(Array), error: expect.stringContaining('text after the closing quote of field 2') });
    expect(out[3]).toEqual({ line: 4, values: ['p3', 'ok'], error: null });
  });

  it('stops at a quote never closed, naming the line it opened on', async () => {
    await expect(records('id,name\np1,ok\np2,"never closed\np3,x\n')).rejects.toThrow(
      new CatalogFormatError(3, 'a quoted field is never closed before the end of the file'),
    );
  });

  it('stops at a runaway record instead of reading the whole file into one field', async () => {
    const source = [Buffer.from('id,name\np1,"' + 'x'.repeat(100))];
    const read = async () => {
      for await (const _ of readCsv(source, { maxRecordChars: 50 })) void _;
    };
    await expect(read()).rejects.toThrow(/line 2: a record longer than 50 characters/);
  });

  it('counts the bytes read so far, for the progress bar', async () => {
    const seen: number[] = [];
    for await (const r of readCsv([Buffer.from('a,b\n'), Buffer.from('1,2\n')])) seen.push(r.bytes);
    expect(seen).toEqual([4, 8]);
  });
});

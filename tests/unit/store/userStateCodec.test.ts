import { decodeUserState } from '../../../src/store/userStateCodec';

describe('a stored user state read back', () => {
  const good = { recent: [{ p: 'p1', t: 1 }], cart: ['p2'], purchased: [], cats: { shoes: 1.5 }, seen: ['e1'] };

  test('a well-formed state decodes as it was stored', () => {
    expect(decodeUserState(JSON.stringify(good))).toEqual({ state: good });
  });

  test.each([
    ['{"recent": [', /not JSON/],
    ['[]', /not a JSON object/],
    ['null', /not a JSON object/],
    [JSON.stringify({ ...good, recent: 'p1' }), /^recent:/],
    [JSON.stringify({ ...good, recent: [{ p: 'p1', t: 'yesterday' }] }), /^recent:/],
    [JSON.stringify({ ...good, cart: [1] }), /^cart:/],
    [JSON.stringify({ ...good, seen: undefined }), /^seen:/],
    [JSON.stringify({ ...good, cats: { shoes: 'a lot' } }), /^cats:/],
  ])('%s is corrupt, and the reason says which part', (raw, reason) => {
    const decoded = decodeUserState(raw);
    expect('corrupt' in decoded && decoded.corrupt).toMatch(reason);
  });
});

import { decodeRecent, decodeUserState, encodeRecent, encodeUserState } from '../../../src/store/userStateCodec';
import type { UserState } from '../../../src/recommend';

describe('a stored user state read back', () => {
  const good = { recent: [{ p: 'p1', t: 1 }], cart: ['p2'], purchased: [], cats: { shoes: 1.5 }, seen: ['e1'] };
  const full: UserState = {
    recent: [
      { p: 'p9', t: 1_796_000_000_123 },
      { p: 'shop:p/1', t: 1_795_999_999_001 },
    ],
    cart: ['p9', 'p3'],
    purchased: ['p4'],
    cats: { 'Home & Garden': 0.125, 'line\nbreak "quoted"': 3e-9, shoes: 12.75 },
    catsFrame: { epoch: 1_247_222, halfLifeHours: 0.5 },
    seen: ['e1', '7f1c2a40-0001', 'e3'],
  };

  test('a well-formed state decodes as it was stored', () => {
    expect(decodeUserState(JSON.stringify(good))).toEqual({ state: good });
  });

  test('a state written as JSON by the code before the packed encoding still decodes, frame included', () => {
    expect(decodeUserState(JSON.stringify(full))).toEqual({ state: full });
  });

  test('the packed encoding gives back exactly what was encoded, and is shorter than JSON', () => {
    const packed = encodeUserState(full);
    expect(packed.startsWith('u2\n')).toBe(true);
    expect(decodeUserState(packed)).toEqual({ state: full });
    expect(packed.length).toBeLessThan(JSON.stringify(full).length);
  });

  test('an empty state and one without a decay frame round-trip', () => {
    const empty: UserState = { recent: [], cart: [], purchased: [], cats: {}, seen: [] };
    expect(decodeUserState(encodeUserState(empty))).toEqual({ state: empty });
    expect(decodeUserState(encodeUserState(good))).toEqual({ state: good });
  });

  test('the last line is the newest seen id (the stamp SAVE_USERS reads without decoding)', () => {
    expect(encodeUserState(full).split('\n').pop()!.split(' ').pop()).toBe('e3');
  });

  test.each([
    ['a space in an event id', { ...full, seen: ['e 1'] }],
    ['a line break in a product id', { ...full, cart: ['p\n2'] }],
    ['a time that is not a whole number', { ...full, recent: [{ p: 'p1', t: 1.5 }] }],
  ])('a state with %s is written as JSON instead, and decodes', (_, state) => {
    const written = encodeUserState(state);
    expect(written.startsWith('{')).toBe(true);
    expect(decodeUserState(written)).toEqual({ state });
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
    ['u2\n\np1 1\np2\n\n{}', /expected 7 lines, got 6/],
    ['u2\n\np1\np2\n\n{}\ne1', /^recent:/],
    ['u2\n\np1 !!\np2\n\n{}\ne1', /^recent:/],
    ['u2\n\np1 1\np2\n\n{"shoes":"x"}\ne1', /^cats:/],
    ['u2\n\np1 1\np2\n\n{shoes\ne1', /^cats: not JSON/],
    ['u2\nsoon\np1 1\np2\n\n{}\ne1', /^catsFrame:/],
  ])('%j is corrupt, and the reason says which part', (raw, reason) => {
    const decoded = decodeUserState(raw);
    expect('corrupt' in decoded && decoded.corrupt).toMatch(reason);
  });
});

describe("a user's recent items for neighbour lookups", () => {
  const recent = [
    { p: 'p1', t: 1_796_000_000_123 },
    { p: 'p2', t: 5 },
    { p: 'p3', t: 4 },
  ];

  test('keep the latest `limit` items, packed, and read back as they were', () => {
    const packed = encodeRecent(recent, 2);
    expect(packed.startsWith('r2\n')).toBe(true);
    expect(decodeRecent(packed)).toEqual(recent.slice(0, 2));
    expect(decodeRecent(encodeRecent([], 10))).toEqual([]);
  });

  test('the JSON array written before still reads', () => {
    expect(decodeRecent(JSON.stringify(recent))).toEqual(recent);
  });

  test.each(['not json', '[{"p":1}]', 'r2\np1', 'r2\np1 zz!'])('%j is not a list of recent items', (raw) => {
    expect(decodeRecent(raw)).toBeNull();
  });
});

import { changedItems, formatPrice, pickUser, reasonLabel, shortId, REASON_LABELS } from '../../../src/demo/page';
import { wsUrlOf } from '../../../client/src';

const list = (...pairs: string[]) => pairs.map((p) => ({ productId: p.split(':')[0]!, reason: p.split(':')[1]! }));

describe('the storefront page helpers', () => {
  it('highlight nothing in the first list a page receives', () => {
    expect(changedItems(null, list('a:TRENDING', 'b:TRENDING'))).toEqual(new Set());
  });

  it('highlight items that are new, there for another reason, or climbed', () => {
    const before = list('a:TRENDING', 'b:TRENDING', 'c:ALSO_VIEWED');
    const after = list('c:ALSO_VIEWED', 'a:ALSO_VIEWED', 'd:TRENDING', 'b:TRENDING');
    expect(changedItems(before, after)).toEqual(new Set(['c', 'a', 'd']));
  });

  it('highlight nothing when the list is the same, or only lost items', () => {
    const before = list('a:TRENDING', 'b:TRENDING');
    expect(changedItems(before, before)).toEqual(new Set());
    expect(changedItems(before, list('a:TRENDING'))).toEqual(new Set());
  });

  it('treat an item that moved up because the one above left as climbed', () => {
    expect(changedItems(list('a:TRENDING', 'b:TRENDING'), list('b:TRENDING'))).toEqual(new Set(['b']));
  });

  it('word every recommendation reason, and show an unknown one as sent', () => {
    for (const reason of Object.keys(REASON_LABELS)) expect(reasonLabel(reason)).not.toBe(reason);
    expect(reasonLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });

  it('format prices in euros, and nothing for a missing price', () => {
    expect(formatPrice(24.9)).toBe('€24.90');
    expect(formatPrice(null)).toBe('');
    expect(formatPrice(Number.NaN)).toBe('');
  });

  it('make prefixed ids that differ between calls', () => {
    const a = shortId('order');
    expect(a).toMatch(/^order-[0-9a-z]+$/);
    expect(shortId('order')).not.toBe(a);
  });

  it('derive the websocket URL from the HTTP endpoint, keeping host and path', () => {
    expect(wsUrlOf('http://127.0.0.1:4000/graphql')).toBe('ws://127.0.0.1:4000/graphql');
    expect(wsUrlOf('https://shop.example/graphql')).toBe('wss://shop.example/graphql');
  });

  it('take the user from ?user= when it is a valid id, else the first choice', () => {
    expect(pickUser('?user=demo-grace', ['demo-ada', 'demo-grace'])).toBe('demo-grace');
    expect(pickUser('?user=543462', ['demo-ada'])).toBe('543462');
    expect(pickUser('?user=has%20space', ['demo-ada'])).toBe('demo-ada');
    expect(pickUser('', ['demo-ada'])).toBe('demo-ada');
  });
});

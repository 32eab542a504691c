import { GraphQLError, parse } from 'graphql';
import { DocumentCache } from '../../../src/server/security/documentCache';

describe('the websocket document cache', () => {
  test('subscriptions with the same text share one parsed document', () => {
    const cache = new DocumentCache();
    const text = 'subscription($u: ID!) { recommendationsUpdated(userId: $u) { version } }';
    cache.set(text, parse(text));
    expect(cache.get(text)).toBe(cache.get(text));
  });

  test('it stays bounded, dropping the oldest text first', () => {
    const cache = new DocumentCache(2);
    for (const n of [1, 2, 3]) cache.set(`{ a${n} }`, parse(`{ a${n} }`));
    expect(cache.size).toBe(2);
    expect(cache.get('{ a1 }')).toBeUndefined();
    expect(cache.get('{ a3 }')).toBeDefined();
  });

  test('a refused text keeps its errors, so sending it again is a lookup; texts over 16 KB are not held', () => {
    const cache = new DocumentCache();
    const errors = [new GraphQLError('a selection set has 400 fields')];
    cache.set('{ refused }', errors);
    expect(cache.get('{ refused }')).toBe(errors);
    const padded = `{ a } #${'p'.repeat(16 * 1024)}`;
    cache.set(padded, parse('{ a }'));
    expect(cache.get(padded)).toBeUndefined();
  });
});

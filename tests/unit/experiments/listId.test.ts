import { checkFromRecommendation, decodeListId, encodeListId } from '../../../src/events/listId';
import { listRefOf } from '../../../src/experiments/listRef';
import { InvalidInputError } from '../../../src/errors';

describe('listId', () => {
  test('round-trips a list version, experiment, arm and strategy', () => {
    const ref = { version: 1_764_460_000_123, experiment: 'spring-test', arm: 'B', strategy: 'trending' as const };
    expect(decodeListId(encodeListId(ref), 'f')).toEqual(ref);
  });

  test('counts a list outside any experiment as experiment and arm "none"', () => {
    expect(listRefOf({ version: 3, arm: null, strategy: 'personalized' }, null)).toEqual({
      version: 3,
      experiment: 'none',
      arm: 'none',
      strategy: 'personalized',
    });
  });

  test.each([
    ['not base64', 'not a list!'],
    ['not JSON', Buffer.from('{oops').toString('base64url')],
    ['a wrong shape', Buffer.from(JSON.stringify([1, 'e'])).toString('base64url')],
    ['an unknown strategy', Buffer.from(JSON.stringify([1, 'e', 'A', 'magic'])).toString('base64url')],
    ['a negative version', Buffer.from(JSON.stringify([-1, 'e', 'A', 'trending'])).toString('base64url')],
    ['a stray character', `${encodeListId({ version: 1, experiment: 'e', arm: 'A', strategy: 'trending' })}x`],
  ])('refuses %s, naming the field', (_, listId) => {
    expect(() => decodeListId(listId, 'input.fromRecommendation.listId')).toThrow(InvalidInputError);
    expect(() => decodeListId(listId, 'input.fromRecommendation.listId')).toThrow(/^input\.fromRecommendation\.listId: not a listId/);
  });

  test('checks the position: a whole number from 0 to 99', () => {
    const listId = encodeListId({ version: 1, experiment: 'e', arm: 'A', strategy: 'trending' });
    expect(checkFromRecommendation({ listId, position: 0 }, 'input')).toEqual({ listId, position: 0 });
    expect(checkFromRecommendation(null, 'input')).toBeNull();
    for (const position of [-1, 100, 1.5, '2']) {
      expect(() => checkFromRecommendation({ listId, position }, 'input[3]')).toThrow(/^input\[3\]\.fromRecommendation\.position: /);
    }
  });
});

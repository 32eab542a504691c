// jest collects every *.test.ts; helpers.ts is not a test. This keeps the helper honest.
import { Pop } from '../../../src/eval/methods/pop';
import { context, teach } from './helpers';

it('teaches sessions in order, one event a minute', () => {
  const events = teach(new Pop(), [['a', 'b'], ['c']]);
  expect(events.map((e) => [e.sessionId, e.itemId, e.ts])).toEqual([
    ['s0', 'a', 0],
    ['s0', 'b', 60_000],
    ['s1', 'c', 120_000],
  ]);
  expect(context(['a']).items).toEqual(['a']);
});

// The command-line checks of `eval --served` and `train`: every mistake named before anything runs.
import { parseCliArgs, SERVED_OFFLINE_METHOD, UsageError } from '../../../src/eval/cli';
import { parseTrainArgs } from '../../../src/eval/train/cli';

const DATA = ['--dataset', 'x.csv'];

describe('eval --served options', () => {
  test('default to the local gateway, waiting for scoring, batches of 500 and the live strategy offline', () => {
    const o = parseCliArgs(['--served', ...DATA], undefined, 'http://127.0.0.1:4123/graphql');
    if (o === 'help') throw new Error('help');
    expect(o.served).toEqual({ url: new URL('http://127.0.0.1:4123/graphql'), speed: null, batchSize: 500 });
    expect(o.methods.map((m) => m.text)).toEqual([SERVED_OFFLINE_METHOD]);
    expect(parseCliArgs(['--served', ...DATA, '--limit', '3000', '--speed', '1000'])).toMatchObject({ limitEvents: 3000, served: { speed: 1000 } });
  });

  test.each([
    [['--url', 'http://127.0.0.1:4000/graphql'], '--url belongs to --served'],
    [['--served', '--url', 'http://example.com/graphql'], 'only loopback gateways'],
    [['--served', '--batch', '501'], '--batch must be at most 500'],
    [['--served', '--speed', '0'], '--speed must be a positive number'],
    [['--served', '--protocol', 'session-rec'], 'the stream protocol'],
    [['--served', '--methods', 'ours,vstan'], 'one offline method'],
    [['--served', '--limit', '5', '--limit-events', '5'], 'give one'],
    [['--served', '--paired', 'ours', 'vstan'], 'leave out --paired'],
  ])('%j is refused: %s', (args, message) => {
    expect(() => parseCliArgs([...DATA, ...args])).toThrow(UsageError);
    expect(() => parseCliArgs([...DATA, ...args])).toThrow(message);
  });
});

describe('train options', () => {
  test('defaults: top-20 loss, 30 epochs, seed 42, the model named after it', () => {
    expect(parseTrainArgs([...DATA, '--out', 'm.json'])).toMatchObject({
      loss: 'top20',
      epochs: 30,
      seed: 42,
      name: 'blend-42',
      mrrShare: 0.1,
      exampleDays: 1,
    });
  });

  test.each([
    [[...DATA], '--out <file> is required'],
    [['--out', 'm.json'], '--dataset <path> is required'],
    [[...DATA, '--out', 'm.json', '--loss', 'hinge'], '--loss must be top20 or softmax'],
    [[...DATA, '--out', 'm.json', '--epochs', '2.5'], '--epochs must be a positive integer'],
    [[...DATA, '--out', 'm.json', '--name', 'a b'], '--name'],
  ])('%j is refused: %s', (args, message) => {
    expect(() => parseTrainArgs(args)).toThrow(message);
  });
});

import { parseSimulateArgs, UsageError } from '../../../src/demo/simulate/args';

describe('npm run simulate -- --experiment', () => {
  test('runs 2000 shoppers by default, an A/B test unless --aa', () => {
    expect(parseSimulateArgs(['--experiment'])).toMatchObject({ experiment: true, aa: false, users: 2_000 });
    expect(parseSimulateArgs(['--experiment', '--aa', '--users', '500'])).toMatchObject({ experiment: true, aa: true, users: 500 });
    expect(parseSimulateArgs([])).toMatchObject({ experiment: false, users: 20 });
  });

  test('refuses --aa without --experiment, and --experiment with --replay', () => {
    expect(() => parseSimulateArgs(['--aa'])).toThrow(new UsageError('--aa applies only with --experiment'));
    expect(() => parseSimulateArgs(['--experiment', '--replay', 'x.csv'])).toThrow(/--experiment and --replay exclude each other/);
  });
});

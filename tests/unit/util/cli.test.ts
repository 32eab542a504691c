// One definition per command line: the parser and the --help text both come from it.
import { CliUsageError, helpText, parseCli, type CliDefinition } from '../../../src/util/cli';

const CLI: CliDefinition = {
  usage: 'usage: demo [options]',
  options: {
    users: { type: 'string', value: 'N', description: 'how many\nat most 10' },
    quiet: { type: 'boolean', description: 'no output' },
    help: { type: 'boolean', short: 'h', description: 'this text' },
  },
  footer: 'exit 2 on bad usage',
};

describe('command lines from one definition', () => {
  it('writes --help with every option, its value name and each description line aligned', () => {
    expect(helpText(CLI).split('\n')).toEqual([
      'usage: demo [options]',
      '',
      '  --users N    how many',
      '               at most 10',
      '  --quiet      no output',
      '  -h, --help   this text',
      '',
      'exit 2 on bad usage',
    ]);
  });

  it('parses the options it defines, in both --name value and --name=value forms, and short names', () => {
    expect(parseCli(['--users', '3', '--quiet'], CLI).values).toEqual({ users: '3', quiet: true });
    expect(parseCli(['--users=4', '-h'], CLI).values).toEqual({ users: '4', help: true });
  });

  it('names the option in its refusals: unknown, missing value, stray positional', () => {
    const refusal = (argv: string[]) => {
      try {
        parseCli(argv, CLI);
      } catch (err) {
        return err instanceof CliUsageError ? [err.kind, err.option, err.message] : ['not a usage error', String(err)];
      }
      return ['accepted'];
    };
    expect(refusal(['--user', '3'])).toEqual(['unknown', '--user', 'unknown option "--user"']);
    expect(refusal(['--users'])).toEqual(['missing value', '--users', '--users needs a value']);
    expect(refusal(['extra'])).toEqual(['unexpected', 'extra', 'unexpected argument "extra"']);
  });
});

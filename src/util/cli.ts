// One definition per command line: node's util.parseArgs reads it, and the same definition
// (each option's value name and description) writes the --help text, so the two cannot drift.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's name in the help text, e.g. `N` for `--users N`. */
  value?: string;
  /** Help text; continuation lines are indented under the first. */
  description: string;
}

export type CliOptions = Record<string, CliOption>;

export interface CliDefinition {
  /** The first line(s) of --help, e.g. `Usage: npm run simulate -- [options]`. */
  usage: string;
  options: CliOptions;
  /** Text after the option list (examples, environment, exit codes). */
  footer?: string;
  /** Width of the option column (default: the longest option + 2). */
  column?: number;
}

/** The --help text of a command, built from its definition. */
export function helpText({ usage, options, footer, column }: CliDefinition): string {
  const heads = Object.entries(options).map(([name, o]) => `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`);
  const width = column ?? Math.max(...heads.map((h) => h.length)) + 2;
  const lines = Object.values(options).flatMap((o, i) => {
    const [first = '', ...rest] = o.description.split('\n');
    return [`  ${heads[i]!.padEnd(width)} ${first}`.trimEnd(), ...rest.map((line) => `  ${' '.repeat(width)} ${line}`)];
  });
  return [usage, '', ...lines, ...(footer ? ['', footer] : [])].join('\n');
}

/** A command line that does not fit the definition; `option` names the offending option. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  constructor(
    readonly kind: 'unknown' | 'missing value' | 'unexpected',
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** node's parseArgs errors, reworded to name the option the way our commands always have. */
function reword(err: unknown): Error {
  const { code, message } = err as { code?: string; message: string };
  const quoted = /'([^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new CliUsageError('unknown', quoted, `unknown option "${quoted}"`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && / argument missing$/.test(message)) {
    return new CliUsageError('missing value', quoted, `${quoted} needs a value`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new CliUsageError('unexpected', quoted, `unexpected argument "${quoted}"`);
  return err instanceof Error ? new CliUsageError('unexpected', quoted, message) : new Error(String(err));
}

/** util.parseArgs over the definition (strict: an unknown option or a missing value throws CliUsageError). */
export function parseCli<P extends boolean = false>(argv: readonly string[], definition: CliDefinition, allowPositionals?: P) {
  const options = Object.fromEntries(
    Object.entries(definition.options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  ) as Record<string, { type: 'string' | 'boolean'; short?: string }>;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: allowPositionals ?? false } satisfies ParseArgsConfig);
  } catch (err) {
    throw reword(err);
  }
  const { values, positionals } = parsed;
  return { values: values as Record<string, string | boolean | undefined>, positionals };
}

/** A string option's value (undefined when absent). */
export const stringValue = (values: Record<string, string | boolean | undefined>, name: string): string | undefined => {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
};

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, main, parseCliArgs, runEval, type CliIo } from '../../../src/eval/cli';
import { METHODS, createMethod, findMethod } from '../../../src/eval/methods';
import { parseMethodList, parseMethodSpec } from '../../../src/eval/methods/options';
import type { MethodDefinition } from '../../../src/eval/types';

describe('method specs', () => {
  it('read session-rec style options into camelCase keys with numbers and booleans', () => {
    expect(parseMethodSpec('vsknn:k=500:sample_size=5000:weighting_score=div:remind=false')).toEqual({
      key: 'vsknn',
      options: { k: 500, sampleSize: 5000, weightingScore: 'div', remind: false },
      text: 'vsknn:k=500:sample_size=5000:weighting_score=div:remind=false',
    });
    expect(parseMethodList('pop, sr:steps=3,').map((m) => m.key)).toEqual(['pop', 'sr']);
  });

  it('refuse unknown methods, unknown options and options of the wrong kind, naming what is accepted', () => {
    expect(() => findMethod('gru4rec')).toThrow(/unknown method "gru4rec"; known: pop, trending/);
    expect(() => createMethod(parseMethodSpec('sknn:neighbours=5'))).toThrow(/unknown option "neighbours"; accepted: k, sampleSize, similarity/);
    expect(() => createMethod(parseMethodSpec('sknn:k=many'))).toThrow(/option "k" must be a number/);
    expect(() => createMethod(parseMethodSpec('sknn:similarity=euclid'))).toThrow(/unknown similarity/);
  });

  it('build a fresh instance every time', () => {
    const spec = parseMethodSpec('pop');
    expect(createMethod(spec)).not.toBe(createMethod(spec));
  });
});

describe('command-line arguments', () => {
  it('default to K=20, every registered method, and the format\'s own protocol', () => {
    const o = parseCliArgs(['--dataset', 'x.txt']);
    expect(o).toMatchObject({ dataset: 'x.txt', k: 20, protocol: null, format: null, json: false, testDays: 1, testFraction: 0.2 });
    expect(o !== 'help' && o.methods.map((m) => m.key)).toEqual(METHODS.map((m) => m.key));
  });

  it('reject what they cannot use, with a usage error', () => {
    expect(() => parseCliArgs([])).toThrow(UsageError);
    expect(() => parseCliArgs(['--dataset', 'x', '--k', '0'])).toThrow(/--k must be a positive integer/);
    expect(() => parseCliArgs(['--dataset', 'x', '--format', 'csv'])).toThrow(/--format must be one of/);
    expect(() => parseCliArgs(['--dataset', 'x', '--protocol', 'batch'])).toThrow(/--protocol/);
    expect(() => parseCliArgs(['--dataset', 'x', '--methods', 'nope'])).toThrow(/unknown method/);
    expect(() => parseCliArgs(['--dataset', 'x', '--bogus'])).toThrow(UsageError);
  });
});

describe('a whole run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function capture(): CliIo & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (t) => out.push(t), stderr: { write: (t: string) => err.push(t), isTTY: false } };
  }

  /** 60 synthetic sessions over 3 days in session-rec's format: a -> b -> c mostly. */
  function writeSessionRec(): string {
    const lines = ['SessionId\tItemId\tTime'];
    for (let s = 0; s < 60; s++) {
      const t0 = 1_400_000_000 + s * 4000;
      const items = s % 3 === 0 ? ['a', 'b', 'c'] : s % 3 === 1 ? ['a', 'b', 'd'] : ['x', 'y'];
      items.forEach((item, i) => lines.push(`${s}\t${item}\t${t0 + i * 30}`));
    }
    lines.push('garbage line');
    const path = join(dir, 'tiny_train_full.txt');
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('detects the format, runs the session-rec protocol and prints JSON with per-method results', async () => {
    const path = writeSessionRec();
    const io = capture();
    const plot = join(dir, 'hr.svg');
    const opts = parseCliArgs(['--dataset', path, '--methods', 'pop,sr,sknn', '--k', '5', '--json', '--plot', plot]);
    if (opts === 'help') throw new Error('unexpected');
    await runEval(opts, io);
    const report = JSON.parse(io.out.join(''));
    expect(report.format).toBe('session-rec');
    expect(report.protocol).toBe('session-rec');
    expect(report.parse.badByReason).toEqual({ 'too few columns': 1 });
    expect(report.results.map((r: { method: string }) => r.method)).toEqual(['pop', 'sr', 'sknn']);
    const sr = report.results[1];
    expect(sr.predicted).toBe(report.split.predictions);
    expect(sr.metrics.hrCurve).toHaveLength(5);
    // After a only b follows, after x only y: SR finds every next item at rank 1 or 2.
    expect(sr.metrics.hr).toBe(1);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('sknn');
  });

  it('runs the stream protocol on formats without session ids and prints a table', async () => {
    const path = join(dir, 'UserBehavior.csv');
    const rows: string[] = [];
    for (let u = 0; u < 40; u++) {
      const t = 1_511_658_000 + u * 60;
      rows.push(`${u},100,1,pv,${t}`, `${u},200,1,pv,${t + 10}`, `${u},300,1,buy,${t + 20}`);
    }
    writeFileSync(path, `${rows.join('\n')}\n`);
    const io = capture();
    const code = await main(['--dataset', path, '--methods', 'ar,trending', '--quiet'], io);
    expect(code).toBe(0);
    const text = io.out.join('');
    expect(text).toMatch(/protocol stream/);
    expect(text).toMatch(/^ar\s+1\.0000/m);
    expect(text).toMatch(/95% CI/);
  });

  it('exits with 2 and the usage text on a usage error, and 0 on --help', async () => {
    const io = capture();
    expect(await main(['--k', '3'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/--dataset <path> is required[\s\S]*Usage:/);
    const help = capture();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out.join('')).toMatch(/Methods: pop, trending, ar, sr, sknn, vsknn, stan, vstan/);
  });

  it('runs a method registered in a custom registry, as "ours" will be', async () => {
    const path = writeSessionRec();
    const constant: MethodDefinition = {
      key: 'always-b',
      description: 'test method',
      inDefaultRun: true,
      create: () => ({ name: 'always-b', learn: () => undefined, recommend: () => ['b'] }),
    };
    const registry = [...METHODS, constant];
    const opts = parseCliArgs(['--dataset', path, '--methods', 'always-b', '--quiet'], registry);
    if (opts === 'help') throw new Error('unexpected');
    const report = await runEval(opts, capture(), registry);
    expect(report.results[0]!.name).toBe('always-b');
    expect(report.results[0]!.metrics.hr).toBeGreaterThan(0);
  });
});

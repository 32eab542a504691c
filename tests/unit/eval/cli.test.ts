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
  it("default to K=20, every registered method, and the format's own protocol", () => {
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

  it('read --paired A B as the two methods to run and compare, and refuse it half-given or mixed with --methods', () => {
    const o = parseCliArgs(['--dataset', 'x', '--paired', 'ours:sample=500', 'vstan', '--k', '10']);
    expect(o !== 'help' && [o.paired, o.methods.map((m) => m.text), o.k]).toEqual([true, ['ours:sample=500', 'vstan'], 10]);
    const eq = parseCliArgs(['--paired=pop', 'sr', '--dataset', 'x']);
    expect(eq !== 'help' && eq.methods.map((m) => m.key)).toEqual(['pop', 'sr']);
    expect(parseCliArgs(['--dataset', 'x'])).toMatchObject({ paired: false });
    expect(() => parseCliArgs(['--dataset', 'x', '--paired', 'pop'])).toThrow(/--paired needs two methods, e\.g\. --paired ours vstan \(got only "pop"\)/);
    expect(() => parseCliArgs(['--dataset', 'x', '--paired', 'pop', '--json', 'sr'])).toThrow(/unexpected argument "sr"/);
    expect(() => parseCliArgs(['--dataset', 'x', '--paired', 'pop', 'sr', 'ar'])).toThrow(/unexpected argument "ar"/);
    expect(() => parseCliArgs(['--dataset', 'x', 'sr'])).toThrow(/unexpected argument "sr"/);
    expect(() => parseCliArgs(['--dataset', 'x', '--paired', 'pop', 'gru4rec'])).toThrow(/unknown method "gru4rec"/);
    expect(() => parseCliArgs(['--dataset', 'x', '--paired', 'pop', 'sr', '--methods', 'ar'])).toThrow(
      /--paired names the two methods to run; leave out --methods/,
    );
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

  it('compares two methods paired: both figures, A − B and its interval, in JSON and in the table', async () => {
    const path = writeSessionRec();
    const opts = parseCliArgs(['--dataset', path, '--paired', 'sr', 'pop', '--k', '5', '--json']);
    if (opts === 'help') throw new Error('unexpected');
    const io = capture();
    const report = await runEval(opts, io);
    expect(JSON.parse(io.out.join(''))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report.results.map((r) => r.method)).toEqual(['sr', 'pop']);
    const [sr, pop] = report.results.map((r) => r.metrics);
    const p = report.paired!;
    expect(p).toMatchObject({ a: 'sr', b: 'pop', k: 5, predictions: report.split.predictions, resamples: 1000, seed: 42 });
    expect(p.rows.map((r) => r.metric)).toEqual(['HR@5', 'MRR@5']);
    expect(p.rows[0]!.a).toBeCloseTo(sr!.hr, 12);
    expect(p.rows[0]!.b).toBeCloseTo(pop!.hr, 12);
    expect(p.rows[1]!.difference).toBeCloseTo(sr!.mrr - pop!.mrr, 12);
    for (const r of p.rows) expect(r.ci.low).toBeLessThanOrEqual(r.difference);
    // The progress bar runs over both methods.
    expect(io.err.join('')).toMatch(/100\.0% .* pop/);
    const table = capture();
    expect(await main(['--dataset', path, '--paired', 'sr', 'pop', '--k', '5', '--quiet'], table)).toBe(0);
    expect(table.out.join('')).toMatch(/^paired: A = sr, B = pop;[\s\S]*^HR@5 .*\[[+−]\d\.\d{4}, [+−]\d\.\d{4}\] +(yes|no)$/m);
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

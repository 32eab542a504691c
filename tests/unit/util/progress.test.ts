import { bar, ProgressLine } from '../../../src/util/progress';
import { Progress } from '../../../src/eval/report/progress';

describe('the shared progress line', () => {
  it('logs a plain line each further tenth of a known total, and every 5 s of an unknown one', () => {
    let now = 0;
    const lines: string[] = [];
    const known = new ProgressLine({ write: (t: string) => lines.push(t) }, () => now);
    for (let i = 0; i <= 100; i++) known.update(i / 100, () => `at ${i}`);
    expect(lines).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((i) => `at ${i}\n`));

    const unknown: string[] = [];
    const open = new ProgressLine({ write: (t: string) => unknown.push(t) }, () => now);
    for (now = 0; now <= 12_000; now += 1000) open.update(null, () => `t=${now}`);
    expect(unknown).toEqual(['t=0\n', 't=5000\n', 't=10000\n']);
  });

  it('draws nothing without a sink, and fills the bar by the fraction done', () => {
    expect(() => new ProgressLine(null).update(0.5, () => 'x')).not.toThrow();
    expect(bar(0.5, 10)).toBe('[#####-----]');
    expect(bar(2, 4)).toBe('[####]');
  });

  it("is the evaluation's bar too: events done of the total, ending its terminal line with a break", () => {
    let now = 0;
    const out: string[] = [];
    const progress = new Progress(2048, { write: (t: string) => out.push(t), isTTY: true }, () => now);
    now = 1000;
    progress.tick(1024);
    progress.finish();
    expect(out[0]).toMatch(/^\r\[#{12}-{12}\] {2}50\.0% 1024\/2048 events {2}1024\/s {2}ETA 1\.0s/);
    expect(out.at(-1)).toMatch(/^\r.* 50\.0% 1024\/2048 events.*\n$/);
  });
});

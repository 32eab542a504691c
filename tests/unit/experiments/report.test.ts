import { buildReport } from '../../../src/experiments/report';
import { renderExperimentPage } from '../../../src/experiments/page';
import { formatReport } from '../../../src/experiments/reportTable';

function totals(arms: Record<string, { shoppers: number; clickers: number; buyers: number }>) {
  const counts = new Map<string, number>();
  const series = new Map<string, number>();
  for (const [arm, f] of Object.entries(arms)) {
    counts.set(`${arm}|personalized|lists`, f.shoppers);
    counts.set(`${arm}|personalized|items`, f.shoppers * 10);
    counts.set(`${arm}|personalized|clicks`, f.clickers);
    counts.set(`${arm}|personalized|purchases`, f.buyers);
    counts.set(`${arm}|personalized|revenueCents`, f.buyers * 1999);
    for (const m of ['shoppers', 'clickers', 'buyers'] as const) {
      counts.set(`${arm}|*|${m}`, f[m]);
      series.set(`1000|${arm}|${m}`, Math.floor(f[m] / 2));
      series.set(`2000|${arm}|${m}`, f[m] - Math.floor(f[m] / 2));
    }
  }
  return { counts, series };
}

describe('the experiment report', () => {
  test('names the arm that beats the control on conversion', () => {
    const report = buildReport(
      'e',
      totals({ control: { shoppers: 5000, clickers: 1500, buyers: 150 }, better: { shoppers: 5000, clickers: 1800, buyers: 400 } }),
      ['control', 'better'],
    );
    expect(report.arms.map((a) => a.arm)).toEqual(['control', 'better']);
    expect(report.winner).toBe('better');
    expect(report.verdict).toBe('better beats control on conversion (+5.0 points)');
    expect(report.arms[1]!.revenue).toBeCloseTo(400 * 19.99, 2);
  });

  test('names the control when it beats the other arm', () => {
    const report = buildReport('e', totals({ A: { shoppers: 5000, clickers: 1500, buyers: 400 }, B: { shoppers: 5000, clickers: 1500, buyers: 150 } }), [
      'A',
      'B',
    ]);
    expect(report.winner).toBe('A');
    expect(report.verdict).toMatch(/^A beats B on conversion/);
  });

  test('says how many more shoppers a small difference needs, and names no winner', () => {
    const report = buildReport('e', totals({ A: { shoppers: 500, clickers: 150, buyers: 20 }, B: { shoppers: 500, clickers: 160, buyers: 26 } }), ['A', 'B']);
    expect(report.winner).toBeNull();
    expect(report.verdict).toMatch(/^B vs A: no difference yet on conversion, about [\d,]+ more shoppers needed to tell a difference of 1\.2 points$/);
  });

  test('accumulates the series per arm over time', () => {
    const report = buildReport('e', totals({ A: { shoppers: 11, clickers: 5, buyers: 1 } }));
    expect(report.series).toEqual([
      { at: 1000, arm: 'A', shoppers: 5, clickers: 2, buyers: 0 },
      { at: 2000, arm: 'A', shoppers: 11, clickers: 5, buyers: 1 },
    ]);
    expect(report.verdict).toBe('one arm only (A): nothing to compare');
  });

  test('renders the page and the tables with every arm, escaping names', () => {
    const report = buildReport('<x>', totals({ A: { shoppers: 100, clickers: 30, buyers: 5 }, B: { shoppers: 100, clickers: 35, buyers: 6 } }), ['A', 'B']);
    const html = renderExperimentPage(report, ['<x>', 'other']);
    expect(html).toContain('Experiment <code>&lt;x&gt;</code>');
    expect(html).not.toContain('<x>');
    expect(html).toContain('href="?experiment=other"');
    expect(
      formatReport(report)
        .split('\n')
        .filter((l) => /^\| [AB] +\| \d/.test(l)),
    ).toHaveLength(2);
  });
});

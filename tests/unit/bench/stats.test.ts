// Reading gateway metrics in the bench: a gateway split into processes is scraped once per process
// and its counters and histograms add up.
import { promQuantile, promSample } from '../../../scripts/bench/stats';

const scrape = (refreshed: number, buckets: [string, number][]) =>
  [
    '# TYPE recsys_lists_refreshed_total counter',
    `recsys_lists_refreshed_total ${refreshed}`,
    ...buckets.map(([le, n]) => `recsys_event_to_push_seconds_bucket{le="${le}"} ${n}`),
  ].join('\n');

describe('prometheus samples in the bench', () => {
  it('reads one process as it is', () => {
    const one = scrape(7, [
      ['0.01', 2],
      ['0.1', 9],
      ['+Inf', 10],
    ]);
    expect(promSample(one, 'recsys_lists_refreshed_total')).toBe(7);
    expect(promQuantile(one, 'recsys_event_to_push_seconds', 0.5)).toBe(0.1);
    expect(promSample(one, 'recsys_missing_total')).toBeNaN();
  });

  it('adds up the same series from several processes', () => {
    // The api,push process refreshes nothing; the scorer does every refresh.
    const both = [
      scrape(0, []),
      scrape(40, [
        ['0.01', 30],
        ['0.1', 35],
        ['+Inf', 40],
      ]),
      scrape(2, [
        ['0.01', 0],
        ['0.1', 0],
        ['+Inf', 60],
      ]),
    ].join('\n');
    expect(promSample(both, 'recsys_lists_refreshed_total')).toBe(42);
    // 100 observations in all: 30 under 10 ms, 35 under 100 ms, the rest above.
    expect(promQuantile(both, 'recsys_event_to_push_seconds', 0.3)).toBe(0.01);
    expect(promQuantile(both, 'recsys_event_to_push_seconds', 0.5)).toBe(Infinity);
  });
});

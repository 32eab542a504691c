// The report finds the truth: synthetic shoppers whose click and buy probabilities are known,
// fed through embedded mode's real list, scoring and counting paths (seeded, so every run repeats).
import { armBehaviours } from '../../../src/demo/simulate/experiment';
import { simulateInProcess } from '../../helpers/experimentSimulation';

jest.setTimeout(120_000);

describe('a simulated experiment', () => {
  test('counts exactly what the shoppers did, with purchases consumed before their clicks and clicks delivered twice', async () => {
    const { report, truth } = await simulateInProcess({ seed: 7, shoppers: 1_000, behaviours: armBehaviours(false) });
    expect(report.arms.map((a) => a.arm)).toEqual(['A', 'B']);
    // Both arms saw clicks and purchases: the equalities below are not about zeros.
    for (const t of truth.values()) expect(Math.min(t.clicks, t.purchases)).toBeGreaterThan(5);
    for (const arm of report.arms) {
      const t = truth.get(arm.arm)!;
      expect(arm.shoppers).toBe(t.shoppers);
      expect(arm.clicks).toBe(t.clicks);
      expect(arm.clickers).toBe(t.clicks); // one click per shopper in this simulation
      expect(arm.carts).toBe(t.purchases);
      expect(arm.purchases).toBe(t.purchases);
      expect(arm.buyers).toBe(t.purchases);
      expect(arm.revenue).toBeCloseTo(t.revenue, 2);
      expect(arm.lists).toBe(t.shoppers);
    }
  });

  test('A/B runs where B clicks and buys more name B the winner (5 seeds)', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { report } = await simulateInProcess({ seed, shoppers: 2_000, behaviours: armBehaviours(false) });
      console.log(`A/B seed ${seed}, 2000 shoppers: ${report.verdict}`);
      expect(report.winner).toBe('B');
      expect(report.verdict).toMatch(/^B beats A on conversion/);
    }
  });

  test('A/A runs (identical arms) report no difference in at least 19 of 20 seeds', async () => {
    const verdicts: string[] = [];
    for (let seed = 101; seed <= 120; seed++) {
      const { report } = await simulateInProcess({ seed, shoppers: 2_000, behaviours: armBehaviours(true) });
      verdicts.push(report.comparisons.some((c) => c.winner !== null) ? `seed ${seed}: ${report.verdict}` : 'none');
    }
    const differences = verdicts.filter((v) => v !== 'none');
    console.log(
      `A/A, 20 seeds x 2000 shoppers: ${20 - differences.length} of 20 report no difference${differences.length ? `; ${differences.join(' | ')}` : ''}`,
    );
    expect(differences.length).toBeLessThanOrEqual(1);
  });
});

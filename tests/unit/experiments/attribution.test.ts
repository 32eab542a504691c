import { attribute, emptyAttribution, type AttributionInput, type AttributionState, type Increment } from '../../../src/experiments/attribution';
import type { ListRef } from '../../../src/events/listId';

const HOUR = 3_600_000;
const ref: ListRef = { version: 5, experiment: 'e', arm: 'B', strategy: 'personalized' };
const t0 = Date.UTC(2030, 0, 1);

function run(inputs: AttributionInput[], windowMs = HOUR): { state: AttributionState; increments: Increment[] } {
  let state = emptyAttribution();
  const increments: Increment[] = [];
  for (const input of inputs) {
    const step = attribute(state, input, windowMs);
    state = step.state;
    increments.push(...step.increments);
  }
  return { state, increments };
}
const totals = (increments: Increment[]) => {
  const out: Record<string, number> = {};
  for (const i of increments) out[`${i.strategy}|${i.metric}`] = (out[`${i.strategy}|${i.metric}`] ?? 0) + i.by;
  return out;
};
const click = (id: string, at: number, productId = 'p1'): AttributionInput => ({ kind: 'click', id, productId, ref, at });
const buy = (id: string, at: number, productId = 'p1', cents = 1000): AttributionInput => ({
  kind: 'purchase',
  id,
  ref: null,
  at,
  lines: [{ productId, quantity: 1, cents }],
});

describe('attribution', () => {
  test('counts a delivery as a list, its items and a shopper of the arm, the shopper once', () => {
    const { increments } = run([
      { kind: 'delivery', id: 'L:1', ref, items: 10, at: t0 },
      { kind: 'delivery', id: 'L:2', ref: { ...ref, version: 6 }, items: 8, at: t0 + 1 },
    ]);
    expect(totals(increments)).toEqual({ 'personalized|lists': 2, 'personalized|items': 18, '*|shoppers': 1 });
  });

  test("attributes a purchase of the clicked product within the window to the click's list, with its revenue", () => {
    const { increments } = run([click('c1', t0), buy('b1', t0 + HOUR - 1)]);
    expect(totals(increments)).toEqual({
      'personalized|clicks': 1,
      '*|clickers': 1,
      'personalized|purchases': 1,
      'personalized|revenueCents': 1000,
      '*|buyers': 1,
    });
    expect(increments.every((i) => i.arm === 'B' && i.experiment === 'e')).toBe(true);
  });

  test('does not attribute a purchase after the window, of another product, or before the click', () => {
    expect(totals(run([click('c1', t0), buy('b1', t0 + HOUR + 1)]).increments)).toEqual({ 'personalized|clicks': 1, '*|clickers': 1 });
    expect(totals(run([click('c1', t0), buy('b1', t0 + 10, 'p2')]).increments)).toEqual({ 'personalized|clicks': 1, '*|clickers': 1 });
    expect(totals(run([buy('b1', t0 - 10), click('c1', t0)]).increments)).toEqual({ 'personalized|clicks': 1, '*|clickers': 1 });
  });

  test('attributes a purchase consumed before its click (another topic came first) once the click arrives', () => {
    const inOrder = run([click('c1', t0), buy('b1', t0 + 60_000)]);
    const reversed = run([buy('b1', t0 + 60_000), click('c1', t0)]);
    expect(totals(reversed.increments)).toEqual(totals(inOrder.increments));
  });

  test('counts nothing twice when inputs are delivered again, in any order', () => {
    const inputs = [
      click('c1', t0),
      { kind: 'cart', id: 'a1', ref: null, at: t0 + 5, lines: [{ productId: 'p1', quantity: 1, cents: 0 }] } as AttributionInput,
      buy('b1', t0 + 10),
    ];
    const once = totals(run(inputs).increments);
    expect(totals(run([...inputs, ...inputs.reverse()]).increments)).toEqual(once);
    expect(once['personalized|carts']).toBe(1);
  });

  test('an add-to-cart made from a list directly counts as a click and a cart', () => {
    const { increments } = run([{ kind: 'cart', id: 'a1', ref, at: t0, lines: [{ productId: 'p1', quantity: 2, cents: 0 }] }]);
    expect(totals(increments)).toEqual({ 'personalized|clicks': 1, '*|clickers': 1, 'personalized|carts': 1 });
  });

  test('keeps its state bounded however many events a shopper sends', () => {
    const inputs: AttributionInput[] = [];
    for (let i = 0; i < 2_000; i++) inputs.push(i % 2 ? click(`c${i}`, t0 + i, `p${i}`) : buy(`b${i}`, t0 + i, `q${i}`));
    const { state } = run(inputs);
    expect(state.seen.length).toBeLessThanOrEqual(256);
    expect(state.clicks.length).toBeLessThanOrEqual(50);
    expect(state.pending.length).toBeLessThanOrEqual(50);
  });
});

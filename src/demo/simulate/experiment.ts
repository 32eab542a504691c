// Synthetic shoppers of an experiment: each receives a list, clicks one of its items with its
// arm's click probability, and after a click buys that item with its arm's buy probability.
// Pure and seeded: the in-process test and `npm run simulate -- --experiment` share it.
import type { Random } from '../../util/seededRandom';

export interface ArmBehaviour {
  /** Probability that a shopper clicks an item of their list. */
  click: number;
  /** Probability that a shopper who clicked buys the clicked item. */
  buy: number;
}

export interface Visit {
  /** The clicked item's place in the list; null: no click. */
  position: number | null;
  /** The clicked item is added to the cart and bought. */
  bought: boolean;
}

export function visit(random: Random, behaviour: ArmBehaviour, listLength: number): Visit {
  if (listLength === 0 || random() >= behaviour.click) return { position: null, bought: false };
  // Shoppers click the top of a list more often: position k with weight 1/(k+1).
  const weights = Array.from({ length: listLength }, (_, k) => 1 / (k + 1));
  let pick = random() * weights.reduce((a, b) => a + b, 0);
  let position = 0;
  while (position < listLength - 1 && pick >= weights[position]!) pick -= weights[position++]!;
  return { position, bought: random() < behaviour.buy };
}

/** The experiment flag of a simulated run: two arms, half the shoppers each. */
export function simulatedExperiment(
  name: string,
  strategies: { A: 'personalized' | 'trending'; B: 'personalized' | 'trending' } = { A: 'personalized', B: 'personalized' },
) {
  return {
    name,
    arms: [
      { name: 'A', strategy: strategies.A, share: 0.5 },
      { name: 'B', strategy: strategies.B, share: 0.5 },
    ],
  };
}

/**
 * Default behaviours: B's shoppers click and buy more (A/B: conversion 10 % against 3.6 %, which
 * 1000 shoppers per arm tell apart in about 99 runs of 100); `aa` gives both arms A's.
 */
export function armBehaviours(aa: boolean): Record<string, ArmBehaviour> {
  const A = { click: 0.3, buy: 0.12 };
  return aa ? { A, B: A } : { A, B: { click: 0.4, buy: 0.25 } };
}

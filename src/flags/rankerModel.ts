// The shape of a ranking model as the `ranker.model` flag and a model file give it. The flag's
// validation needs it, so it lives with the flags; the features' meaning is src/recommend/blend.ts.
import { InvalidInputError } from '../errors';

/** Every feature a model may weigh, in the order of a feature row. */
export const FEATURES = [
  'sessions', // session-neighbourhood score, normalised to the best candidate
  'covis', // co-visitation of the recent items, each list normalised, the r-th most recent x covisDecay^r
  'covisLast', // co-visitation of the item on screen alone
  'repeat', // the shopper's own recent item (exp(-position)), only where the list may keep viewed items
  'bought', // bought-together of the basket, each list normalised, the r-th item / (r + 1)
  'sessionsIdf', // sessions x log(total popularity / the item's): VSTAN's idf
  'covisIdf',
  'repeatIdf',
  'popularity', // trending score, normalised to the top item
  'category', // trending in the shopper's strongest categories, the i-th / (i + 1)
  'onScreen', // 1 for the item the shopper is looking at (only where the list may keep viewed items)
  'handRank', // 1 / (1 + the item's place in the hand blend's order)
  'sessionsLog', // log(1 + 100 sessions): lets a model weigh weak and strong evidence unevenly
  'covisLog', // log(1 + 100 covis)
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;

export interface RankerModel {
  /** Names the model in logs and stamps (e.g. the training run). */
  name: string;
  /** Weight per feature; a feature left out weighs 0. */
  weights: Partial<Record<FeatureName, number>>;
}

const NAME = /^[\w.-]{1,60}$/;

/** A model as the flag or a model file gives it; an InvalidInputError names the field that is wrong. */
export function parseRankerModel(value: unknown, where: string): RankerModel {
  const v = value as { name?: unknown; weights?: unknown } | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new InvalidInputError(where, `expected {"name": ..., "weights": {...}}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  if (typeof v.name !== 'string' || !NAME.test(v.name))
    throw new InvalidInputError(`${where}.name`, `expected 1 to 60 letters, digits, '.', '_' or '-', got ${JSON.stringify(v.name)}`);
  const w = v.weights as Record<string, unknown> | undefined;
  if (typeof w !== 'object' || w === null || Array.isArray(w))
    throw new InvalidInputError(`${where}.weights`, `expected an object of feature weights, got ${JSON.stringify(w)}`);
  const weights: Partial<Record<FeatureName, number>> = {};
  for (const [key, weight] of Object.entries(w)) {
    if (!(FEATURES as readonly string[]).includes(key))
      throw new InvalidInputError(`${where}.weights.${key}`, `unknown feature; known: ${FEATURES.join(', ')}`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || Math.abs(weight) > 1e6) {
      throw new InvalidInputError(`${where}.weights.${key}`, `expected a number from -1e6 to 1e6, got ${JSON.stringify(weight)}`);
    }
    weights[key as FeatureName] = weight;
  }
  const extra = Object.keys(v).filter((k) => k !== 'name' && k !== 'weights');
  if (extra.length > 0) throw new InvalidInputError(where, `unknown field "${extra[0]}" (a model has name and weights)`);
  return { name: v.name, weights };
}

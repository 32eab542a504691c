// Every feature flag: its JSON type, default and allowed range. ZooKeeper holds one znode per
// flag (`/recsys/flags/<key>`, data = the JSON value); the embedded mode reads an optional file.
import { InvalidInputError } from '../errors';
import { parseRankerModel, type RankerModel } from './rankerModel';

export type Strategy = 'personalized' | 'trending';
export const STRATEGIES: readonly Strategy[] = ['personalized', 'trending'];

export interface ExperimentArm {
  name: string;
  strategy: Strategy;
  share: number;
}

export interface RecFlags {
  'recs.strategy': Strategy;
  'recs.size': number;
  'weights.view': number;
  'weights.addToCart': number;
  'weights.purchase': number;
  'decay.halfLifeHours': number;
  'filters.excludePurchased': boolean;
  'filters.excludeInCart': boolean;
  /** null = no experiment; otherwise users are split by a hash of their id. `name` (default "recs") names it in the experiment report. */
  'experiment.recs': { name?: string; arms: ExperimentArm[] } | null;
  /** How long after a click from a list an add-to-cart or purchase of that product counts for the list (ms). */
  'attribution.windowMs': number;
  /** Days of inactivity after which a shopper's keys (and statistics unwritten as long) expire. */
  'retention.shopperDays': number;
  /** null = the hand blend; otherwise a learned blend re-ranking its best candidates (npm run train). */
  'ranker.model': RankerModel | null;
  /** At most one push per shopper per this many ms (the newest list wins); 0 = every change is pushed at once. */
  'push.coalesceMs': number;
}
export type FlagKey = keyof RecFlags;

interface FlagDefinition<K extends FlagKey> {
  key: K;
  description: string;
  default: RecFlags[K];
  /** Returns the value when valid; throws an InvalidInputError naming what is wrong. */
  parse(value: unknown): RecFlags[K];
}

function number(key: string, min: number, max: number, integer = false) {
  return (value: unknown): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      throw new InvalidInputError(key, `expected ${integer ? 'a whole number' : 'a number'}, got ${JSON.stringify(value)}`);
    }
    if (value < min || value > max) {
      throw new InvalidInputError(key, `expected ${min} to ${max}, got ${value}`);
    }
    return value;
  };
}

function boolean(key: string) {
  return (value: unknown): boolean => {
    if (typeof value !== 'boolean') throw new InvalidInputError(key, `expected true or false, got ${JSON.stringify(value)}`);
    return value;
  };
}

function strategy(key: string) {
  return (value: unknown): Strategy => {
    if (typeof value !== 'string' || !STRATEGIES.includes(value as Strategy)) {
      throw new InvalidInputError(key, `expected one of ${STRATEGIES.map((s) => `"${s}"`).join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as Strategy;
  };
}

function experiment(key: string) {
  const parseStrategy = strategy(`${key}.arms[].strategy`);
  return (value: unknown): RecFlags['experiment.recs'] => {
    if (value === null) return null;
    const arms = (value as { arms?: unknown })?.arms;
    if (typeof value !== 'object' || !Array.isArray(arms) || arms.length < 1 || arms.length > 10) {
      throw new InvalidInputError(key, `expected null or {"name"?, "arms":[{"name","strategy","share"}, ...]} with 1 to 10 arms, got ${JSON.stringify(value)}`);
    }
    const name = (value as { name?: unknown }).name;
    // "none" is where lists outside any experiment are counted (src/events/listId.ts).
    if (name !== undefined && (typeof name !== 'string' || !/^[\w.-]{1,40}$/.test(name) || name === 'none')) {
      throw new InvalidInputError(`${key}.name`, `expected 1 to 40 letters, digits, '.', '_' or '-' (not "none"), got ${JSON.stringify(name)}`);
    }
    const parsed = arms.map((arm: unknown, i: number): ExperimentArm => {
      const a = arm as Partial<ExperimentArm>;
      if (typeof a?.name !== 'string' || !/^[\w.-]{1,40}$/.test(a.name)) {
        throw new InvalidInputError(`${key}.arms[${i}].name`, `expected 1 to 40 letters, digits, '.', '_' or '-', got ${JSON.stringify(a?.name)}`);
      }
      const share = number(`${key}.arms[${i}].share`, 0, 1)(a.share);
      return { name: a.name, strategy: parseStrategy(a.strategy), share };
    });
    const total = parsed.reduce((sum, a) => sum + a.share, 0);
    if (Math.abs(total - 1) > 1e-6) throw new InvalidInputError(`${key}.arms`, `shares must add up to 1, got ${total}`);
    return name === undefined ? { arms: parsed } : { name: name, arms: parsed };
  };
}

export const FLAG_DEFINITIONS: { [K in FlagKey]: FlagDefinition<K> } = {
  'recs.strategy': {
    key: 'recs.strategy',
    description: '"personalized" (default) or "trending" (kill switch: everyone gets trending)',
    default: 'personalized',
    parse: strategy('recs.strategy'),
  },
  'recs.size': { key: 'recs.size', description: 'items kept per user list', default: 20, parse: number('recs.size', 1, 100, true) },
  'weights.view': { key: 'weights.view', description: 'score weight of a view', default: 1, parse: number('weights.view', 0, 100) },
  'weights.addToCart': {
    key: 'weights.addToCart',
    description: 'score weight of an add-to-cart',
    default: 3,
    parse: number('weights.addToCart', 0, 100),
  },
  'weights.purchase': {
    key: 'weights.purchase',
    description: 'score weight of a purchased item',
    default: 5,
    parse: number('weights.purchase', 0, 100),
  },
  'decay.halfLifeHours': {
    key: 'decay.halfLifeHours',
    description: 'half-life of trending and co-visitation scores, by event time',
    // A week, from the offline evaluation: longer memory lifts next-item MRR@20 on diginetica
    // (.126 -> .144) and HR@20 on yoochoose's inner split (.679 -> .684), taobao's 2 h are indifferent.
    default: 168,
    parse: number('decay.halfLifeHours', 1, 24 * 365),
  },
  'filters.excludePurchased': {
    key: 'filters.excludePurchased',
    description: 'leave products the user bought out of their list',
    default: true,
    parse: boolean('filters.excludePurchased'),
  },
  'filters.excludeInCart': {
    key: 'filters.excludeInCart',
    description: "leave products in the user's cart out of their list",
    default: true,
    parse: boolean('filters.excludeInCart'),
  },
  'experiment.recs': {
    key: 'experiment.recs',
    description: 'null, or arms {name, strategy, share} splitting users by a hash of their id',
    default: null,
    parse: experiment('experiment.recs'),
  },
  'attribution.windowMs': {
    key: 'attribution.windowMs',
    description: 'how long after a click from a list an add-to-cart or purchase of that product counts for the list (ms)',
    default: 24 * 3_600_000,
    parse: number('attribution.windowMs', 1_000, 30 * 24 * 3_600_000, true),
  },
  'retention.shopperDays': {
    key: 'retention.shopperDays',
    description: "days after a shopper's last event when all their keys expire (statistics: after their last write)",
    default: 30,
    // At least a day: shorter would drop the state of shoppers in the middle of a visit.
    parse: number('retention.shopperDays', 1, 3650),
  },
  'ranker.model': {
    key: 'ranker.model',
    description: 'null (the hand blend), or {"name", "weights": {feature: weight}} re-ranking its best 100 (npm run train writes one)',
    default: null,
    parse: (value) => (value === null ? null : parseRankerModel(value, 'ranker.model')),
  },
  'push.coalesceMs': {
    key: 'push.coalesceMs',
    description: 'at most one push per shopper per this many ms, the newest list winning (0 = off)',
    default: 0,
    // Up to a minute: longer and a shopper's own action would look ignored.
    parse: number('push.coalesceMs', 0, 60_000, true),
  },
};

export const FLAG_KEYS = Object.keys(FLAG_DEFINITIONS) as FlagKey[];

/** The flags that shape a list (src/recommender/flagsStamp.ts): a change of the others leaves lists fresh. */
export const LIST_FLAG_KEYS = FLAG_KEYS.filter((key) => key !== 'retention.shopperDays' && key !== 'attribution.windowMs' && key !== 'push.coalesceMs');

const DAY_MS = 86_400_000;

/** How long a shopper's keys live after their last write, in ms. */
export function retentionMs(flags: RecFlags): number {
  return Math.round(flags['retention.shopperDays'] * DAY_MS);
}

export function isFlagKey(key: string): key is FlagKey {
  return Object.prototype.hasOwnProperty.call(FLAG_DEFINITIONS, key);
}

export function defaultFlags(): RecFlags {
  const flags = {} as Record<FlagKey, unknown>;
  for (const key of FLAG_KEYS) flags[key] = FLAG_DEFINITIONS[key].default;
  return flags as RecFlags;
}

/** Why `key` is refused as a flag key (the CLI and the setFlag mutation say the same). */
export function unknownFlagReason(key: string): string {
  return `unknown flag "${key}"; known flags: ${FLAG_KEYS.join(', ')}`;
}

/** The known flag named `key`; otherwise an InvalidInputError on `field` naming it and the known ones. */
export function requireFlagKey(key: string, field = 'key'): FlagKey {
  if (!isFlagKey(key)) throw new InvalidInputError(field, unknownFlagReason(key));
  return key;
}

/**
 * Validates a decoded value for the flag `key`: the one check behind `npm run flags -- set`, the
 * setFlag mutation and every znode the gateway reads. Throws an InvalidInputError naming the flag.
 */
export function validateFlag<K extends FlagKey>(key: K, value: unknown): RecFlags[K] {
  return FLAG_DEFINITIONS[key].parse(value);
}

/** Validates one flag's raw JSON text (as stored in a znode). */
export function parseFlagJson<K extends FlagKey>(key: K, text: string): RecFlags[K] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidInputError(key, `not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return validateFlag(key, value);
}

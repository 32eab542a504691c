// A list's attribution id: which version of a shopper's list, in which experiment arm, under which
// strategy. Opaque to clients (base64url of a small JSON array); the stream decodes it (src/experiments) to count
// clicks and conversions per arm without any lookup.
import { InvalidInputError } from '../errors';
import { STRATEGIES, type Strategy } from '../flags/definitions';

/** The experiment name lists outside any experiment are counted under. */
export const NO_EXPERIMENT = 'none';

export interface ListRef {
  version: number;
  experiment: string;
  arm: string;
  /** The strategy the list was served under. */
  strategy: Strategy;
}

const NAME = /^[\w.-]{1,40}$/;
/** Positions in a list: recs.size is at most 100. */
export const MAX_POSITION = 99;

export function encodeListId(ref: ListRef): string {
  return Buffer.from(JSON.stringify([ref.version, ref.experiment, ref.arm, ref.strategy])).toString('base64url');
}

/** The list a listId names; an InvalidInputError on `field` when it is not one the gateway gave out. */
export function decodeListId(listId: unknown, field: string): ListRef {
  const bad = () =>
    new InvalidInputError(
      field,
      `not a listId this gateway gave out (take it from the list's listId field), got ${JSON.stringify(String(listId).slice(0, 80))}`,
    );
  if (typeof listId !== 'string' || listId.length === 0 || listId.length > 200 || !/^[\w-]+$/.test(listId)) throw bad();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(listId, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(raw) || raw.length !== 4) throw bad();
  const [version, experiment, arm, strategy] = raw as unknown[];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) throw bad();
  if (typeof experiment !== 'string' || !NAME.test(experiment) || typeof arm !== 'string' || !NAME.test(arm)) throw bad();
  if (!STRATEGIES.includes(strategy as Strategy)) throw bad();
  const ref = { version, experiment, arm, strategy: strategy as Strategy };
  // Base64 decoding forgives stray characters: only the exact encoding of a list is one.
  if (encodeListId(ref) !== listId) throw bad();
  return ref;
}

export interface FromRecommendation {
  listId: string;
  position: number;
}

/** Validates a track input's `fromRecommendation` (absent: null). `at` is the input's path, e.g. "input" or "input[2]". */
export function checkFromRecommendation(value: unknown, at: string): FromRecommendation | null {
  if (value === undefined || value === null) return null;
  const field = `${at}.fromRecommendation`;
  const { listId, position } = value as { listId?: unknown; position?: unknown };
  decodeListId(listId, `${field}.listId`);
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0 || position > MAX_POSITION) {
    throw new InvalidInputError(
      `${field}.position`,
      `must be the item's place in the list, a whole number from 0 (the first) to ${MAX_POSITION}, got ${JSON.stringify(position)}`,
    );
  }
  return { listId: listId as string, position };
}

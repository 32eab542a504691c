// A stored user state is read back through this check, so that a value damaged in Redis (a bad
// write, a hand edit, a foreign key under our prefix) is recognised as such instead of failing
// every batch that touches the user (a poison pill) or feeding NaN into the scores.
import type { UserState } from '../recommend';

export type DecodedUserState = { state: UserState } | { corrupt: string };

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function decodeUserState(raw: string): DecodedUserState {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { corrupt: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { corrupt: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (
    !Array.isArray(v.recent) ||
    !v.recent.every(
      (r: unknown) => typeof r === 'object' && r !== null && typeof (r as { p?: unknown }).p === 'string' && Number.isFinite((r as { t?: unknown }).t),
    )
  ) {
    return { corrupt: 'recent: expected an array of { p: string, t: number }' };
  }
  for (const field of ['cart', 'purchased', 'seen'] as const) {
    if (!isStringArray(v[field])) return { corrupt: `${field}: expected an array of strings` };
  }
  const cats = v.cats;
  if (typeof cats !== 'object' || cats === null || Array.isArray(cats) || !Object.values(cats).every((x) => Number.isFinite(x))) {
    return { corrupt: 'cats: expected an object of finite numbers' };
  }
  return { state: value as UserState };
}

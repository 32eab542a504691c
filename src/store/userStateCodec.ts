// How a user's state (and the neighbour copy of their recent items) is stored in Redis, and the
// check it is read back through, so that a value damaged in Redis (a bad write, a hand edit, a
// foreign key under our prefix) is recognised as such instead of failing every batch that touches
// the user (a poison pill) or feeding NaN into the scores.
//
// Written as packed text, version 2: scoring saves every touched shopper's state each batch, and
// JSON of objects cost more to write and read than the rest of learning an event (issue 17). Ids
// are printable ASCII without spaces (src/events/validate.ts), so a space separates them; lines:
//   u2 | catsFrame '<epoch>:<half-life hours>' or '' | recent 'p t p d ...' (d: the time's difference from the one before) | cart |
//   purchased | cats as JSON (category names may hold any character; JSON escapes line breaks) | seen
// `seen` is the last line so that SAVE_USERS's Lua finds the state's stamp (its last id) without
// decoding it. Version 1 (JSON) still decodes: states written before, and states holding an id
// that a space or line break would split (events produced to Kafka without the API's checks).
import type { RecentItem, UserState } from '../recommend';

export type DecodedUserState = { state: UserState } | { corrupt: string };

const STATE_TAG = 'u2';
const RECENT_TAG = 'r2';

export function encodeUserState(user: UserState): string {
  const recent = packRecent(user.recent, user.recent.length);
  const cart = joinIds(user.cart);
  const purchased = joinIds(user.purchased);
  const seen = joinIds(user.seen);
  if (recent === null || cart === null || purchased === null || seen === null) return JSON.stringify(user);
  const frame = user.catsFrame ? `${user.catsFrame.epoch}:${user.catsFrame.halfLifeHours}` : '';
  // join, not +: it gives one flat string, which the Redis client would otherwise flatten again.
  return [STATE_TAG, frame, recent, cart, purchased, JSON.stringify(user.cats), seen].join('\n');
}

/** What neighbour lookups read of a user: their `limit` latest items. */
export function encodeRecent(recent: readonly RecentItem[], limit: number): string {
  const packed = packRecent(recent, Math.min(limit, recent.length));
  return packed === null ? JSON.stringify(recent.slice(0, limit)) : `${RECENT_TAG}\n${packed}`;
}

/** An id that packs: not empty, no space or line break (the separators). */
const packs = (id: string) => id.length > 0 && id.indexOf(' ') < 0 && id.indexOf('\n') < 0;

function joinIds(list: readonly string[]): string | null {
  for (let i = 0; i < list.length; i++) if (!packs(list[i]!)) return null;
  return list.join(' ');
}

/**
 * 'p t p t ...': the first time in ms, each next one as its difference from the one before (short:
 * the items are newest first, mostly close in time), all in decimal (V8's fast number printing).
 */
function packRecent(recent: readonly RecentItem[], n: number): string | null {
  const parts = new Array<string | number>(n * 2);
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const { p, t } = recent[i]!;
    if (!packs(p) || !Number.isSafeInteger(t)) return null; // whole ms only: differences stay exact
    parts[2 * i] = p;
    parts[2 * i + 1] = i === 0 ? t : previous - t;
    previous = t;
  }
  return parts.join(' ');
}

export function decodeUserState(raw: string): DecodedUserState {
  if (!raw.startsWith(`${STATE_TAG}\n`)) return decodeJsonState(raw);
  const lines = raw.split('\n');
  if (lines.length !== 7) return { corrupt: `expected 7 lines, got ${lines.length}` };
  const recent = unpackRecent(lines[2]!);
  if (recent === null) return { corrupt: 'recent: expected pairs of a product id and a base-36 time' };
  let cats: unknown;
  try {
    cats = JSON.parse(lines[5]!);
  } catch {
    return { corrupt: 'cats: not JSON' };
  }
  if (!isNumberRecord(cats)) return { corrupt: 'cats: expected an object of finite numbers' };
  const state: UserState = { recent, cart: ids(lines[3]!), purchased: ids(lines[4]!), cats, seen: ids(lines[6]!) };
  if (lines[1] !== '') {
    const [epoch, halfLifeHours] = lines[1]!.split(':').map(Number);
    if (!Number.isFinite(epoch) || !Number.isFinite(halfLifeHours)) return { corrupt: 'catsFrame: expected <epoch>:<half-life hours>' };
    state.catsFrame = { epoch: epoch!, halfLifeHours: halfLifeHours! };
  }
  return { state };
}

/** A neighbour copy of recent items (packed, or the JSON array written before), or null when it is neither. */
export function decodeRecent(raw: string): RecentItem[] | null {
  if (!raw.startsWith(`${RECENT_TAG}\n`)) {
    try {
      const value: unknown = JSON.parse(raw);
      return Array.isArray(value) && value.every(isRecentItem) ? value : null;
    } catch {
      return null;
    }
  }
  return unpackRecent(raw.slice(RECENT_TAG.length + 1));
}

const ids = (line: string): string[] => (line === '' ? [] : line.split(' '));

function unpackRecent(line: string): RecentItem[] | null {
  if (line === '') return [];
  const parts = line.split(' ');
  if (parts.length % 2 !== 0) return null;
  const out = new Array<RecentItem>(parts.length / 2);
  let t = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const text = parts[i + 1]!;
    const n = text === '' ? NaN : Number(text);
    if (!Number.isSafeInteger(n) || parts[i]!.length === 0) return null;
    t = i === 0 ? n : t - n;
    out[i / 2] = { p: parts[i]!, t };
  }
  return out;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isRecentItem = (r: unknown): r is RecentItem =>
  typeof r === 'object' && r !== null && typeof (r as RecentItem).p === 'string' && Number.isFinite((r as RecentItem).t);
const isNumberRecord = (v: unknown): v is Record<string, number> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => Number.isFinite(x));

/** Version 1: the state as JSON. */
function decodeJsonState(raw: string): DecodedUserState {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { corrupt: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { corrupt: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.recent) || !v.recent.every(isRecentItem)) {
    return { corrupt: 'recent: expected an array of { p: string, t: number }' };
  }
  for (const field of ['cart', 'purchased', 'seen'] as const) {
    if (!isStringArray(v[field])) return { corrupt: `${field}: expected an array of strings` };
  }
  if (!isNumberRecord(v.cats)) return { corrupt: 'cats: expected an object of finite numbers' };
  return { state: value as UserState };
}

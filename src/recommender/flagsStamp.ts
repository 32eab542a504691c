// A short stamp of every flag that shapes a list. Each stored list carries the stamp it was
// computed under, so a list computed under other flags reads as stale, on every gateway.
import { createHash } from 'node:crypto';
import { LIST_FLAG_KEYS, type RecFlags } from '../flags/definitions';

// Flag providers replace their flags object on a change (never mutate it): one hash per object.
const stamps = new WeakMap<RecFlags, string>();

export function flagsStamp(flags: RecFlags): string {
  let stamp = stamps.get(flags);
  if (stamp === undefined) {
    const values = LIST_FLAG_KEYS.map((key) => [key, flags[key]]);
    stamp = createHash('sha1').update(JSON.stringify(values)).digest('hex').slice(0, 12);
    stamps.set(flags, stamp);
  }
  return stamp;
}

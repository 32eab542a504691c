// Session neighbourhood in a bounded, incremental form (after VSTAN, Ludewig et al. 2021).
// The store keeps, per product, the users who touched it most recently (a sorted set by time,
// bounded) and, per user, their recent items; a list reads the recent-user lists of the user's
// recent items, the recent items of the `sample` most recent of those users, and scores:
//   similarity(n) = sum over shared items of w(i) / (|w| * sqrt(|n|)) * exp(-age(n) / snh)
//     with w(i) = exp(-i / spw) for the user's i-th most recent item;
//   item j of each of the k most similar neighbours gets
//     similarity(n) * exp(-i* / ipw) * exp(-|pos(j) - pos*| / inh)
//     with i* the user's most recent item n shares and pos* its most recent shared item in n.
// Items the user already has stay candidates: whether they are shown is the ranking's call.
import type { RecentItem, Scored, UserState } from './types';

export interface NeighbourhoodParams {
  /** How many of the user's most recent items look for neighbours. */
  queryItems: number;
  /** Per item, how many of its most recent users are read. */
  usersPerItem: number;
  /** How many of the most recent candidate neighbours have their items read and compared. */
  sample: number;
  /** How many of each neighbour's most recent items are read. */
  itemsPerNeighbour: number;
  /** How many of the most similar neighbours vote. */
  k: number;
  /** Weight decay over the user's own items (by recency rank). */
  spw: number;
  /** Neighbour age decay, days. */
  snhDays: number;
  /** Decay of a neighbour's item by its distance from the shared item. */
  inh: number;
  /** Decay of a neighbour by how far back in the user's items the match lies. */
  ipw: number;
}

export const NEIGHBOURHOOD: NeighbourhoodParams = {
  queryItems: 10,
  usersPerItem: 500,
  sample: 500,
  itemsPerNeighbour: 30,
  k: 500,
  spw: 8,
  snhDays: 10,
  inh: 8,
  ipw: 0.5,
};

const DAY_MS = 86_400_000;

export function queryItems(user: UserState, params: NeighbourhoodParams = NEIGHBOURHOOD): string[] {
  return user.recent.slice(0, params.queryItems).map((r) => r.p);
}

/**
 * The neighbours whose items a list needs: the `sample` most recent users sharing an item with
 * this one (never the user themself), most recent first.
 */
export function planNeighbours(
  userId: string,
  recentUsers: ReadonlyMap<string, Scored[]>,
  params: NeighbourhoodParams = NEIGHBOURHOOD,
): string[] {
  // Each list is newest first: merge them until `sample` distinct users are found.
  const lists = [...recentUsers.values()].filter((l) => l.length > 0);
  const heads = lists.map(() => 0);
  const out: string[] = [];
  const seen = new Set<string>([userId]);
  while (out.length < params.sample) {
    let best = -1;
    for (let l = 0; l < lists.length; l++) {
      const head = lists[l]![heads[l]!];
      if (head === undefined) continue;
      const current = best < 0 ? undefined : lists[best]![heads[best]!]!;
      if (!current || head.score > current.score || (head.score === current.score && head.id < current.id)) best = l;
    }
    if (best < 0) break;
    const { id } = lists[best]![heads[best]!++]!;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}

/** exp(-d / lambda) for d = 0..n-1. */
function decayTable(n: number, lambda: number): Float64Array {
  const t = new Float64Array(n);
  for (let d = 0; d < n; d++) t[d] = Math.exp(-d / lambda);
  return t;
}

/** Item -> neighbourhood score (not normalised), from the neighbours' recent items. */
export function neighbourScores(
  user: UserState,
  neighbours: ReadonlyMap<string, readonly RecentItem[]>,
  now: number,
  params: NeighbourhoodParams = NEIGHBOURHOOD,
): Map<string, number> {
  const scores = new Map<string, number>();
  const items = queryItems(user, params);
  if (items.length === 0) return scores;
  const query = new Map<string, number>();
  const w = decayTable(items.length, params.spw);
  const ipw = decayTable(items.length, params.ipw);
  let norm = 0;
  items.forEach((p, i) => {
    query.set(p, i);
    norm += w[i]! * w[i]!;
  });
  norm = Math.sqrt(norm);

  const snhMs = params.snhDays * DAY_MS;
  const voters: { items: readonly RecentItem[]; sim: number; iStar: number; jStar: number }[] = [];
  let longest = 0;
  for (const all of neighbours.values()) {
    const list = all.length > params.itemsPerNeighbour ? all.slice(0, params.itemsPerNeighbour) : all;
    let dot = 0;
    let iStar = items.length;
    let jStar = -1;
    for (let j = 0; j < list.length; j++) {
      const i = query.get(list[j]!.p);
      if (i === undefined) continue;
      dot += w[i]!;
      if (i < iStar) iStar = i;
      if (jStar < 0) jStar = j;
    }
    if (jStar < 0) continue;
    const age = Math.max(0, now - list[0]!.t);
    voters.push({ items: list, sim: (dot / (norm * Math.sqrt(list.length))) * Math.exp(-age / snhMs), iStar, jStar });
    if (list.length > longest) longest = list.length;
  }
  if (voters.length > params.k) voters.sort((a, b) => b.sim - a.sim).length = params.k;
  const inh = decayTable(longest, params.inh);
  for (const { items: list, sim, iStar, jStar } of voters) {
    const base = sim * ipw[iStar]!;
    for (let j = 0; j < list.length; j++) {
      const p = list[j]!.p;
      scores.set(p, (scores.get(p) ?? 0) + base * inh[j < jStar ? jStar - j : j - jStar]!);
    }
  }
  return scores;
}

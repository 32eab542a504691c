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
  queryItems: 5,
  usersPerItem: 100,
  sample: 100,
  itemsPerNeighbour: 10,
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
export function planNeighbours(userId: string, recentUsers: ReadonlyMap<string, Scored[]>, params: NeighbourhoodParams = NEIGHBOURHOOD): string[] {
  // Each list is newest first: merge them until `sample` distinct users are found.
  const lists = [...recentUsers.values()].filter((l) => l.length > 0);
  if (lists.length === 1) {
    const out: string[] = [];
    for (const { id } of lists[0]!) {
      if (out.length >= params.sample) break;
      if (id !== userId) out.push(id);
    }
    return out;
  }
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
    const known = seen.size;
    if (seen.add(id).size > known) out.push(id);
  }
  return out;
}

/** exp(-d / lambda) for d = 0..n-1. */
function decayTable(n: number, lambda: number): Float64Array {
  const t = new Float64Array(n);
  for (let d = 0; d < n; d++) t[d] = Math.exp(-d / lambda);
  return t;
}

/** The neighbours' recent items, newest first, as a store returns them (a Map will do). */
export interface NeighbourItems {
  readonly size: number;
  values(): Iterable<readonly RecentItem[]>;
}

/** What a list knows of one candidate item while it is being ranked. */
export interface Candidate {
  /** The item's recency rank among the user's query items, or -1. */
  query: number;
  /** Session-neighbourhood score (not normalised). */
  sessions: number;
  /** Other "viewed" evidence (co-visitation, reminders), already weighted. */
  viewed: number;
  /** Bought-together evidence, already weighted. */
  bought: number;
}

export function candidateOf(table: Map<string, Candidate>, id: string): Candidate {
  let c = table.get(id);
  if (c === undefined) {
    c = { query: -1, sessions: 0, viewed: 0, bought: 0 };
    table.set(id, c);
  }
  return c;
}

/**
 * Adds each item's neighbourhood score into `table` (one entry per item seen; each item of a
 * neighbour is looked up once) and returns the highest score given.
 */
export function neighbourScores(
  user: UserState,
  neighbours: NeighbourItems,
  now: number,
  table: Map<string, Candidate>,
  params: NeighbourhoodParams = NEIGHBOURHOOD,
): number {
  const items = queryItems(user, params);
  if (items.length === 0) return 0;
  const w = decayTable(items.length, params.spw);
  const ipw = decayTable(items.length, params.ipw);
  let norm = 0;
  items.forEach((p, i) => {
    const c = candidateOf(table, p);
    if (c.query < 0) c.query = i;
    norm += w[i]! * w[i]!;
  });
  norm = Math.sqrt(norm);

  const snhMs = params.snhDays * DAY_MS;
  // Per neighbour: its entries in the table (flat), similarity and anchors.
  const entries: Candidate[] = [];
  const n = neighbours.size;
  const vStart = new Int32Array(n);
  const vEnd = new Int32Array(n);
  const vAnchor = new Int32Array(n); // iStar * 65536 + jStar
  const vSim = new Float64Array(n);
  let count = 0;
  let longest = 0;
  for (const list of neighbours.values()) {
    const start = entries.length;
    const length = Math.min(list.length, params.itemsPerNeighbour);
    let dot = 0;
    let iStar = items.length;
    let jStar = -1;
    for (let j = 0; j < length; j++) {
      const c = candidateOf(table, list[j]!.p);
      entries.push(c);
      const i = c.query;
      if (i < 0) continue;
      dot += w[i]!;
      if (i < iStar) iStar = i;
      if (jStar < 0) jStar = j;
    }
    if (jStar < 0) {
      entries.length = start;
      continue;
    }
    const age = Math.max(0, now - list[0]!.t);
    vStart[count] = start;
    vEnd[count] = entries.length;
    vAnchor[count] = iStar * 65536 + jStar;
    vSim[count++] = (dot / (norm * Math.sqrt(length))) * Math.exp(-age / snhMs);
    if (length > longest) longest = length;
  }
  // The k most similar vote (all of them when there are no more).
  let order: ArrayLike<number> | null = null;
  if (count > params.k)
    order = Array.from({ length: count }, (_, v) => v)
      .sort((a, b) => vSim[b]! - vSim[a]!)
      .slice(0, params.k);
  const inh = decayTable(longest, params.inh);
  let top = 0;
  const voters = order ? order.length : count;
  for (let x = 0; x < voters; x++) {
    const v = order ? order[x]! : x;
    const start = vStart[v]!;
    const end = vEnd[v]!;
    const iStar = vAnchor[v]! >>> 16;
    const jStar = vAnchor[v]! & 0xffff;
    const base = vSim[v]! * ipw[iStar]!;
    for (let e = start; e < end; e++) {
      const j = e - start;
      const c = entries[e]!;
      c.sessions += base * inh[j < jStar ? jStar - j : j - jStar]!;
      if (c.sessions > top) top = c.sessions;
    }
  }
  return top;
}

// Shared machinery of AR and SR: a table of weighted rules "after item a comes item b", learnt
// from the events of each session, and a prediction from the session's last item only.
//
// session-rec prunes each item's rules to the `pruning` (20) strongest at the end of `fit`
// (Counter.most_common, ties in insertion order) and predicts from the pruned dict. Pruning at
// query time instead gives the same answer and also works when rules keep changing (stream).
import type { EvalEvent, SessionContext, SessionRecommender } from '../types';
import { Interner } from './interner';
import { tieKey } from './topk';

export abstract class RuleRecommender implements SessionRecommender {
  abstract readonly name: string;
  protected readonly items = new Interner();
  /** rules[a] = Map(b -> weight), insertion-ordered like Python dicts. */
  protected readonly rules: (Map<number, number> | undefined)[] = [];
  /** Earlier items of each session (repeats kept), as item indices. */
  private readonly sessions = new Map<string, number[]>();
  /** Pruned, sorted rule lists per item, dropped whenever the item's rules change. */
  private readonly cache = new Map<number, number[]>();

  constructor(protected readonly pruning: number) {}

  /** Adds the rules a new event `item` creates, given the session's earlier items. */
  protected abstract addRules(previous: readonly number[], item: number): void;

  learn(event: EvalEvent): void {
    const item = this.items.intern(event.itemId);
    let previous = this.sessions.get(event.sessionId);
    if (previous === undefined) {
      previous = [];
      this.sessions.set(event.sessionId, previous);
    } else {
      this.addRules(previous, item);
    }
    previous.push(item);
  }

  protected bump(from: number, to: number, weight: number): void {
    let row = this.rules[from];
    if (row === undefined) {
      row = new Map();
      this.rules[from] = row;
    }
    row.set(to, (row.get(to) ?? 0) + weight);
    this.cache.delete(from);
  }

  recommend(session: SessionContext, k: number): string[] {
    const lastId = session.items[session.items.length - 1];
    if (lastId === undefined) return [];
    const last = this.items.get(lastId);
    if (last < 0) return [];
    let ranked = this.cache.get(last);
    if (ranked === undefined) {
      ranked = this.ranked(last);
      this.cache.set(last, ranked);
    }
    const out: string[] = [];
    for (let i = 0; i < ranked.length && i < k; i++) out.push(this.items.ids[ranked[i]!]!);
    return out;
  }

  /**
   * The item's rules with positive weight, pruned as session-rec prunes them (the strongest
   * `pruning`, ties in insertion order, like Counter.most_common), then ranked by weight with
   * ties broken as everywhere else (topk.ts), standing in for pandas' unstable sort.
   */
  private ranked(item: number): number[] {
    const row = this.rules[item];
    if (row === undefined) return [];
    const entries = [...row.entries()];
    entries.sort((a, b) => b[1] - a[1]); // stable: insertion order among equal weights
    const kept = this.pruning > 0 ? entries.slice(0, this.keepCount(entries.length)) : entries;
    return kept
      .filter((e) => e[1] > 0)
      .sort((a, b) => b[1] - a[1] || tieKey(a[0]) - tieKey(b[0]))
      .map((e) => e[0]);
  }

  /** session-rec: pruning < 1 keeps that fraction dropped, pruning >= 1 keeps that many. */
  private keepCount(n: number): number {
    return this.pruning < 1 ? n - Math.trunc(n * this.pruning) : this.pruning;
  }

  /** The weight of rule a -> b (tests and diagnostics). */
  weight(a: string, b: string): number {
    const ai = this.items.get(a);
    const bi = this.items.get(b);
    if (ai < 0 || bi < 0) return 0;
    return this.rules[ai]?.get(bi) ?? 0;
  }
}

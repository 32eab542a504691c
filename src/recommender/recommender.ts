// Turns a user's state plus the shared statistics into their list, and keeps the stored list
// (and every subscriber) up to date. The same code serves embedded and distributed mode.
import type { RecFlags } from '../flags/definitions';
import { assignStrategy, emptyUserState, planLookups, planNeighbours, rankForUser, RANKING, servedStrategy, type UserState } from '../recommend';
import { basisOf, type CatalogStore, type ListStore, type ShopperStore, type StatsStore, type StoredRecs } from '../store/types';
import { flagsStamp } from './flagsStamp';
import { OutOfStock } from './outOfStock';

/** What the recommender reads and writes: shopper states, statistics, lists, the out-of-stock set. */
export type RecommenderStore = ShopperStore & Omit<StatsStore, 'prune'> & ListStore & Pick<CatalogStore, 'unavailableProducts'>;

export interface RecommenderOptions {
  store: RecommenderStore;
  flags: () => RecFlags;
  /** The out-of-stock set shared with the public reads (default: one of its own over `store`). */
  outOfStock?: OutOfStock;
  /** How long the out-of-stock set may be reused (ms) when the recommender makes its own. */
  catalogCacheMs?: number;
  now?: () => number;
}

export class Recommender {
  private readonly store: RecommenderStore;
  private readonly flags: () => RecFlags;
  private readonly now: () => number;
  private readonly outOfStock: OutOfStock;

  constructor({ store, flags, outOfStock, catalogCacheMs = 1000, now = Date.now }: RecommenderOptions) {
    this.store = store;
    this.flags = flags;
    this.now = now;
    this.outOfStock = outOfStock ?? new OutOfStock(store, catalogCacheMs, now);
  }

  /** The same recommender reading through another view of the store (a batch's read cache); the out-of-stock set stays shared. */
  readingThrough(store: RecommenderStore): Recommender {
    return new Recommender({ store, flags: this.flags, outOfStock: this.outOfStock, now: this.now });
  }

  /** Computes a list from scratch; no write. */
  async compute(userId: string, user: UserState): Promise<Omit<StoredRecs, 'userId' | 'version'>> {
    const flags = this.flags();
    const { strategy, arm } = assignStrategy(userId, flags);
    const plan = planLookups(user, strategy, flags['recs.size']);
    const [alsoViewed, boughtTogether, trending, unavailable, neighbours] = await Promise.all([
      this.store.alsoViewed(plan.recent, plan.neighbourLimit),
      this.store.boughtTogether(plan.basket, plan.neighbourLimit),
      this.store.trending([null, ...plan.categories], plan.trendingLimit),
      this.outOfStock.ids(),
      // Second step of the plan: the users who touched the same items lately, then their recent items.
      this.store
        .recentSessions(plan.sessionItems, plan.usersPerItem)
        .then((users) => this.store.recentItems(planNeighbours(userId, users, RANKING.neighbourhood), RANKING.neighbourhood.itemsPerNeighbour)),
    ]);
    const items = rankForUser({
      user,
      strategy,
      flags,
      limit: flags['recs.size'],
      alsoViewed,
      boughtTogether,
      trending: trending.get(null) ?? [],
      trendingByCategory: trending,
      unavailable,
      neighbours,
      now: this.now(),
      model: flags['ranker.model'],
    });
    return { generatedAt: new Date(this.now()).toISOString(), strategy: servedStrategy(strategy, items), arm, items, flags: flagsStamp(flags) };
  }

  /**
   * Recomputes and stores the list; publishes it when it changed. The cause (`receivedAt` and
   * `causedBy`: the newest event behind this refresh) travels with the list, for the pushed
   * list's causedBy and latencyMs and the event-to-push latency metric.
   */
  async refresh(userId: string, user?: UserState, cause?: Pick<StoredRecs, 'receivedAt' | 'causedBy'>): Promise<{ recs: StoredRecs; changed: boolean }> {
    const state = user ?? (await this.store.loadUsers([userId])).get(userId) ?? emptyUserState();
    const list = await this.compute(userId, state);
    const caused = { ...list, ...(cause?.receivedAt && { receivedAt: cause.receivedAt }), ...(cause?.causedBy && { causedBy: cause.causedBy }) };
    const put = await this.store.putRecs(userId, caused, basisOf(state));
    // Superseded: a newer state was saved meanwhile and its list comes from whoever saved it or
    // reads next. The stored list keeps versions consistent for subscribers; with none stored
    // yet, this unstored one (version 0) is the best there is.
    return { recs: put.recs ?? { userId, version: 0, ...list }, changed: put.changed };
  }

  /**
   * The user's list as of their newest state and the flags in force: the stored one, or a fresh
   * one when their state or the flags changed since (the scorer recomputes at once only the lists somebody is subscribed to) or when
   * they have none yet (trending for a newcomer). `cause`: the newest event of the state, when
   * the caller knows it (read-your-writes), for a recomputed list to name it.
   */
  async current(userId: string, cause?: Pick<StoredRecs, 'receivedAt' | 'causedBy'>): Promise<StoredRecs> {
    const { recs, stale } = await this.store.readRecs(userId);
    if (recs && !stale && !this.computedUnderOtherFlags(recs)) return recs;
    return (await this.refresh(userId, undefined, cause)).recs;
  }

  /** The list was computed under other flags than those in force (a list without a stamp, written by hand or an older gateway, is not judged). */
  computedUnderOtherFlags(recs: StoredRecs): boolean {
    return recs.flags !== undefined && recs.flags !== flagsStamp(this.flags());
  }

  /** The catalogue changed: the next computation reads the out-of-stock set afresh. */
  catalogChanged(): void {
    this.outOfStock.invalidate();
  }

  /**
   * A stored list as a client may see it: products marked out of stock since it was computed are
   * dropped (the list is recomputed at the user's next event; until then it must not show them).
   */
  async visible(recs: StoredRecs): Promise<StoredRecs> {
    const unavailable = await this.outOfStock.ids();
    if (unavailable.size === 0 || !recs.items.some((i) => unavailable.has(i.productId))) return recs;
    return { ...recs, items: recs.items.filter((i) => !unavailable.has(i.productId)) };
  }
}

// Scores one batch of one topic partition: learn every event into the user states and the
// shared statistics, save them (which marks the users' lists stale), then hand the users somebody
// is subscribed to over to the refresh queue. The caller commits the batch's offsets once this
// resolves (at-least-once), without waiting for the refreshes: Redis then holds everything the
// events changed, and a list not yet recomputed is still marked stale. Learning is idempotent by
// eventId and the store skips positions it already applied, so the effect is exactly once.
import { productsOf, type EventEnvelope } from '../events/envelope';
import type { RecFlags } from '../flags/definitions';
import { emptyUserState, learnEvent, type ScoringEvent, type UserState } from '../recommend';
import type { Recommender, RecommenderStore } from '../recommender/recommender';
import { StaleWriteError } from '../errors';
import type { DeadLetterSink } from '../log/deadLetters';
import { parseSource } from '../log/types';
import { basisOf, type CatalogStore, type CorruptState, type PositionedDelta, type PresenceStore } from '../store/types';
import { createReadCache } from './readCache';
import { createRefreshQueue, type RefreshCause, type RefreshQueue } from './refreshQueue';

export interface ScoredRecord {
  offset: number;
  event: EventEnvelope;
  /** The record's partition when a batch mixes several (a replay merges a user's topics by time); default: the batch's. */
  source?: string;
}

export interface BatchResult {
  learned: number;
  duplicates: number;
  /** Lists handed to the refresh queue because someone is subscribed to them. */
  listsRefreshed: number;
  /** Lists left stale, to be recomputed when somebody reads them. */
  listsDeferred: number;
  /** Stored user states that no longer decoded: set aside, the users start again from an empty state. */
  corruptStates: number;
}

export interface ScorerOptions {
  /** What scoring touches: the recommender's parts, who is listening, products' categories. */
  store: RecommenderStore & PresenceStore & Pick<CatalogStore, 'getProducts'>;
  recommender: Recommender;
  flags: () => RecFlags;
  /** How long refreshes share a statistics read (ms): other shoppers' latest fraction of a second may be missing from a list. */
  readCacheMs?: number;
  /** Refreshes running at once. */
  refreshConcurrency?: number;
  onRefreshed?: (result: { changed: boolean }) => void;
  onRefreshError?: (userId: string, err: unknown) => void;
  /** Where corrupt stored states go before they are overwritten. */
  deadLetters: DeadLetterSink;
  /** State writes refused as stale (the batch then fails with StaleWriteError and is not committed). */
  onStaleWrites?: (count: number) => void;
  /** Counts the batch's clicks and conversions for the experiment report (idempotent by eventId: a redelivered batch counts nothing twice). */
  attribution?: { recordEvents(events: readonly EventEnvelope[]): Promise<void> };
}

export interface Scorer {
  scoreBatch(source: string, records: ScoredRecord[]): Promise<BatchResult>;
  /** Subscribed shoppers' lists waiting to be recomputed. */
  refreshes: RefreshQueue;
}

export function toScoringEvent(event: EventEnvelope): ScoringEvent {
  return {
    eventId: event.eventId,
    userId: event.userId,
    type: event.type,
    productIds: productsOf(event),
    at: Date.parse(event.occurredAt),
  };
}

export function createScorer({
  store,
  recommender,
  flags,
  readCacheMs = 500,
  refreshConcurrency = 64,
  onRefreshed,
  onRefreshError,
  deadLetters,
  onStaleWrites,
  attribution,
}: ScorerOptions): Scorer {
  // Refreshes share their reads (popular products are in most lists): one read per key per readCacheMs.
  const reading = recommender.readingThrough(createReadCache(store, { ttlMs: readCacheMs, maxEntries: 20_000 }));
  const refreshes = createRefreshQueue({
    refresh: (userId, user, cause) => reading.refresh(userId, user, cause),
    concurrency: refreshConcurrency,
    onRefreshed,
    onError: onRefreshError,
  });

  async function scoreBatch(source: string, records: ScoredRecord[]): Promise<BatchResult> {
    if (records.length === 0) return { learned: 0, duplicates: 0, listsRefreshed: 0, listsDeferred: 0, corruptStates: 0 };
    const events = records.map((r) => ({ offset: r.offset, event: toScoringEvent(r.event) }));

    const batchProducts = new Set<string>();
    const batchUsers = new Set<string>();
    for (const { event } of events) {
      for (const id of event.productIds) batchProducts.add(id);
      batchUsers.add(event.userId);
    }
    const productIds = [...batchProducts];
    const userIds = [...batchUsers];
    const corrupt: CorruptState[] = [];
    const [products, users] = await Promise.all([store.getProducts(productIds), store.loadUsers(userIds, corrupt)]);
    // A state that no longer decodes would fail this batch on every retry (a poison pill): it goes
    // to the dead letters, before this batch's save overwrites it, and the user starts afresh.
    if (corrupt.length > 0) await deadLetters.setAside(corrupt.map((c) => corruptLetter(source, c, events.find((e) => e.event.userId === c.userId)!.offset)));
    const categories = new Map(productIds.map((id, i) => [id, products[i]?.category ?? null]));

    const ctx = { flags: flags(), categoryOf: (id: string) => categories.get(id) ?? null };
    const deltas = new Map<string, PositionedDelta[]>(); // per source: the store skips positions per source
    const touched = new Map<string, UserState>();
    const causes = new Map<string, RefreshCause>(); // per user, the newest event's (ISO strings sort by time)
    let duplicates = 0;
    for (let index = 0; index < events.length; index++) {
      const { offset, event } = events[index]!;
      const before = touched.get(event.userId) ?? users.get(event.userId) ?? emptyUserState();
      const learned = learnEvent(before, event, ctx);
      if (!learned.applied) {
        duplicates += 1;
        continue;
      }
      const from = records[index]!.source ?? source;
      let positioned = deltas.get(from);
      if (!positioned) deltas.set(from, (positioned = []));
      for (const delta of learned.deltas) positioned.push({ offset, delta });
      touched.set(event.userId, learned.user);
      const at = records[index]!.event.receivedAt;
      if (at >= (causes.get(event.userId)?.receivedAt ?? ''))
        causes.set(event.userId, { receivedAt: at, causedBy: { eventId: event.eventId, type: event.type } });
    }

    // Statistics first, user states second: if we die in between, the redelivered batch finds
    // the old states, recomputes the same deltas, and the store skips the ones it has.
    for (const [from, positioned] of deltas) await store.applyDeltas(from, positioned);
    // Every record, duplicates included: attribution keeps its own record of what it counted
    // (a crash between here and the state save must not lose the count on redelivery).
    await attribution?.recordEvents(records.map((r) => r.event));
    // Saving marks each user's list stale. Only lists somebody is subscribed to are recomputed
    // now; the rest wait for their next read (most shoppers never look at most versions). Asked
    // after the save: a subscriber who arrives later finds the list stale and recomputes it.
    // Fenced: each state is written only if the stored one is still the state it was computed
    // from. A refusal means another member saved since (it owns the partition now, and this one
    // was paused past its session timeout): the batch is left uncommitted and the owner scores it.
    // A corrupt stored state has no stamp to check: it is replaced unfenced (it was set aside above).
    const corruptIds = new Set(corrupt.map((c) => c.userId));
    const basis = new Map([...touched.keys()].filter((id) => !corruptIds.has(id)).map((id) => [id, basisOf(users.get(id) ?? emptyUserState())]));
    const { refused } = await store.saveUsers(touched, basis);
    for (const id of refused) touched.delete(id);
    const listened = await store.listening([...touched.keys()]);
    for (const userId of listened) refreshes.schedule(userId, touched.get(userId)!, causes.get(userId) ?? {});
    if (refused.length > 0) {
      onStaleWrites?.(refused.length);
      throw new StaleWriteError(source, refused);
    }
    return {
      learned: events.length - duplicates,
      duplicates,
      listsRefreshed: listened.size,
      listsDeferred: touched.size - listened.size,
      corruptStates: corrupt.length,
    };
  }
  return { scoreBatch, refreshes };
}
export type ScoreBatch = Scorer['scoreBatch'];

function corruptLetter(source: string, c: CorruptState, offset: number) {
  return { kind: 'state' as const, reason: c.reason, ...parseSource(source), offset, key: c.userId, value: c.raw };
}

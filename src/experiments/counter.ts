// Counts what experiment arms do: lists delivered (by the API and the live pushes) and the
// events the stream module consumes (clicks from lists, then add-to-carts and purchases). Each
// shopper's inputs go through the pure attribution step and are saved with a revision check,
// retried when another gateway or partition wrote the shopper meanwhile.
import type { EventEnvelope } from '../events/envelope';
import { retentionMs, type RecFlags } from '../flags/definitions';
import type { Product } from '../store/types';
import { attribute, type AttributionInput, type ConversionLine } from './attribution';
import { decodeListId, encodeListId, NO_EXPERIMENT, type ListRef } from '../events/listId';
import { listRefOf } from './listRef';
import type { ExperimentStore } from './store';
import { buildReport, type ExperimentReport } from './report';

/** Saves retried when other writers keep winning; then the batch fails and is delivered again. */
const MAX_ATTEMPTS = 8;

/** Deliveries wait at most this long in memory before they are saved... */
const DELIVERY_FLUSH_MS = 200;
/** ...or until this many shoppers have some. */
const DELIVERY_FLUSH_SHOPPERS = 500;

/** A list as a client receives it. */
export interface DeliveredList {
  userId: string;
  version: number;
  arm: string | null;
  strategy: string;
}

/** The name lists of the running experiment are counted under. */
export function experimentName(flags: Pick<RecFlags, 'experiment.recs'>): string | null {
  const experiment = flags['experiment.recs'];
  return experiment ? (experiment.name ?? 'recs') : null;
}

export interface ExperimentCounterOptions {
  store: ExperimentStore;
  flags: () => RecFlags;
  /** Catalogue prices, for purchase lines sent without one. */
  products: (ids: readonly string[]) => Promise<(Product | null)[]>;
  now?: () => number;
  /** Width of the report's time buckets (ms); default 5 minutes. */
  bucketMs?: number;
  /** Deliveries that could not be counted (nobody waits for their count). */
  onError?: (err: unknown) => void;
}

export class ExperimentCounter {
  private readonly now: () => number;
  private pending = new Map<string, AttributionInput[]>();
  private flushTimer: NodeJS.Timeout | null = null;
  constructor(private readonly options: ExperimentCounterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The list's attribution id as clients see it. */
  listId(recs: Omit<DeliveredList, 'userId'>): string {
    return encodeListId(listRefOf(recs, experimentName(this.options.flags())));
  }

  /**
   * A list reached the shopper (a query's answer or a push), `items` of it shown; a version counts once
   * per shopper. Never waited for: deliveries are buffered and saved a batch at a time (DELIVERY_FLUSH_MS),
   * so a read costs Redis nothing more and a failing count never fails the read. The report flushes first.
   */
  delivered(recs: DeliveredList, items: number): void {
    const listId = this.listId(recs);
    const input: AttributionInput = { kind: 'delivery', id: `L:${listId}`, ref: decodeListId(listId, 'listId'), items, at: this.now() };
    const inputs = this.pending.get(recs.userId);
    if (inputs) inputs.push(input);
    else this.pending.set(recs.userId, [input]);
    if (this.pending.size >= DELIVERY_FLUSH_SHOPPERS) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), DELIVERY_FLUSH_MS);
  }

  /** Saves the buffered deliveries (a failure is reported: those deliveries go uncounted). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.pending;
    this.pending = new Map();
    await Promise.all([...batch].map(([userId, inputs]) => this.update(userId, inputs).catch((err) => this.options.onError?.(err))));
  }

  /** The report of an experiment (default: the running one, else the lists counted outside any). */
  async report(experiment?: string | null): Promise<ExperimentReport> {
    await this.flush();
    const flags = this.options.flags();
    const running = experimentName(flags);
    const name = experiment ?? running ?? NO_EXPERIMENT;
    const armOrder = name === running ? flags['experiment.recs']!.arms.map((a) => a.name) : [];
    return buildReport(name, await this.options.store.totals(name), armOrder);
  }

  async experiments(): Promise<string[]> {
    await this.flush();
    return this.options.store.experiments();
  }

  /** The events of a consumed batch (any topic): counted once each, however often they are delivered. */
  async recordEvents(events: readonly EventEnvelope[]): Promise<void> {
    const missing = [...new Set(events.flatMap((e) => (e.type === 'purchase' ? e.items.filter((i) => i.price === null).map((i) => i.productId) : [])))];
    const products = missing.length > 0 ? await this.options.products(missing) : [];
    const price = new Map(missing.map((id, i) => [id, products[i]?.price ?? 0]));
    const perUser = new Map<string, AttributionInput[]>();
    for (const event of events) {
      const input = toInput(event, price);
      if (!input) continue;
      const inputs = perUser.get(event.userId);
      if (inputs) inputs.push(input);
      else perUser.set(event.userId, [input]);
    }
    await Promise.all([...perUser].map(([userId, inputs]) => this.update(userId, inputs)));
  }

  private async update(userId: string, inputs: AttributionInput[]): Promise<void> {
    const flags = this.options.flags();
    const windowMs = flags['attribution.windowMs'];
    for (let attempt = 1; ; attempt++) {
      const { state: before, revision } = await this.options.store.loadAttribution(userId);
      let state = before;
      const increments = [];
      for (const input of inputs) {
        const step = attribute(state, input, windowMs);
        state = step.state;
        increments.push(...step.increments);
      }
      // Per-shopper metrics are kept per time bucket too: their `at` becomes the bucket's start.
      const bucketMs = this.options.bucketMs ?? 5 * 60_000;
      for (const inc of increments) inc.at = Math.floor(inc.at / bucketMs) * bucketMs;
      if (state === before) return; // all counted before
      if (await this.options.store.saveAttribution(userId, revision, state, increments, Math.max(retentionMs(flags), 2 * windowMs))) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`attribution of ${userId}: ${MAX_ATTEMPTS} saves in a row lost to other writers`);
    }
  }
}

/** What an event means for attribution (null: nothing, a plain view). */
function toInput(event: EventEnvelope, price: ReadonlyMap<string, number>): AttributionInput | null {
  const ref = refOf(event);
  const at = Date.parse(event.occurredAt);
  switch (event.type) {
    case 'view':
      return ref ? { kind: 'click', id: event.eventId, productId: event.productId, ref, at } : null;
    case 'add_to_cart':
      return { kind: 'cart', id: event.eventId, ref, at, lines: [{ productId: event.productId, quantity: event.quantity, cents: 0 }] };
    case 'purchase': {
      const lines: ConversionLine[] = event.items.map((i) => ({
        productId: i.productId,
        quantity: i.quantity,
        cents: Math.round((i.price ?? price.get(i.productId) ?? 0) * 100) * i.quantity,
      }));
      return { kind: 'purchase', id: event.eventId, ref, at, lines };
    }
  }
}

/** The list an event came from; an envelope whose listId does not decode counts as from none (validated at the API). */
function refOf(event: EventEnvelope): ListRef | null {
  if (!event.fromRecommendation) return null;
  try {
    return decodeListId(event.fromRecommendation.listId, 'fromRecommendation.listId');
  } catch {
    return null;
  }
}

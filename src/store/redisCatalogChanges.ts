// Catalogue notices over Redis pub/sub, on the process's one subscriber connection (shared with
// RedisFeed): the ids of every product written (for product caches) and of those just marked out
// of stock (for re-pushes). RedisStore.upsertProducts publishes them in the same pipeline as the
// write, so every gateway hears of a change made on any of them (or by catalog:import).
import { UnavailableError } from '../errors';
import type { CatalogChanges } from './types';
import { redisKeys } from './redisKeys';
import { channelSubscriber, type ChannelSubscriber, type RedisClient } from './redisClient';

export class RedisCatalogChanges implements CatalogChanges {
  private readonly outOfStockChannel: string;
  private readonly changedChannel: string;
  private readonly outOfStock = new Set<(productIds: string[]) => void>();
  private readonly changed = new Set<(productIds: string[] | 'all') => void>();
  private readonly channelsOf: ChannelSubscriber;

  constructor(
    subscriber: RedisClient,
    prefix: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    const keys = redisKeys(prefix);
    this.outOfStockChannel = keys.catalogChannel;
    this.changedChannel = keys.productsChangedChannel;
    this.channelsOf = channelSubscriber(subscriber);
    this.channelsOf.onMessage((channel, message) => {
      if (channel === this.changedChannel) {
        const ids = this.parse(message);
        if (ids) this.announce(ids);
      } else if (channel === this.outOfStockChannel) {
        const ids = this.parse(message);
        if (!ids) return;
        // A cluster may deliver this before the same write's change notice (another slot): caches forget first.
        this.announce(ids);
        for (const listener of this.outOfStock) listener(ids);
      }
    });
    // Notices published while the connection is down are lost: whatever was cached may be stale.
    subscriber.on('close', () => this.announce('all'));
    // The connection's autoResubscribe is off (RedisFeed re-subscribes its own channels): ours too.
    subscriber.on('ready', () => void this.listen());
  }

  /** Subscribes the channels; resolves once Redis confirmed it. */
  async listen(): Promise<void> {
    try {
      await this.channelsOf.subscribe([this.changedChannel, this.outOfStockChannel]);
      // What was read between the drop and now was read unheard: forget it too.
      this.announce('all');
    } catch (err) {
      this.onError(new UnavailableError('redis', `could not subscribe to catalogue changes: ${(err as Error).message}`, err));
    }
  }

  onOutOfStock(listener: (productIds: string[]) => void): () => void {
    this.outOfStock.add(listener);
    return () => void this.outOfStock.delete(listener);
  }

  onProductsChanged(listener: (productIds: string[] | 'all') => void): () => void {
    this.changed.add(listener);
    return () => void this.changed.delete(listener);
  }

  private announce(ids: string[] | 'all'): void {
    for (const listener of this.changed) listener(ids);
  }

  private parse(message: string): string[] | null {
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch (err) {
      this.onError(err);
      return null;
    }
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : null;
  }
}

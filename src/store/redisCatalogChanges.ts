// Out-of-stock notices over Redis pub/sub, on the process's one subscriber connection (shared
// with RedisFeed). RedisStore.upsertProducts publishes them in the same pipeline as the write, so
// every gateway hears of a change made on any of them (or by catalog:import).
import { UnavailableError } from '../errors';
import type { CatalogChanges } from './types';
import { redisKeys } from './redisKeys';
import { channelSubscriber, type ChannelSubscriber, type RedisClient } from './redisClient';

export class RedisCatalogChanges implements CatalogChanges {
  private readonly channel: string;
  private readonly listeners = new Set<(productIds: string[]) => void>();
  private readonly channelsOf: ChannelSubscriber;

  constructor(
    subscriber: RedisClient,
    prefix: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.channel = redisKeys(prefix).catalogChannel;
    this.channelsOf = channelSubscriber(subscriber);
    this.channelsOf.onMessage((channel, message) => {
      if (channel === this.channel) this.dispatch(message);
    });
    // The connection's autoResubscribe is off (RedisFeed re-subscribes its own channels): ours too.
    subscriber.on('ready', () => void this.listen());
  }

  /** Subscribes the channel; resolves once Redis confirmed it. */
  async listen(): Promise<void> {
    try {
      await this.channelsOf.subscribe([this.channel]);
    } catch (err) {
      this.onError(new UnavailableError('redis', `could not subscribe to catalogue changes: ${(err as Error).message}`, err));
    }
  }

  onOutOfStock(listener: (productIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private dispatch(message: string): void {
    let ids: unknown;
    try {
      ids = JSON.parse(message);
    } catch (err) {
      this.onError(err);
      return;
    }
    if (!Array.isArray(ids)) return;
    const productIds = ids.filter((id): id is string => typeof id === 'string');
    for (const listener of this.listeners) listener(productIds);
  }
}

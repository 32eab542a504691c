// One Redis subscriber connection per process serves every websocket: channels are
// subscribed on the first listener and unsubscribed when the last one leaves. The feed
// re-subscribes every channel itself after a reconnect (ioredis's autoResubscribe is off: it
// drops a failed re-SUBSCRIBE silently) and then asks each subscription to re-read its list,
// since changes published while the connection was down never arrived. On a Redis Cluster the
// channels are sharded (SSUBSCRIBE on the primary of each channel's slot: src/store/redisClient.ts).
import { UnavailableError } from '../errors';
import type { RecsFeed, StoredRecs } from './types';
import { redisKeys } from './redisKeys';
import { channelSubscriber, type ChannelSubscriber, type RedisClient } from './redisClient';

type Listener = (recs: StoredRecs) => void;

interface Channel {
  listeners: Set<Listener>;
  /** Called after the channel was subscribed again on a new connection. */
  resyncs: Set<() => void>;
  /** The first SUBSCRIBE; everyone joining meanwhile waits for it and shares its failure. */
  subscribed: Promise<unknown>;
}

export interface RedisFeedOptions {
  onError?: (err: unknown) => void;
  /** Delay before retrying a failed re-subscription after a reconnect (ms). */
  retryMs?: number;
}

export class RedisFeed implements RecsFeed {
  private readonly channels = new Map<string, Channel>();
  private readonly keys;
  private readonly onError: (err: unknown) => void;
  private readonly retryMs: number;
  private connectedBefore = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly channelsOf: ChannelSubscriber;

  constructor(
    private readonly subscriber: RedisClient,
    prefix: string,
    options: RedisFeedOptions = {},
  ) {
    this.keys = redisKeys(prefix);
    this.onError = options.onError ?? (() => {});
    this.retryMs = options.retryMs ?? 500;
    this.channelsOf = channelSubscriber(subscriber);
    this.channelsOf.onMessage((channel, message) => this.dispatch(channel, message));
    subscriber.on('ready', () => {
      if (this.connectedBefore) void this.resubscribeAll();
      this.connectedBefore = true;
    });
    if (subscriber.status === 'ready') this.connectedBefore = true;
  }

  private dispatch(channel: string, message: string): void {
    const entry = this.channels.get(channel);
    if (!entry) return;
    let recs: StoredRecs;
    try {
      recs = JSON.parse(message) as StoredRecs;
    } catch (err) {
      this.onError(err);
      return;
    }
    for (const listener of entry.listeners) listener(recs);
  }

  /** After a reconnect: SUBSCRIBE every held channel again (retried until it works or the connection drops again), then resync. */
  private async resubscribeAll(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const names = [...this.channels.keys()];
    try {
      for (let i = 0; i < names.length; i += 1000) await this.channelsOf.subscribe(names.slice(i, i + 1000));
    } catch (err) {
      this.onError(new UnavailableError('redis', `re-subscribing ${names.length} channels failed; retrying: ${(err as Error).message}`, err));
      // A new 'ready' starts over by itself; otherwise try again on this connection.
      if (this.subscriber.status === 'ready') this.retry = setTimeout(() => void this.resubscribeAll(), this.retryMs).unref();
      return;
    }
    for (const name of names) for (const resync of this.channels.get(name)?.resyncs ?? []) resync();
  }

  async subscribe(userId: string, listener: Listener, onResync?: () => void): Promise<() => Promise<void>> {
    const channel = this.keys.recsChannel(userId);
    let entry = this.channels.get(channel);
    if (!entry) {
      const made: Channel = { listeners: new Set(), resyncs: new Set(), subscribed: this.channelsOf.subscribe([channel]) };
      this.channels.set(channel, (entry = made));
      // A failed SUBSCRIBE must not leave a channel entry behind: later subscribers would join it and never hear a thing.
      made.subscribed.catch(() => {
        if (this.channels.get(channel) === made) this.channels.delete(channel);
      });
    }
    entry.listeners.add(listener);
    if (onResync) entry.resyncs.add(onResync);
    try {
      await entry.subscribed;
    } catch (err) {
      entry.listeners.delete(listener);
      if (onResync) entry.resyncs.delete(onResync);
      throw new UnavailableError('redis', `could not subscribe to the list's updates: ${(err as Error).message}`, err);
    }
    let done = false;
    const held = entry;
    return async () => {
      if (done) return;
      done = true;
      held.listeners.delete(listener);
      if (onResync) held.resyncs.delete(onResync);
      if (held.listeners.size === 0 && this.channels.get(channel) === held) {
        this.channels.delete(channel);
        // Redis down: the connection's subscriptions are gone with it, and the channel is not re-subscribed.
        await this.channelsOf.unsubscribe(channel).catch((err: unknown) => this.onError(err));
      }
    };
  }

  /** Channels held right now (for metrics and tests: sockets closed = channels freed). */
  get channelCount(): number {
    return this.channels.size;
  }
}

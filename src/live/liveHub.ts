// Every subscription to one shopper's list on this process shares one entry: one feed listener,
// and per distinct document (with its variables) one execution per list version, whose result
// every subscriber of that document receives (graphql-ws serializes it per socket). A held
// subscription is one small object (LiveSubscription) in a Set, with no closures of its own: at
// 10,000 held subscriptions, what each one carries is what the process's memory is made of.
// Each message is a whole list, so a slow subscriber only ever needs the newest one.
import type { Recommender } from '../recommender/recommender';
import type { RecsFeed, StoredRecs } from '../store/types';

/** Turns a list version into what its subscribers receive (the execution of their document). */
export type Produce<R> = (recs: StoredRecs) => Promise<R> | R;

/** A subscription source whose events can be produced once for every subscriber of the same key. */
export interface SharedSource {
  share<R>(key: string, produce: Produce<R>): AsyncIterableIterator<R>;
  /** The same, with each value pushed to `target` (tagged) instead of pulled through next(). */
  forward<R>(key: string, produce: Produce<R>, target: PushTarget<R>, tag: string): AsyncIterableIterator<R>;
}

/**
 * Where a forwarded subscription's values go (a websocket): one object per socket serves all of
 * its subscriptions, told apart by `tag`. `sent` is called once the value is written (or cannot
 * be); until then newer versions wait, and only the newest of them goes next.
 */
export interface PushTarget<R> {
  push(tag: string, value: R, sent: () => void): void;
}

export function isSharedSource(value: unknown): value is SharedSource {
  return typeof (value as Partial<SharedSource> | null)?.share === 'function';
}

const RAW = '\0raw';
const asIs: Produce<StoredRecs> = (recs) => recs;

/** One key's subscribers of one shopper: the newest produced value, produced once per version. */
class Group {
  readonly members = new Set<LiveSubscription<unknown>>();
  /** The newest version produced (values are not kept: a held list would cost KBs per shopper). */
  version = 0;
  /** The newest version asked for; the one after the running production waits in `queued`. */
  private wanted = 0;
  private queued: StoredRecs | null = null;
  private running = false;

  constructor(
    readonly key: string,
    readonly produce: Produce<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  update(recs: StoredRecs): void {
    if (recs.version <= this.wanted) return;
    this.wanted = recs.version;
    this.queued = recs;
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queued) {
      const recs = this.queued;
      this.queued = null;
      try {
        const value = await this.produce(recs);
        if (recs.version <= this.version) continue;
        this.version = recs.version;
        for (const member of this.members) member.offer(value, recs);
      } catch (err) {
        this.onError(err);
      }
    }
    this.running = false;
  }
}

/** One shopper's subscriptions on this process. */
class Entry {
  /** The newest version heard from the feed or read (the list itself is not kept). */
  version = 0;
  readonly groups = new Map<string, Group>();
  /** Subscriptions holding this entry (opened and not yet returned). */
  holders = 0;
  unsubscribe: (() => Promise<void>) | null = null;
  subscribed: Promise<void> = Promise.resolve();
  /** Coalescing (push.coalesceMs): when the groups were last handed a list, and the newest list held back since. */
  private forwardedAt = -Infinity;
  private held: StoredRecs | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly userId: string,
    private readonly coalesceMs: () => number,
  ) {}

  /**
   * A newer list goes to the groups at once, unless one went less than coalesceMs ago: then it is
   * held, replacing any list held before, and handed over when the interval is up. The newest list
   * is therefore always pushed, at most once per interval.
   */
  offer(recs: StoredRecs): void {
    if (recs.version <= this.version) return;
    this.version = recs.version;
    const interval = this.coalesceMs();
    const now = performance.now();
    if (this.timer === null && (interval <= 0 || now - this.forwardedAt >= interval)) return this.forward(recs, now);
    this.held = recs;
    this.timer ??= setTimeout(() => this.flush(), Math.max(0, this.forwardedAt + interval - now));
  }

  /** The entry is dropped: a list still held back has nobody left to go to. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.held = null;
  }

  private flush(): void {
    this.timer = null;
    const held = this.held;
    this.held = null;
    if (held) this.forward(held, performance.now());
  }

  private forward(recs: StoredRecs, now: number): void {
    this.forwardedAt = now;
    for (const group of this.groups.values()) group.update(recs);
  }
}

export interface LiveHubOptions {
  feed: RecsFeed;
  recommender: Recommender;
  /** At most one push per shopper per this many ms (the flag push.coalesceMs, read at each change); default 0 = off. */
  coalesceMs?: () => number;
  /** A production failed (that version is skipped; the next one is produced as usual). */
  onError?: (err: unknown) => void;
}

export class LiveHub {
  private readonly entries = new Map<string, Entry>();
  private readonly feed: RecsFeed;
  private readonly recommender: Recommender;
  private readonly coalesceMs: () => number;
  /** Lists read when a subscription opened: their first message is no push (latencyMs says nothing about them). */
  private readonly readAtOpen = new WeakSet<StoredRecs>();
  readonly onError: (err: unknown) => void;

  constructor(options: LiveHubOptions) {
    this.feed = options.feed;
    this.recommender = options.recommender;
    this.coalesceMs = options.coalesceMs ?? (() => 0);
    this.onError = options.onError ?? (() => {});
  }

  /**
   * A subscription to the shopper's list: listening (rejects when the feed cannot listen), with
   * the current list read. Iterate it for the lists themselves, or `share` it to receive what a
   * document makes of each version.
   */
  async open(userId: string): Promise<LiveSubscription<StoredRecs>> {
    let entry = this.entries.get(userId);
    if (!entry) entry = this.listen(userId);
    entry.holders += 1;
    try {
      await entry.subscribed;
      // Read after listening, so nothing published in between is missed; every subscriber reads
      // (not only the first): a list stored under older flags is recomputed by this read.
      const current = await this.recommender.current(userId);
      this.readAtOpen.add(current);
      entry.offer(current);
      return new LiveSubscription<StoredRecs>(this, entry, current);
    } catch (err) {
      await this.release(entry);
      throw err;
    }
  }

  /** The list was read when a subscription opened (its first message), not pushed by a change. */
  wasReadAtOpen(recs: StoredRecs): boolean {
    return this.readAtOpen.has(recs);
  }

  /** Shoppers with a subscription here. */
  get size(): number {
    return this.entries.size;
  }

  delivered(recs: StoredRecs): void {
    this.feed.delivered?.(recs);
  }

  private listen(userId: string): Entry {
    const entry = new Entry(userId, this.coalesceMs);
    this.entries.set(userId, entry);
    // After the feed's connection came back, pushes may have been missed: offer the current list
    // (after a Redis loss it is recomputed with a higher version; see nextVersion).
    const resync = () =>
      void this.recommender.current(userId).then(
        (recs) => entry.offer(recs),
        () => undefined,
      );
    entry.subscribed = this.feed
      .subscribe(userId, (recs) => entry.offer(recs), resync)
      .then((unsubscribe) => {
        entry.unsubscribe = unsubscribe;
      });
    return entry;
  }

  /**
   * @internal LiveSubscription joins its key's group with the list it read at open: a group that
   * has produced that version already produces it once more for the newcomer alone; otherwise the
   * group produces it for everyone.
   */
  join(entry: Entry, member: LiveSubscription<unknown>, key: string, produce: Produce<unknown>, first: StoredRecs): Group {
    let group = entry.groups.get(key);
    if (!group) entry.groups.set(key, (group = new Group(key, produce, this.onError)));
    group.members.add(member);
    if (group.version >= first.version) {
      Promise.resolve(first)
        .then(group.produce)
        .then((value) => member.offer(value, first), this.onError);
    } else group.update(first);
    return group;
  }

  /** @internal */
  leave(entry: Entry, member: LiveSubscription<unknown>, group: Group | null): Promise<void> {
    if (group) {
      group.members.delete(member);
      if (group.members.size === 0 && entry.groups.get(group.key) === group) entry.groups.delete(group.key);
    }
    return this.release(entry);
  }

  private async release(entry: Entry): Promise<void> {
    entry.holders -= 1;
    if (entry.holders > 0) return;
    if (this.entries.get(entry.userId) === entry) this.entries.delete(entry.userId);
    entry.close();
    const unsubscribe = entry.unsubscribe;
    entry.unsubscribe = null;
    await unsubscribe?.();
  }
}

/**
 * One subscriber: the current list first, then every newer version it has not seen. graphql-ws
 * asks for the next value only after it has sent the last one, so the next call to next() is
 * the moment a push left (reported to the feed's `delivered`). Forwarded (`forward`), it pushes
 * each value to its target itself, with the same newest-only rule, and nothing waits in next().
 */
export class LiveSubscription<R> implements AsyncIterableIterator<R>, SharedSource {
  private group: Group | null = null;
  private pending: R | undefined = undefined;
  private pendingRecs: StoredRecs | null = null;
  private waiting: ((result: IteratorResult<R>) => void) | null = null;
  /** The change handed out last (not the first list, which is no push). */
  private handedOut: StoredRecs | null = null;
  /** The version handed out last; the first list handed out is at least the one read at open. */
  private last: number;
  private started = false;
  private closed = false;
  /** The list read at open, until the subscription joins its group. */
  private first: StoredRecs | null;
  /** Forwarded: where values go, this subscription's tag there, and whether one is being written. */
  private target: PushTarget<R> | null = null;
  private tag = '';
  private sending = false;

  constructor(
    private readonly hub: LiveHub,
    private readonly entry: Entry,
    first: StoredRecs,
  ) {
    this.first = first;
    this.last = first.version - 1;
  }

  share<T>(key: string, produce: Produce<T>): LiveSubscription<T> {
    const { first } = this;
    if (!first || this.closed) throw new Error('a live subscription is shared or iterated once, while open');
    this.first = null;
    const self = this as unknown as LiveSubscription<T>;
    self.group = this.hub.join(this.entry, self as LiveSubscription<unknown>, key, produce, first);
    return self;
  }

  forward<T>(key: string, produce: Produce<T>, target: PushTarget<T>, tag: string): LiveSubscription<T> {
    const self = this as unknown as LiveSubscription<T>;
    self.target = target;
    self.tag = tag;
    return self.share(key, produce);
  }

  [Symbol.asyncIterator](): LiveSubscription<R> {
    return this.group || this.closed ? this : (this.share(RAW, asIs) as unknown as LiveSubscription<R>);
  }

  /** @internal A group's newest value; only newer versions than the last handed out count. */
  offer(value: unknown, recs: StoredRecs): void {
    if (this.closed || recs.version <= this.last) return;
    if (this.target && !this.sending) this.push(value as R, recs);
    else if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.handOut(recs);
      resolve({ value: value as R, done: false });
    } else if (!this.pendingRecs || recs.version > this.pendingRecs.version) {
      this.pending = value as R;
      this.pendingRecs = recs;
    }
  }

  async next(): Promise<IteratorResult<R>> {
    if (this.handedOut) {
      this.hub.delivered(this.handedOut);
      this.handedOut = null;
    }
    if (this.closed) return { value: undefined, done: true };
    const recs = this.pendingRecs;
    if (recs) {
      const value = this.pending as R;
      this.pending = undefined;
      this.pendingRecs = null;
      if (recs.version > this.last) {
        this.handOut(recs);
        return { value, done: false };
      }
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<R>> {
    if (!this.closed) {
      this.closed = true;
      this.pending = undefined;
      this.pendingRecs = null;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
      await this.hub.leave(this.entry, this as LiveSubscription<unknown>, this.group);
    }
    return { value: undefined, done: true };
  }

  async throw(err?: unknown): Promise<IteratorResult<R>> {
    await this.return();
    throw err;
  }

  private push(value: R, recs: StoredRecs): void {
    const change = this.started;
    this.handOut(recs);
    this.handedOut = null;
    this.sending = true;
    this.target!.push(this.tag, value, () => this.pushed(change ? recs : null));
  }

  /** The last push was written: report it, then push the newest version that came meanwhile. */
  private pushed(change: StoredRecs | null): void {
    this.sending = false;
    if (change) this.hub.delivered(change);
    const recs = this.pendingRecs;
    if (this.closed || !recs) return;
    const value = this.pending as R;
    this.pending = undefined;
    this.pendingRecs = null;
    if (recs.version > this.last) this.push(value, recs);
  }

  private handOut(recs: StoredRecs): void {
    this.last = recs.version;
    if (this.started) this.handedOut = recs;
    this.started = true;
  }
}

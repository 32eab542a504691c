// "ours": the strategy the gateway serves, evaluated through exactly its code. Learning is the
// production learnEvent into the same statistics the embedded store keeps (MemoryStats); a list
// is planned, looked up and ranked as the Recommender does it, only without the async store.
import { readFileSync } from 'node:fs';
import { defaultFlags, type RecFlags } from '../../flags/definitions';
import {
  emptyUserState,
  learnEvent,
  planLookups,
  planNeighbours,
  parseRankerModel,
  rankForUser,
  RANKING,
  type InteractionType,
  type LearnContext,
  type RankInput,
  type RankerModel,
  type RankTuning,
  type RecentItem,
  type ScoringEvent,
  type UserState,
} from '../../recommend';
import { MemoryStats } from '../../store/memoryStats';
import type { EvalEvent, MethodDefinition, SessionContext, SessionRecommender } from '../types';
import { checkOptions } from './options';

const TYPE: Record<EvalEvent['type'], InteractionType> = { view: 'view', cart: 'add_to_cart', purchase: 'purchase' };

export interface OursOptions {
  flags?: RecFlags;
  tuning?: RankTuning;
  /** Whether items of the current session may be predicted (the live list leaves out the item on screen). */
  keepViewed?: boolean;
  /** A learned blend re-ranking the hand blend's best (as the flag `ranker.model` does live). */
  model?: RankerModel | null;
}

export class Ours implements SessionRecommender {
  readonly name = 'ours';
  private readonly stats = new MemoryStats();
  /** The store's user states: each session is a "user". */
  private readonly sessions = new Map<string, UserState>();
  private readonly categories = new Map<string, string>();
  private readonly flags: RecFlags;
  private readonly tuning: RankTuning;
  private readonly keepViewed: boolean;
  private readonly model: RankerModel | null;
  private lastQuery: { sessionId: string; length: number; user: UserState } | null = null;
  private counter = 0;

  constructor({ flags = defaultFlags(), tuning = RANKING, keepViewed = true, model = null }: OursOptions = {}) {
    this.flags = flags;
    this.model = model;
    this.tuning = tuning;
    this.keepViewed = keepViewed;
    this.ctx = { flags: this.flags, categoryOf: (id) => this.categories.get(id) ?? null };
  }

  /** One string object per id, so that every map lookup of an id compares by reference. */
  private readonly ids = new Map<string, string>();
  private intern(id: string): string {
    const known = this.ids.get(id);
    if (known !== undefined) return known;
    this.ids.set(id, id);
    return id;
  }

  private scoring(event: EvalEvent): ScoringEvent {
    return {
      eventId: `e${this.counter++}`,
      userId: this.intern(event.sessionId),
      type: TYPE[event.type],
      productIds: [this.intern(event.itemId)],
      at: event.ts,
    };
  }

  private readonly ctx: LearnContext;

  learn(event: EvalEvent): void {
    if (event.category) this.categories.set(event.itemId, event.category);
    const scoring = this.scoring(event);
    const learned = learnEvent(this.sessions.get(scoring.userId) ?? emptyUserState(), scoring, this.ctx);
    this.sessions.set(scoring.userId, learned.user);
    for (const delta of learned.deltas) this.stats.add(delta);
  }

  recommend(session: SessionContext, k: number): string[] {
    return rankForUser(this.rankInput(session, k)).map((item) => item.productId);
  }

  /** What the gateway's Recommender would hand the ranking for this session now. */
  protected rankInput(session: SessionContext, k: number): RankInput {
    // The session's own state from its events so far; what it would add to the shared
    // statistics is dropped, so asking never changes later answers.
    // (Protocols ask for a session's prefixes in order: the state of the previous prefix is kept and
    // only the new event learnt, as the gateway keeps a user's state between events.)
    const last = this.lastQuery;
    let user = emptyUserState();
    let from = 0;
    if (last && last.sessionId === session.sessionId && last.length < session.events.length) {
      user = last.user;
      from = last.length;
    }
    for (let i = from; i < session.events.length; i++) user = learnEvent(user, this.scoring(session.events[i]!), this.ctx).user;
    this.lastQuery = { sessionId: session.sessionId, length: session.events.length, user };
    const plan = planLookups(user, 'personalized', k, this.tuning);
    const trending = this.stats.trending([null, ...plan.categories], plan.trendingLimit);
    const recentUsers = this.stats.recentSessions(plan.sessionItems, plan.usersPerItem);
    const lists: (readonly RecentItem[])[] = [];
    for (const id of planNeighbours(this.intern(session.sessionId), recentUsers, this.tuning.neighbourhood)) {
      const recent = this.sessions.get(id)?.recent;
      if (recent) lists.push(recent);
    }
    const neighbours = { size: lists.length, values: () => lists };
    return {
      user,
      strategy: 'personalized',
      flags: this.flags,
      limit: k,
      alsoViewed: this.stats.alsoViewed(plan.recent, plan.neighbourLimit),
      boughtTogether: this.stats.boughtTogether(plan.basket, plan.neighbourLimit),
      trending: trending.get(null) ?? [],
      trendingByCategory: trending,
      unavailable: new Set(),
      neighbours,
      now: session.now,
      keepViewed: this.keepViewed,
      tuning: this.tuning,
      model: this.model,
    };
  }
}

const NUMERIC = {
  halfLifeHours: 'number',
  view: 'number',
  cart: 'number',
  purchase: 'number',
  sessions: 'number',
  covis: 'number',
  covisItems: 'number',
  covisDecay: 'number',
  bought: 'number',
  repeat: 'number',
  repeatDecay: 'number',
  idf: 'number',
  idfItems: 'number',
  queryItems: 'number',
  usersPerItem: 'number',
  sample: 'number',
  itemsPerNeighbour: 'number',
  k: 'number',
  spw: 'number',
  snh: 'number',
  inh: 'number',
  ipw: 'number',
} as const;
type OursCliOptions = { [K in keyof typeof NUMERIC]?: number } & { keepViewed?: boolean; model?: string };

/** A model file as `npm run train` writes it. */
export function readModelFile(path: string): RankerModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`model file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`model file ${path}: not JSON`);
  }
  return parseRankerModel(json, `model file ${path}`);
}

export const ours: MethodDefinition = {
  key: 'ours',
  description:
    'the strategy the gateway serves (src/recommend through MemoryStats), flag defaults; options override flags and tuning; model=<file> re-ranks with a learned blend',
  inDefaultRun: true,
  create: (o) => {
    const opts = checkOptions<OursCliOptions>('ours', o, { ...NUMERIC, keepViewed: 'boolean', model: 'string' });
    const flags = defaultFlags();
    if (opts.halfLifeHours !== undefined) flags['decay.halfLifeHours'] = opts.halfLifeHours;
    if (opts.view !== undefined) flags['weights.view'] = opts.view;
    if (opts.cart !== undefined) flags['weights.addToCart'] = opts.cart;
    if (opts.purchase !== undefined) flags['weights.purchase'] = opts.purchase;
    const n = RANKING.neighbourhood;
    const tuning: RankTuning = {
      sessions: opts.sessions ?? RANKING.sessions,
      covis: opts.covis ?? RANKING.covis,
      covisItems: opts.covisItems ?? RANKING.covisItems,
      covisDecay: opts.covisDecay ?? RANKING.covisDecay,
      bought: opts.bought ?? RANKING.bought,
      repeat: opts.repeat ?? RANKING.repeat,
      repeatDecay: opts.repeatDecay ?? RANKING.repeatDecay,
      idf: opts.idf ?? RANKING.idf,
      idfItems: opts.idfItems ?? RANKING.idfItems,
      neighbourhood: {
        queryItems: opts.queryItems ?? n.queryItems,
        usersPerItem: opts.usersPerItem ?? n.usersPerItem,
        sample: opts.sample ?? n.sample,
        itemsPerNeighbour: opts.itemsPerNeighbour ?? n.itemsPerNeighbour,
        k: opts.k ?? n.k,
        spw: opts.spw ?? n.spw,
        snhDays: opts.snh ?? n.snhDays,
        inh: opts.inh ?? n.inh,
        ipw: opts.ipw ?? n.ipw,
      },
    };
    return new Ours({ flags, tuning, keepViewed: opts.keepViewed ?? true, model: opts.model === undefined ? null : readModelFile(opts.model) });
  },
};

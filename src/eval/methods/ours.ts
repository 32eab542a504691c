// "ours": the strategy the gateway serves, evaluated through exactly its code. Learning is the
// production learnEvent into the same statistics the embedded store keeps (MemoryStats); a list
// is planned, looked up and ranked as the Recommender does it, only without the async store.
import { defaultFlags, type RecFlags } from '../../flags/definitions';
import { emptyUserState, learnEvent, planLookups, rankForUser, type InteractionType, type ScoringEvent, type UserState } from '../../recommend';
import { MemoryStats } from '../../store/memoryStats';
import type { EvalEvent, MethodDefinition, SessionContext, SessionRecommender } from '../types';
import { checkOptions } from './options';

const TYPE: Record<EvalEvent['type'], InteractionType> = { view: 'view', cart: 'add_to_cart', purchase: 'purchase' };

export class Ours implements SessionRecommender {
  readonly name = 'ours';
  private readonly stats = new MemoryStats();
  private readonly sessions = new Map<string, UserState>();
  private readonly categories = new Map<string, string>();
  private landmark: number | null = null;
  private counter = 0;

  constructor(private readonly flags: RecFlags = defaultFlags()) {}

  private scoring(event: EvalEvent): ScoringEvent {
    return { eventId: `e${this.counter++}`, userId: event.sessionId, type: TYPE[event.type], productIds: [event.itemId], at: event.ts };
  }

  private context() {
    return { flags: this.flags, landmark: this.landmark!, categoryOf: (id: string) => this.categories.get(id) ?? null };
  }

  learn(event: EvalEvent): void {
    this.landmark ??= event.ts;
    if (event.category) this.categories.set(event.itemId, event.category);
    const learned = learnEvent(this.sessions.get(event.sessionId) ?? emptyUserState(), this.scoring(event), this.context());
    this.sessions.set(event.sessionId, learned.user);
    for (const delta of learned.deltas) this.stats.add(delta);
  }

  recommend(session: SessionContext, k: number): string[] {
    this.landmark ??= session.now;
    // The session's own state from its events so far; what it would add to the shared
    // statistics is dropped, so asking never changes later answers.
    let user = emptyUserState();
    for (const event of session.events) user = learnEvent(user, this.scoring(event), this.context()).user;
    const plan = planLookups(user, 'personalized', k);
    const trending = this.stats.trending([null, ...plan.categories], plan.trendingLimit);
    return rankForUser({
      user,
      strategy: 'personalized',
      flags: this.flags,
      limit: k,
      alsoViewed: this.stats.alsoViewed(plan.recent, plan.neighbourLimit),
      boughtTogether: this.stats.boughtTogether(plan.basket, plan.neighbourLimit),
      trending: trending.get(null) ?? [],
      trendingByCategory: trending,
      unavailable: new Set(),
    }).map((item) => item.productId);
  }
}

export const ours: MethodDefinition = {
  key: 'ours',
  description: 'the strategy the gateway serves (src/recommend through MemoryStats), flag defaults',
  inDefaultRun: true,
  create: (o) => {
    const opts = checkOptions<{ halfLifeHours?: number }>('ours', o, { halfLifeHours: 'number' });
    const flags = defaultFlags();
    if (opts.halfLifeHours !== undefined) flags['decay.halfLifeHours'] = opts.halfLifeHours;
    return new Ours(flags);
  },
};

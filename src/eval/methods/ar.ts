// AR, association rules of size two (session-rec `baselines.ar.AssociationRules`, defaults
// pruning=20): every pair of events in a session, in either order and at any distance, counts
// once in each direction. A pair of the same item counts twice into one rule, as in session-rec
// (its two increments hit the same dict cell). Prediction: the rules of the session's last item.
import { RuleRecommender } from './rules';

export interface ArOptions {
  pruning?: number;
}

export class AssociationRules extends RuleRecommender {
  readonly name = 'AR';

  constructor({ pruning = 20 }: ArOptions = {}) {
    super(pruning);
  }

  protected addRules(previous: readonly number[], item: number): void {
    for (const other of previous) {
      this.bump(other, item, 1);
      this.bump(item, other, 1);
    }
  }
}

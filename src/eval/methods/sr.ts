// SR, sequential rules (session-rec `baselines.sr.SequentialRules`, Kamehkhosh et al. 2017):
// when item b follows item a within `steps` events of a session, rule a -> b gains weight
// w(distance); only forward rules. Prediction: the rules of the session's last item, pruned to
// the 20 strongest. Defaults: session-rec's rsc15 configuration (steps 8, weighting div), which
// produced REFERENCE.md's figure; the class default would be steps 10.
import { RuleRecommender } from './rules';

export type SrWeighting = 'same' | 'div' | 'linear' | 'log' | 'quadratic';

export const SR_WEIGHTINGS: Record<SrWeighting, (i: number) => number> = {
  same: () => 1,
  div: (i) => 1 / i,
  linear: (i) => (i <= 100 ? 1 - 0.1 * i : 0),
  log: (i) => 1 / Math.log10(i + 1.7),
  quadratic: (i) => 1 / (i * i),
};

export interface SrOptions {
  steps?: number;
  weighting?: SrWeighting;
  pruning?: number;
}

export class SequentialRules extends RuleRecommender {
  readonly name = 'SR';
  private readonly steps: number;
  private readonly weight_: (i: number) => number;

  constructor({ steps = 8, weighting = 'div', pruning = 20 }: SrOptions = {}) {
    super(pruning);
    const w = SR_WEIGHTINGS[weighting];
    if (!w) throw new RangeError(`sr: unknown weighting ${String(weighting)} (use ${Object.keys(SR_WEIGHTINGS).join(', ')})`);
    if (!(steps >= 1)) throw new RangeError(`sr: steps must be >= 1, got ${steps}`);
    this.steps = steps;
    this.weight_ = w;
  }

  protected addRules(previous: readonly number[], item: number): void {
    const n = Math.min(this.steps, previous.length);
    for (let i = 1; i <= n; i++) this.bump(previous[previous.length - i]!, item, this.weight_(i));
  }
}

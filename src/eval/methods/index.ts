// The method registry: every method the evaluation can run, by its command-line key.
//
// ADDING A METHOD is one entry in METHODS below (plus its import). A MethodDefinition says how
// to build a fresh SessionRecommender (see ../types.ts) from `--methods key:opt=value` options.
// The production strategy ("ours") plugs in the same way, through an adapter in ./ours.ts that
// exports a MethodDefinition with key 'ours':
//
//     import { ours } from './ours';
//     ...
//     export const METHODS: readonly MethodDefinition[] = [pop, trending, ..., ours];
//
// Every method gets a fresh instance per run, learns through `learn(event)` (and optionally a
// batch `fit(train)`), and answers `recommend(session, k)`; see SessionRecommender.
import type { MethodDefinition, SessionRecommender } from '../types';
import { AssociationRules } from './ar';
import { Sknn, type SknnOptions } from './knn/sknn';
import { Stan, Vstan, type StanOptions, type VstanOptions } from './knn/stan';
import { Vsknn, type VsknnOptions } from './knn/vsknn';
import { checkOptions, type MethodSpec } from './options';
import { ours } from './ours';
import { Pop } from './pop';
import { SequentialRules, type SrOptions } from './sr';
import { DecayedTrending } from './trending';

export const pop: MethodDefinition = {
  key: 'pop',
  description: 'most frequent items (session-rec baselines.pop)',
  inDefaultRun: true,
  create: (o) => new Pop(checkOptions('pop', o, { trackTop: 'number' })),
};

export const trending: MethodDefinition = {
  key: 'trending',
  description: 'decayed trending: event-time half-life 24 h, weights view 1 / cart 3 / purchase 5 (the gateway flag defaults)',
  inDefaultRun: true,
  create: (o) => {
    const opts = checkOptions<{ halfLifeHours?: number; weightView?: number; weightCart?: number; weightPurchase?: number }>('trending', o, {
      halfLifeHours: 'number',
      weightView: 'number',
      weightCart: 'number',
      weightPurchase: 'number',
    });
    return new DecayedTrending({
      ...(opts.halfLifeHours !== undefined ? { halfLifeHours: opts.halfLifeHours } : {}),
      weights: {
        ...(opts.weightView !== undefined ? { view: opts.weightView } : {}),
        ...(opts.weightCart !== undefined ? { cart: opts.weightCart } : {}),
        ...(opts.weightPurchase !== undefined ? { purchase: opts.weightPurchase } : {}),
      },
    });
  },
};

export const ar: MethodDefinition = {
  key: 'ar',
  description: 'association rules of the last item (session-rec baselines.ar, pruning 20)',
  inDefaultRun: true,
  create: (o) => new AssociationRules(checkOptions('ar', o, { pruning: 'number' })),
};

export const sr: MethodDefinition = {
  key: 'sr',
  description: 'sequential rules of the last item (session-rec baselines.sr; rsc15 config steps 8, div, pruning 20)',
  inDefaultRun: true,
  create: (o) => new SequentialRules(checkOptions<SrOptions>('sr', o, { steps: 'number', weighting: 'string', pruning: 'number' })),
};

export const sknn: MethodDefinition = {
  key: 'sknn',
  description: 'session kNN (session-rec knn.sknn; rsc15 config k 500, sample 10000, jaccard, recent)',
  inDefaultRun: true,
  create: (o) => new Sknn(checkOptions<SknnOptions>('sknn', o, { k: 'number', sampleSize: 'number', similarity: 'string' })),
};

export const vsknn: MethodDefinition = {
  key: 'vsknn',
  description: 'vector-multiplication session kNN (session-rec knn.vsknn; rsc15 config k 100, sample 1000, quadratic/quadratic)',
  inDefaultRun: true,
  create: (o) =>
    new Vsknn(
      checkOptions<VsknnOptions>('vsknn', o, {
        k: 'number',
        sampleSize: 'number',
        weighting: 'string',
        weightingScore: 'string',
        similarity: 'string',
        idfWeighting: 'number',
        remind: 'boolean',
      }),
    ),
};

const stanKeys = { k: 'number', sampleSize: 'number', lambdaSpw: 'number', lambdaSnh: 'number', lambdaInh: 'number', remind: 'boolean' } as const;

export const stan: MethodDefinition = {
  key: 'stan',
  description: 'sequence and time aware kNN (session-rec knn.stan; k 1000, sample 10000, spw 0.5, snh 20 d, inh 0.5)',
  inDefaultRun: true,
  create: (o) => new Stan(checkOptions<StanOptions>('stan', o, stanKeys)),
};

export const vstan: MethodDefinition = {
  key: 'vstan',
  description: 'STAN + V-SKNN extensions (session-rec knn.vstan; k 2000, sample 2500, spw 8, snh 10, inh 8, ipw 0.5, idf 2)',
  inDefaultRun: true,
  create: (o) => new Vstan(checkOptions<VstanOptions>('vstan', o, { ...stanKeys, lambdaIpw: 'number', lambdaIdf: 'number', similarity: 'string' })),
};

/** All known methods, in the order results are shown. Add new ones here. */
export const METHODS: readonly MethodDefinition[] = [pop, trending, ar, sr, sknn, vsknn, stan, vstan, ours];

export function findMethod(key: string, registry: readonly MethodDefinition[] = METHODS): MethodDefinition {
  const def = registry.find((m) => m.key === key);
  if (!def) throw new Error(`unknown method "${key}"; known: ${registry.map((m) => m.key).join(', ')}`);
  return def;
}

export function defaultMethodKeys(registry: readonly MethodDefinition[] = METHODS): string[] {
  return registry.filter((m) => m.inDefaultRun).map((m) => m.key);
}

/** A fresh instance of the method a spec names. */
export function createMethod(spec: MethodSpec, registry: readonly MethodDefinition[] = METHODS): SessionRecommender {
  return findMethod(spec.key, registry).create(spec.options);
}

// What each field costs, declared on the resolvers' fields (type-graphql `complexity`) and summed
// by the server's cost limit (src/server/security/cost.ts): every field costs 1 plus its children.
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { LIMIT_BOUNDS } from '../services/reads';

/** For `complexity` on a list field with a `limit` argument (null = the default length). */
export const limitedListCost: ComplexityEstimator = ({ args, childComplexity }) => {
  const raw: unknown = args.limit;
  // Out-of-range limits are refused by the resolver with a BAD_USER_INPUT naming `limit`; here they count as the bound.
  const length =
    typeof raw === 'number' && Number.isFinite(raw) ? Math.min(Math.max(Math.trunc(raw), LIMIT_BOUNDS.min), LIMIT_BOUNDS.max) : LIMIT_BOUNDS.default;
  return 1 + length * childComplexity;
};

/** For `complexity` on a list field whose length is not a request argument: its expected length. */
export function listCost(expectedLength: number): ComplexityEstimator {
  return ({ childComplexity }) => 1 + expectedLength * childComplexity;
}

/** For `complexity` on a field taking a list argument, e.g. upsertProducts(products). */
export function perItemCost(argument: string): ComplexityEstimator {
  return ({ args, childComplexity }) => {
    const list: unknown = args[argument];
    return 1 + childComplexity + (Array.isArray(list) ? list.length : 1);
  };
}

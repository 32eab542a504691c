// The cost limit: every field costs 1 plus its children; a list field whose `limit` argument sets
// its length costs its children once per item (type-graphql `complexity` on the field, read by
// graphql-query-complexity's field-extensions estimator). Checked once the operation and its
// variables are known: Apollo's didResolveOperation on HTTP, onSubscribe on the websocket.
import {
  getVariableValues,
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { LIMIT_BOUNDS } from '../../services/reads';
import { limitError } from './errors';

/** For `complexity` on a list field with a `limit` argument (null = the default length). */
export const limitedListCost: ComplexityEstimator = ({ args, childComplexity }) => {
  const raw = args.limit;
  // Out-of-range limits are refused by the resolver with a BAD_USER_INPUT naming `limit`; here they count as the bound.
  const length = typeof raw === 'number' && Number.isFinite(raw) ? Math.min(Math.max(Math.trunc(raw), LIMIT_BOUNDS.min), LIMIT_BOUNDS.max) : LIMIT_BOUNDS.default;
  return 1 + length * childComplexity;
};

/** For `complexity` on a list field whose length is not a request argument: its expected length. */
export function listCost(expectedLength: number): ComplexityEstimator {
  return ({ childComplexity }) => 1 + expectedLength * childComplexity;
}

/** For `complexity` on a field taking a list argument, e.g. upsertProducts(products). */
export function perItemCost(argument: string): ComplexityEstimator {
  return ({ args, childComplexity }) => {
    const list = args[argument];
    return 1 + childComplexity + (Array.isArray(list) ? list.length : 1);
  };
}

const fieldExtensions = fieldExtensionsEstimator();
const simple = simpleEstimator({ defaultComplexity: 1 });
/**
 * Selections measured (fragments counted where spread) before giving up and refusing. Real
 * operations have tens, the standard introspection query ~250. Bounds the time (~10-50 ms) a
 * fragment fan-out can make us spend measuring.
 */
export const MAX_MEASURED_NODES = 1000;

export interface CostCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** As the client sent them; coerced here. */
  variables: Record<string, unknown> | null | undefined;
  maxCost: number;
}

/**
 * The estimated cost of the operation about to run, or null when its variables do not coerce
 * (execution then refuses the request with BAD_USER_INPUT before any resolver runs).
 */
export function operationCost({ schema, document, operation, variables }: Omit<CostCheck, 'maxCost'>): number | null {
  const operationName = operation.name?.value ?? '';
  const known = FIXED_COSTS.get(document)?.get(operationName);
  if (known !== undefined) return known;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null;
  // Only the fields with a `complexity` extension read arguments (a list's limit, an input
  // list's length): an operation without any costs the same whatever its variables.
  let readsArguments = false;
  const estimators: ComplexityEstimator[] = [
    (options) => {
      const cost = fieldExtensions(options);
      if (cost !== undefined) readsArguments = true;
      return cost;
    },
    simple,
  ];
  const cost = getComplexity({ schema, query: document, operationName: operation.name?.value, variables: variables ?? {}, estimators, maxQueryNodes: MAX_MEASURED_NODES });
  if (!readsArguments) {
    const byName = FIXED_COSTS.get(document) ?? new Map<string, number>();
    byName.set(operationName, cost);
    FIXED_COSTS.set(document, byName);
  }
  return cost;
}

/**
 * Costs that do not depend on variables (track mutations, most queries), per parsed document:
 * Apollo and the websocket's DocumentCache hand out the same DocumentNode for the same text, so
 * a storefront's repeated operations are measured once. Weak keys: dropped with the document.
 */
const FIXED_COSTS = new WeakMap<DocumentNode, Map<string, number>>();

/** A GraphQL error when the operation costs more than allowed (or cannot be measured), else null. */
export function costError(check: CostCheck): GraphQLError | null {
  let cost: number | null;
  try {
    cost = operationCost(check);
  } catch (err) {
    // Fail closed: e.g. "Query exceeds the maximum allowed number of nodes" for fragment blow-ups.
    const reason = err instanceof Error ? err.message : String(err);
    return limitError(`the operation's cost could not be estimated (${reason})`, 'cost', check.maxCost, null, check.operation);
  }
  if (cost === null || cost <= check.maxCost) return null;
  return limitError(`the operation costs ${cost}; at most ${check.maxCost} is allowed (lists count once per item of their limit)`, 'cost', check.maxCost, cost, check.operation);
}

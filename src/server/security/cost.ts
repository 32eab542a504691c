// The cost limit: every field costs 1 plus its children; a list field whose `limit` argument sets
// its length costs its children once per item (type-graphql `complexity` on the field, read by
// graphql-query-complexity's field-extensions estimator). Checked once the operation and its
// variables are known: Apollo's didResolveOperation on HTTP, onSubscribe on the websocket.
import {
  getVariableValues,
  GraphQLError,
  Kind,
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
  const costs = COSTS.get(document)?.get(operationName);
  if (costs?.fixed !== undefined) return costs.fixed;
  const key = costKey(operation, variables);
  const known = key === null ? undefined : costs?.byVariables.get(key);
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
  let byName = COSTS.get(document);
  if (!byName) COSTS.set(document, (byName = new Map()));
  const entry = byName.get(operationName) ?? { fixed: undefined, byVariables: new Map<string, number>() };
  byName.set(operationName, entry);
  if (!readsArguments) entry.fixed = cost;
  else if (key !== null && entry.byVariables.size < MAX_COSTS_PER_OPERATION) entry.byVariables.set(key, cost);
  return cost;
}

/**
 * Measured costs per parsed document and operation: Apollo and the websocket's DocumentCache hand
 * out the same DocumentNode for the same text, so a storefront's repeated operations are measured
 * once (weak keys: dropped with the document). `fixed` when no variable can change the cost (track
 * mutations, most queries); otherwise per value of the variables that can (`costKey`).
 */
const COSTS = new WeakMap<DocumentNode, Map<string, { fixed: number | undefined; byVariables: Map<string, number> }>>();
/** Distinct variable values remembered per operation (a limit takes at most 100). */
const MAX_COSTS_PER_OPERATION = 256;

/**
 * The values of the variables that may change the cost, as a key; null when too big to remember.
 * The estimators read a list's `limit` (Int) and an input list's length, never an ID or a String,
 * so variables of those types (userId, productId, category...) are left out: a storefront asking
 * for many shoppers' lists with the same limit is measured once.
 */
function costKey(operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): string | null {
  let key = '';
  for (const definition of operation.variableDefinitions ?? []) {
    const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    if (type.kind === Kind.NAMED_TYPE && (type.name.value === 'ID' || type.name.value === 'String')) continue;
    const name = definition.variable.name.value;
    key += `${name}=${JSON.stringify(variables?.[name] ?? null)};`;
    if (key.length > 512) return null;
  }
  return key;
}

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

// The cost limit: every field costs 1 plus its children; a list field whose `limit` argument sets
// its length costs its children once per item (type-graphql `complexity` on the field, from
// src/resolvers/fieldCost.ts, read by graphql-query-complexity's field-extensions estimator). Checked once the operation and its
// variables are known: Apollo's didResolveOperation on HTTP, onSubscribe on the websocket.
import { getVariableValues, GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { limitError } from './errors';

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
 *
 * Measured with the variables as execution will see them (defaults applied, an omitted variable
 * told apart from an explicit null, `@include`/`@skip` evaluated with them), and remembered only
 * under a key holding every variable value that can change it, so one request cannot prime the
 * answer for another.
 */
export function operationCost({ schema, document, operation, variables }: Omit<CostCheck, 'maxCost'>): number | null {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return null;
  const key = costKey(operation, coerced.coerced);
  const operationName = operation.name?.value ?? '';
  const known = key === null ? undefined : COSTS.get(document)?.get(operationName)?.get(key);
  if (known !== undefined) return known;
  const cost = getComplexity({
    schema,
    query: document,
    operationName: operation.name?.value,
    variables: variables ?? {},
    estimators,
    maxQueryNodes: MAX_MEASURED_NODES,
  });
  if (key === null) return cost;
  let byName = COSTS.get(document);
  if (!byName) COSTS.set(document, (byName = new Map<string, Map<string, number>>()));
  let byKey = byName.get(operationName);
  if (!byKey) byName.set(operationName, (byKey = new Map<string, number>()));
  if (byKey.size < MAX_COSTS_PER_OPERATION) byKey.set(key, cost);
  return cost;
}

const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

/**
 * Measured costs per parsed document, operation and cost key: Apollo and the websocket's
 * DocumentCache hand out the same DocumentNode for the same text, so a storefront's repeated
 * operations are measured once (weak keys: dropped with the document).
 */
const COSTS = new WeakMap<DocumentNode, Map<string, Map<string, number>>>();
/** Distinct variable values remembered per operation (a limit takes at most 100). */
const MAX_COSTS_PER_OPERATION = 256;

/**
 * The coerced values of the variables that may change the cost, as a key; null when too big to
 * remember. Every variable counts (an Int limit, a Boolean for `@include`, an input list's length)
 * except ID and String ones: the estimators never read those, and graphql-js lets them into ID and
 * String positions only (not a list, not a directive's Boolean), so a storefront asking for many
 * shoppers' lists with the same limit is measured once. "absent" and "null" are different keys:
 * an omitted variable takes its default, an explicit null does not.
 */
function costKey(operation: OperationDefinitionNode, coerced: Record<string, unknown>): string | null {
  let key = '';
  for (const definition of operation.variableDefinitions ?? []) {
    const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    if (type.kind === Kind.NAMED_TYPE && (type.name.value === 'ID' || type.name.value === 'String')) continue;
    const name = definition.variable.name.value;
    key += Object.prototype.hasOwnProperty.call(coerced, name) ? `${name}=${JSON.stringify(coerced[name])};` : `${name} absent;`;
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
  return limitError(
    `the operation costs ${cost}; at most ${check.maxCost} is allowed (lists count once per item of their limit)`,
    'cost',
    check.maxCost,
    cost,
    check.operation,
  );
}

// The cost limit: every field costs 1 plus its children; a list field whose `limit` argument sets
// its length costs its children once per item (type-graphql `complexity` on the field, from
// src/resolvers/fieldCost.ts, read by graphql-query-complexity's field-extensions estimator). Checked once the operation and its
// variables are known: Apollo's didResolveOperation on HTTP, onSubscribe on the websocket.
import {
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  isScalarType,
  typeFromAST,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
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
  const key = costKey(schema, operation, coerced.coerced);
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
 * remember. Int, Float, Boolean and enum values count (an Int limit, a Boolean for `@include`),
 * and the length of every list; ID, String and custom scalars (DateTime) do not, at any depth (a
 * variable, a field of an input object, a list's item): the estimators never read them, and
 * graphql-js lets them into positions of their own type only (not a limit, not a directive's
 * Boolean). So a storefront asking for many shoppers' lists with the same limit, or tracking views
 * of different products by different shoppers, is measured once (before, each track mutation's
 * input made a key of its own, and every one was measured again: ~9% of an api process's CPU). "absent" and "null" are different keys: an omitted variable takes its default,
 * an explicit null does not.
 */
export function costKey(schema: GraphQLSchema, operation: OperationDefinitionNode, coerced: Record<string, unknown>): string | null {
  let key = '';
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (!Object.prototype.hasOwnProperty.call(coerced, name)) key += `${name} absent;`;
    else if (type && !isInputType(type)) return null;
    else {
      const shape = type ? shapeOf(type, coerced[name]) : coerced[name];
      if (shape !== undefined) key += `${name}=${JSON.stringify(shape)};`;
    }
    if (key.length > 512) return null;
  }
  return key;
}

/** The scalars an estimator or a directive may read (a limit, `@include(if:)`); enums count too. */
const COUNTED_SCALARS = new Set(['Int', 'Float', 'Boolean']);

/** A coerced value with its other scalar leaves left out (undefined when nothing else is left). */
function shapeOf(type: GraphQLInputType, value: unknown): unknown {
  const named = isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined) return value;
  if (isListType(named)) return Array.isArray(value) ? value.map((item) => shapeOf(named.ofType, item) ?? 0) : shapeOf(named.ofType, value);
  if (isInputObjectType(named)) {
    const fields = named.getFields();
    const out: Record<string, unknown> = {};
    for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
      const shape = fields[field] ? shapeOf(fields[field].type, v) : v;
      if (shape !== undefined) out[field] = shape;
    }
    return out;
  }
  if (isScalarType(named) && !COUNTED_SCALARS.has(named.name)) return undefined;
  return value;
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

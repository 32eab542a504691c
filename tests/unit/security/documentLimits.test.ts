// Depth, alias and cost limits on parsed documents, against the schema the gateway builds.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  getIntrospectionQuery,
  getVariableValues,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLError,
  type OperationDefinitionNode,
} from 'graphql';
import { loadSecurityConfig } from '../../../src/config';
import { buildGatewaySchema } from '../../../src/gatewaySchema';
import { costError, costKey, operationCost, securityValidationRules, INTROSPECTION_MAX_DEPTH } from '../../../src/server/security';

const schema = buildGatewaySchema();
const DEFAULTS = loadSecurityConfig({}, false);

function check(query: string, limits: { maxDepth?: number; maxAliases?: number; introspection?: boolean } = {}): readonly GraphQLError[] {
  const rules = securityValidationRules({
    maxDepth: limits.maxDepth ?? DEFAULTS.maxDepth,
    maxAliases: limits.maxAliases ?? DEFAULTS.maxAliases,
    maxFields: DEFAULTS.maxFields,
    maxFieldsPerSelection: DEFAULTS.maxFieldsPerSelection,
    introspection: limits.introspection ?? true,
  });
  return validate(schema, parse(query), [...specifiedRules, ...rules]);
}
const limitsHit = (errors: readonly GraphQLError[]) => errors.map((e) => e.extensions.limit).filter(Boolean);

function costOf(query: string, variables: Record<string, unknown> = {}): number | null {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return operationCost({ schema, document, operation, variables });
}

// Depth 4: recommendations > items > product > id.
const DEPTH_4 = '{ recommendations(userId: "u") { items { product { id } } } }';
const DEPTH_3 = '{ trending { product { id } } }';

describe('the depth limit', () => {
  test('a query exactly at the bound passes and one level more is refused, naming depth, bound and value', () => {
    expect(check(DEPTH_3, { maxDepth: 3 })).toEqual([]);
    const errors = check(DEPTH_4, { maxDepth: 3 });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', max: 3, actual: 4 });
  });

  test('depth hidden in fragments and inline fragments counts where they are spread', () => {
    const viaFragments = `
      query Q { recommendations(userId: "u") { ...R } }
      fragment R on Recommendations { items { ... on ScoredProduct { ...P } } }
      fragment P on ScoredProduct { product { id } }`;
    expect(limitsHit(check(viaFragments, { maxDepth: 3 }))).toEqual(['depth']);
    expect(check(viaFragments, { maxDepth: 4 })).toEqual([]);
  });

  test('an operation, fragment or alias named __schema gets no exemption (the graphql-armor bypass)', () => {
    const named = `query __schema { recommendations(userId: "u") { items { product { id } } } }`;
    const fragment = `query Q { recommendations(userId: "u") { ...__schema } } fragment __schema on Recommendations { items { product { id } } }`;
    const aliased = `{ __schema: recommendations(userId: "u") { items { product { id } } } }`;
    const aliasedInner = `{ recommendations(userId: "u") { __schema: items { __type: product { id } } } }`;
    for (const query of [named, fragment, aliased, aliasedInner]) expect(limitsHit(check(query, { maxDepth: 3, maxAliases: 5 }))).toEqual(['depth']);
  });

  test('the standard introspection query passes in development, but real introspection fields are bounded too', () => {
    expect(check(getIntrospectionQuery())).toEqual([]);
    const deepTypeRef = `{ __type(name: "Query") { fields { type { ${'ofType { '.repeat(INTROSPECTION_MAX_DEPTH)} name ${'} '.repeat(INTROSPECTION_MAX_DEPTH)} } } } }`;
    expect(limitsHit(check(deepTypeRef))).toContain('depth');
  });

  test('without introspection (production) an introspection field gets the ordinary bound', () => {
    expect(limitsHit(check('{ __type(name: "Query") { fields { type { ofType { name } } } } }', { maxDepth: 4, introspection: false }))).toEqual(['depth']);
  });

  test('a fragment cycle neither hangs nor passes: graphql-js refuses it', () => {
    const errors = check('query Q { trending { ...A } } fragment A on ScoredProduct { ...B } fragment B on ScoredProduct { ...A }');
    expect(errors.map((e) => e.message).join()).toMatch(/Cannot spread fragment/);
  });
});

describe('the alias limit', () => {
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: trending(limit: 1) { score }`).join(' ')} }`;

  test('exactly the bound passes and one more alias is refused', () => {
    expect(check(aliases(15))).toEqual([]);
    const errors = check(aliases(16));
    expect(errors[0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', max: 15, actual: 16 });
  });

  test("a fragment's aliases count each time it is spread", () => {
    const spread = `query Q { trending { ...F } again: trending { ...F } } fragment F on ScoredProduct { a: score b: score c: score }`;
    expect(check(spread, { maxAliases: 7 })).toEqual([]); // 1 + 2 x 3
    expect(limitsHit(check(spread, { maxAliases: 6 }))).toEqual(['aliases']);
  });
});

describe('the cost limit', () => {
  test('every field costs 1 plus its children, and a limit multiplies a list by its length', () => {
    expect(costOf('{ product(id: "p") { id name } }')).toBe(3);
    expect(costOf('{ trending(limit: 1) { score product { id } } }')).toBe(1 + 1 * (1 + 2));
    expect(costOf('{ trending(limit: 50) { score product { id } } }')).toBe(1 + 50 * 3);
    expect(costOf('query($n: Int) { trending(limit: $n) { score } }', { n: 7 })).toBe(1 + 7);
  });

  test('no limit counts the default length, and an out-of-range limit counts as the bound (the resolver refuses it by name)', () => {
    expect(costOf('{ trending { score } }')).toBe(1 + 10);
    expect(costOf('{ trending(limit: 1000000) { score } }')).toBe(1 + 100);
    expect(costOf('{ trending(limit: -5) { score } }')).toBe(1 + 1);
  });

  test('the same document is costed by its variables each time a list limit depends on them', () => {
    const document = parse('query($n: Int) { trending(limit: $n) { score } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(operationCost({ schema, document, operation, variables: { n: 3 } })).toBe(1 + 3);
    expect(operationCost({ schema, document, operation, variables: { n: 9 } })).toBe(1 + 9);
  });

  test("a list's cost is remembered per limit, whichever shopper it is for", () => {
    const document = parse('query($u: ID!, $n: Int) { recommendations(userId: $u, limit: $n) { items { score } } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const first = operationCost({ schema, document, operation, variables: { u: 'a', n: 5 } });
    expect(operationCost({ schema, document, operation, variables: { u: 'b', n: 5 } })).toBe(first);
    expect(operationCost({ schema, document, operation, variables: { u: 'a', n: 50 } })).toBeGreaterThan(first!);
    // A limit that does not coerce is still left to execution, remembered or not.
    expect(operationCost({ schema, document, operation, variables: { u: 'a', n: 'many' } })).toBeNull();
  });

  test('a document whose cost no variable changes is measured once', () => {
    const document = parse('query($id: ID!) { product(id: $id) { id name } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(operationCost({ schema, document, operation, variables: { id: 'p1' } })).toBe(3);
    expect(operationCost({ schema, document, operation, variables: { id: 'p2' } })).toBe(3);
    // Variables are coerced before the cache is asked (the key is made of coerced values): ones
    // that do not coerce are left to execution, which refuses them.
    expect(operationCost({ schema, document, operation, variables: { id: { no: 1 } } })).toBeNull();
  });

  test('variables that do not coerce are left to execution, which refuses them with BAD_USER_INPUT', () => {
    expect(costOf('query($n: Int) { trending(limit: $n) { score } }', { n: 'many' })).toBeNull();
  });

  test("a track mutation's cost is remembered whoever and whatever it tracks, and per number of events", () => {
    const keyOf = (query: string, variables: Record<string, unknown>) => {
      const operation = parse(query).definitions[0] as OperationDefinitionNode;
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
      expect(coerced.errors).toBeUndefined();
      return costKey(schema, operation, coerced.coerced ?? {});
    };
    const view = 'mutation($i: TrackViewInput!) { trackView(input: $i) { accepted } }';
    const first = keyOf(view, { i: { userId: 'u1', productId: 'p1' } });
    expect(first).not.toBeNull();
    expect(keyOf(view, { i: { userId: 'u2', productId: 'p9', sessionId: 's', occurredAt: '2026-11-30T01:00:00Z' } })).toBe(first);

    const batch = 'mutation($e: [TrackEventInput!]!) { trackEvents(input: $e) { accepted } }';
    const one = [{ type: 'VIEW', userId: 'u1', productId: 'p1' }];
    const three = [...one, { type: 'ADD_TO_CART', userId: 'u2', productId: 'p2', quantity: 2 }, { type: 'VIEW', userId: 'u3', productId: 'p3' }];
    expect(keyOf(batch, { e: one })).toBe(keyOf(batch, { e: [{ type: 'VIEW', userId: 'u7', productId: 'p7' }] }));
    expect(keyOf(batch, { e: three })).not.toBe(keyOf(batch, { e: one }));
    expect(costOf(batch, { e: three })).toBeGreaterThan(costOf(batch, { e: one })!);
  });

  test('an operation at the bound passes and one over it is refused, naming cost, bound and value', () => {
    const query = '{ trending(limit: 10) { score } }'; // 11
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(costError({ schema, document, operation, variables: {}, maxCost: 11 })).toBeNull();
    expect(costError({ schema, document, operation, variables: {}, maxCost: 10 })?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'cost',
      max: 10,
      actual: 11,
    });
  });

  test('a fragment fan-out too big to measure is refused, not waved through', () => {
    const levels = 16;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on ScoredProduct { score }` : `fragment F${i} on ScoredProduct { ...F${i + 1} a${i}: score ...F${i + 1} }`,
    );
    const document: DocumentNode = parse(`query Q { trending(limit: 1) { ...F0 } } ${fragments.join(' ')}`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const error = costError({ schema, document, operation, variables: {}, maxCost: 1_000_000 });
    expect(error?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' });
  });
});

describe('the default limits', () => {
  test('accept every storefront contract operation, even at the largest limit', () => {
    const source = readFileSync(path.resolve(__dirname, '../../../operations/storefront.graphql'), 'utf8');
    expect(check(source, { introspection: false })).toEqual([]);
    const document = parse(source);
    const common = { limit: 100, userId: 'u', productId: 'p', id: 'p', products: Array.from({ length: 1000 }, (_, i) => ({ id: `p${i}`, name: 'n' })) };
    const inputs: Record<string, unknown> = {
      TrackView: { userId: 'u', productId: 'p' },
      TrackAddToCart: { userId: 'u', productId: 'p' },
      TrackPurchase: { userId: 'u', orderId: 'o', items: Array.from({ length: 100 }, (_, i) => ({ productId: `p${i}` })) },
    };
    const costs: Record<string, number | null> = {};
    for (const operation of document.definitions) {
      if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
      const name = operation.name!.value;
      const variables = { ...common, input: inputs[name] };
      costs[name] = operationCost({ schema, document, operation, variables });
      expect({ name, cost: costs[name] }).toEqual({ name, cost: expect.any(Number) });
      expect(costError({ schema, document, operation, variables, maxCost: DEFAULTS.maxCost })).toBeNull();
    }
    expect(Math.max(...Object.values(costs).map(Number))).toBeLessThanOrEqual(DEFAULTS.maxCost / 4); // room to spare
  });
});

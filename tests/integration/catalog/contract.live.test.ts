// The contract against the schema a RUNNING distributed gateway serves: introspection over HTTP,
// buildClientSchema, then graphql's validate for every storefront operation.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  findBreakingChanges,
  getIntrospectionQuery,
  lexicographicSortSchema,
  parse,
  printSchema,
  validate,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { gql } from '../../helpers/gateway';
import { itWhenShared, sharedPath } from '../../helpers/shared';
import { startStackGateway, type StackGateway } from './support';

jest.setTimeout(30_000);

const ROOT = path.resolve(__dirname, '../../..');
const COPY = path.join(ROOT, 'operations', 'storefront.graphql');
const SHARED = sharedPath('contract', 'storefront.graphql');

let stack: StackGateway;
let served: GraphQLSchema;

beforeAll(async () => {
  stack = await startStackGateway();
  const res = await gql<IntrospectionQuery>(
    stack.gateway.url,
    getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }),
  );
  expect(res.errors).toBeUndefined();
  served = buildClientSchema(res.data!);
});
afterAll(() => stack?.stop());

describe('the schema a running gateway serves', () => {
  const accepts = (file: string) => {
    const errors = validate(served, parse(readFileSync(file, 'utf8'))).map((e) => `${e.message} (line ${e.locations?.[0]?.line})`);
    expect(errors).toEqual([]);
  };
  it('accepts every operation in operations/storefront.graphql', () => accepts(COPY));
  itWhenShared(SHARED)('accepts every operation in the shared contract/storefront.graphql', () => accepts(SHARED));

  it('is the committed schema.graphql, so codegen types match what clients get', () => {
    const committed = buildSchema(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
    expect(findBreakingChanges(committed, served)).toEqual([]);
    expect(printSchema(lexicographicSortSchema(served))).toBe(printSchema(lexicographicSortSchema(committed)));
  });
});

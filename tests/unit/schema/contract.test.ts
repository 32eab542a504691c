// The storefront contract: every operation a storefront sends must validate against the schema
// the code builds. operations/storefront.graphql is the repo's copy (codegen reads it); the shared
// original beside the repo is checked too when it is there, and the copy must equal it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, validate, type OperationDefinitionNode } from 'graphql';
import { buildGatewaySchema } from '../../../src/gatewaySchema';
import { itWhenShared, sharedPath } from '../../helpers/shared';

const ROOT = path.resolve(__dirname, '../../..');
const COPY = path.join(ROOT, 'operations', 'storefront.graphql');
const SHARED = sharedPath('contract', 'storefront.graphql');
const whenShared = itWhenShared(SHARED);

const EXPECTED_OPERATIONS = [
  'TrackView',
  'TrackAddToCart',
  'TrackPurchase',
  'Recommendations',
  'RecommendationsUpdated',
  'Trending',
  'SimilarProducts',
  'BoughtTogether',
  'Product',
  'UpsertProducts',
  'FeatureFlags',
];

function operationNames(source: string): string[] {
  return parse(source)
    .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => d.name?.value ?? '<anonymous>');
}

function validationErrors(source: string): string[] {
  return validate(buildGatewaySchema(), parse(source)).map((e) => `${e.message} (line ${e.locations?.[0]?.line ?? '?'})`);
}

describe('the storefront contract', () => {
  it('validates every operation of the repo copy against the built schema', () => {
    expect(validationErrors(readFileSync(COPY, 'utf8'))).toEqual([]);
  });

  it('holds every operation a storefront sends, each named', () => {
    expect(operationNames(readFileSync(COPY, 'utf8')).sort()).toEqual([...EXPECTED_OPERATIONS].sort());
  });

  whenShared('validates every operation of the shared contract against the built schema', () => {
    expect(validationErrors(readFileSync(SHARED, 'utf8'))).toEqual([]);
  });

  whenShared('keeps the repo copy identical to the shared contract', () => {
    const same = readFileSync(COPY, 'utf8') === readFileSync(SHARED, 'utf8');
    if (!same) {
      throw new Error(`operations/storefront.graphql differs from ${SHARED}: copy the shared file over it, then run \`npm run codegen\``);
    }
  });

  it('refuses an operation that asks for a field the schema does not have', () => {
    expect(validationErrors('query { product(id: "p1") { id colour } }')).toEqual([expect.stringContaining('Cannot query field "colour" on type "Product"')]);
  });
});

// The read queries of the contract against a distributed gateway on the real Redis: stock
// filtering, limit bounds and unknown products, all over HTTP with the generated typed operations.
import {
  BoughtTogetherDocument,
  ProductDocument,
  RecommendationsDocument,
  SimilarProductsDocument,
  TrendingDocument,
  UpsertProductsDocument,
} from '../../../src/generated/graphql';
import type { PositionedDelta } from '../../../src/store/types';
import { uniqueId } from '../../helpers/gateway';
import { product, startStackGateway, type StackGateway } from './support';
import { FIXED_FRAME } from '../../helpers/decay';

jest.setTimeout(30_000);

let stack: StackGateway;
let offset = 0;
const ANCHOR = 'anchor';
const GHOST = 'ghost'; // listed by the statistics, unknown to the catalogue

/** Scores for trending (global and kitchen), co-visitation and bought-together of ANCHOR. */
async function seedStatistics(scores: Record<string, number>) {
  const deltas: PositionedDelta[] = [];
  for (const [id, incr] of Object.entries(scores)) {
    deltas.push({ offset: offset++, delta: { kind: 'trending', category: null, product: id, incr, frame: FIXED_FRAME } });
    deltas.push({ offset: offset++, delta: { kind: 'trending', category: 'kitchen', product: id, incr, frame: FIXED_FRAME } });
    deltas.push({ offset: offset++, delta: { kind: 'covis', from: ANCHOR, to: id, incr, frame: FIXED_FRAME } });
    deltas.push({ offset: offset++, delta: { kind: 'bought', from: ANCHOR, to: id, incr, frame: FIXED_FRAME } });
  }
  await stack.gateway.store.applyDeltas('seed/0', deltas);
}

const LISTS = {
  trending: async (limit?: number | null) => {
    const r = await stack.run(TrendingDocument, { limit });
    return { errors: r.errors, items: r.data?.trending ?? null };
  },
  'trending in a category': async (limit?: number | null) => {
    const r = await stack.run(TrendingDocument, { category: 'kitchen', limit });
    return { errors: r.errors, items: r.data?.trending ?? null };
  },
  similarProducts: async (limit?: number | null) => {
    const r = await stack.run(SimilarProductsDocument, { productId: ANCHOR, limit });
    return { errors: r.errors, items: r.data?.similarProducts ?? null };
  },
  boughtTogether: async (limit?: number | null) => {
    const r = await stack.run(BoughtTogetherDocument, { productId: ANCHOR, limit });
    return { errors: r.errors, items: r.data?.boughtTogether ?? null };
  },
  recommendations: async (limit?: number | null, userId = uniqueId('newcomer')) => {
    const r = await stack.run(RecommendationsDocument, { userId, limit });
    return { errors: r.errors, items: r.data?.recommendations.items ?? null };
  },
};
const EACH_LIST = Object.entries(LISTS);
const ids = (items: { product: { id: string } }[] | null) => (items ?? []).map((i) => i.product.id);

beforeAll(async () => {
  stack = await startStackGateway();
  const written = await stack.run(UpsertProductsDocument, {
    products: [product(ANCHOR), product('in-1'), product('in-2'), product('out-1', { inStock: false }), product('soon-out')],
  });
  expect(written).toEqual({ data: { upsertProducts: 5 } });
  await seedStatistics({ 'out-1': 50, 'in-1': 40, [GHOST]: 30, 'in-2': 20, 'soon-out': 10 });
});
afterAll(() => stack?.stop());

describe('out-of-stock products', () => {
  it.each(EACH_LIST)('are left out of %s', async (_name, list) => {
    const { errors, items } = await list(10);
    expect(errors).toBeUndefined();
    expect(ids(items)).toEqual(expect.arrayContaining(['in-1', 'in-2', GHOST]));
    expect(ids(items)).not.toContain('out-1');
  });

  it('leave trending, similar and bought-together lists as soon as the catalogue marks them out of stock', async () => {
    expect(ids((await LISTS.trending(10)).items)).toContain('soon-out');
    await stack.run(UpsertProductsDocument, { products: [product('soon-out', { inStock: false })] });
    for (const list of [LISTS.trending, LISTS['trending in a category'], LISTS.similarProducts, LISTS.boughtTogether]) {
      expect(ids((await list(10)).items)).not.toContain('soon-out');
    }
    await stack.run(UpsertProductsDocument, { products: [product('soon-out')] });
    expect(ids((await LISTS.trending(10)).items)).toContain('soon-out');
  });
});

describe('the limit argument', () => {
  it.each(EACH_LIST)('of %s refuses 0 and 101 with BAD_USER_INPUT naming limit', async (_name, list) => {
    for (const limit of [0, 101]) {
      const { errors, items } = await list(limit);
      expect(items).toBeNull();
      expect(errors).toHaveLength(1);
      expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
      expect(errors![0]!.message).toMatch(/^limit: must be from 1 to 100, got /);
    }
  });

  it.each(EACH_LIST)('of %s accepts 1 and 100', async (_name, list) => {
    const one = await list(1);
    expect(one.errors).toBeUndefined();
    expect(one.items).toHaveLength(1);
    const hundred = await list(100);
    expect(hundred.errors).toBeUndefined();
    expect(hundred.items!.length).toBeGreaterThanOrEqual(3);
    expect(hundred.items!.length).toBeLessThanOrEqual(100);
  });
});

describe('a product id the catalogue does not know', () => {
  it.each(EACH_LIST)('comes back in %s with its id and null details', async (_name, list) => {
    const { errors, items } = await list(10);
    expect(errors).toBeUndefined();
    const ghost = items!.find((i) => i.product.id === GHOST);
    expect(ghost).toBeDefined();
    const details = Object.entries(ghost!.product).filter(([key]) => key !== 'id');
    expect(details.length).toBeGreaterThan(0); // the lists ask for details, so there are some to be null
    expect(details.filter(([, value]) => value !== null)).toEqual([]);
  });

  it('is null for the product query, without an error', async () => {
    expect(await stack.run(ProductDocument, { id: GHOST })).toEqual({ data: { product: null } });
  });

  it('sits beside known products whose details come back in full', async () => {
    const { items } = await LISTS.trending(10);
    const known = items!.find((i) => i.product.id === 'in-1')!;
    expect(known.product).toEqual({ id: 'in-1', name: 'Product in-1', category: 'kitchen' });
  });
});

import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { InvalidInputError } from '../errors';
import { checkId } from '../events/validate';
import type { ListedProduct } from '../services/reads';
import { Product } from '../schema/product.type';
import { ProductInput } from '../schema/product.input';
import { ScoredProduct, type RecommendationReason } from '../schema/recommendation.type';
import { limitedListCost, perItemCost } from './fieldCost';
import { assertAdmin } from './authz';
import type { GatewayContext } from './context';
import { validateProducts } from '../services/catalog';

const toScored = (list: ListedProduct[]): ScoredProduct[] => list.map((l) => ({ ...l, reason: l.reason as RecommendationReason, product: undefined as never }));

@Resolver()
export class CatalogResolver {
  @Query(() => Product, { nullable: true })
  async product(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GatewayContext): Promise<Product | null> {
    return loaders.product.load(checkId('id', id));
  }

  @Query(() => [ScoredProduct], { description: 'Popular now, globally or in one category (out-of-stock left out)', complexity: limitedListCost })
  async trending(
    @Arg('category', () => String, { nullable: true }) category: string | null,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() { services }: GatewayContext,
  ): Promise<ScoredProduct[]> {
    return toScored(await services.reads.trending(category, limit));
  }

  @Query(() => [ScoredProduct], { description: 'Customers who viewed this also viewed', complexity: limitedListCost })
  async similarProducts(
    @Arg('productId', () => ID) productId: string,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() { services }: GatewayContext,
  ): Promise<ScoredProduct[]> {
    return toScored(await services.reads.similarProducts(productId, limit));
  }

  @Query(() => [ScoredProduct], { description: 'Frequently bought together with this product', complexity: limitedListCost })
  async boughtTogether(
    @Arg('productId', () => ID) productId: string,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() { services }: GatewayContext,
  ): Promise<ScoredProduct[]> {
    return toScored(await services.reads.boughtTogether(productId, limit));
  }

  @Mutation(() => Int, {
    description: 'Creates or replaces products; returns how many were written. Admin only where auth is on.',
    complexity: perItemCost('products'),
  })
  async upsertProducts(@Arg('products', () => [ProductInput]) products: ProductInput[], @Ctx() { services, viewer }: GatewayContext): Promise<number> {
    assertAdmin(viewer);
    if (products.length > 1000) throw new InvalidInputError('products', `at most 1000 per call, got ${products.length}`);
    return services.store.upsertProducts(validateProducts(products, 'products'));
  }
}

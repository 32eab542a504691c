import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Product } from '../schema/product.type';
import { ScoredProduct } from '../schema/recommendation.type';
import type { GatewayContext } from './context';

@Resolver(() => ScoredProduct)
export class ScoredProductResolver {
  /** One batched store read per list level, through the request's loader. */
  @FieldResolver(() => Product)
  async product(@Root() item: ScoredProduct, @Ctx() { loaders }: GatewayContext): Promise<Product> {
    const found = await loaders.product.load(item.productId);
    return found ?? { id: item.productId, name: null, category: null, price: null, inStock: null, imageUrl: null };
  }
}

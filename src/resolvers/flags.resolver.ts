import { Ctx, Query, Resolver } from 'type-graphql';
import { FeatureFlag, type FlagSource } from '../schema/flag.type';
import { listCost } from '../server/security/cost';
import type { GatewayContext } from './context';

@Resolver()
export class FlagsResolver {
  @Query(() => [FeatureFlag], { description: 'Every flag in force, its JSON value and where it came from', complexity: listCost(20) })
  featureFlags(@Ctx() { services }: GatewayContext): FeatureFlag[] {
    return services.flags.entries().map((e) => ({ key: e.key, value: e.value, source: e.source as FlagSource }));
  }
}

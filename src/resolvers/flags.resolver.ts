import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { InvalidInputError } from '../errors';
import { requireFlagKey, validateFlag } from '../flags/definitions';
import type { FlagEntry } from '../flags/types';
import { FeatureFlag, type FlagSource } from '../schema/flag.type';
import { listCost } from './fieldCost';
import { assertAdmin } from './authz';
import type { GatewayContext } from './context';

const toFeatureFlag = (e: FlagEntry): FeatureFlag => ({ key: e.key, value: e.value, source: e.source as FlagSource });

@Resolver()
export class FlagsResolver {
  @Query(() => [FeatureFlag], { description: 'Every flag in force, its JSON value and where it came from', complexity: listCost(20) })
  featureFlags(@Ctx() { services }: GatewayContext): FeatureFlag[] {
    return services.flags.entries().map(toFeatureFlag);
  }

  @Mutation(() => FeatureFlag, {
    description:
      'Sets a flag for every gateway (distributed: its ZooKeeper znode; embedded: this process), validated as `npm run flags -- set` validates. ' +
      'Returns the value written; each gateway applies it when its watch fires. Admin only where auth is on.',
  })
  async setFlag(
    @Arg('key', () => String) key: string,
    @Arg('value', () => GraphQLJSON, { nullable: true, description: 'The JSON value (null only where the flag allows it: experiment.recs, ranker.model)' })
    value: unknown,
    @Ctx() { services, viewer }: GatewayContext,
  ): Promise<FeatureFlag> {
    assertAdmin(viewer);
    const flag = requireFlagKey(key, 'key');
    // A nullable argument may be left out; only an explicit null means null.
    if (value === undefined) throw new InvalidInputError('value', `a JSON value for ${flag} is needed`);
    return toFeatureFlag(await services.flagWriter.set(flag, validateFlag(flag, value)));
  }

  @Mutation(() => FeatureFlag, {
    description: "Removes a flag's set value so its default applies again (on every gateway); returns the default. Admin only where auth is on.",
  })
  async deleteFlag(@Arg('key', () => String) key: string, @Ctx() { services, viewer }: GatewayContext): Promise<FeatureFlag> {
    assertAdmin(viewer);
    return toFeatureFlag(await services.flagWriter.remove(requireFlagKey(key, 'key')));
  }
}

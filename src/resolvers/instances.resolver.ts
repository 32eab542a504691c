import { Ctx, Query, Resolver } from 'type-graphql';
import { Instance } from '../schema/instance.type';
import { assertAdmin } from './authz';
import type { GatewayContext } from './context';

@Resolver(() => Instance)
export class InstanceResolver {
  @Query(() => [Instance], { description: 'The live gateway instances, the leader first (admin only where auth is on)' })
  async instances(@Ctx() { services, viewer }: GatewayContext): Promise<Instance[]> {
    assertAdmin(viewer);
    const live = await services.instances.list();
    return live.map((i) => ({ ...i, startedAt: new Date(i.startedAt) }));
  }
}

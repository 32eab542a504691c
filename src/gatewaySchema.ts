import 'reflect-metadata';
import { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { ExperimentsResolver, ListIdResolver } from './resolvers/experiments.resolver';
import { CatalogResolver } from './resolvers/catalog.resolver';
import { FlagsResolver } from './resolvers/flags.resolver';
import { InstanceResolver } from './resolvers/instances.resolver';
import { RecommendationsResolver } from './resolvers/recommendations.resolver';
import { ScoredProductResolver } from './resolvers/scoredProduct.resolver';
import { TrackResolver } from './resolvers/track.resolver';
import { ListOriginResolver } from './resolvers/listOrigin.resolver';
import { TrackEventRefreshedResolver, TrackRefreshedResolver } from './resolvers/refreshed.resolver';

export const RESOLVERS = [
  TrackResolver,
  RecommendationsResolver,
  ScoredProductResolver,
  CatalogResolver,
  FlagsResolver,
  InstanceResolver,
  ExperimentsResolver,
  ListIdResolver,
  ListOriginResolver,
  TrackRefreshedResolver,
  TrackEventRefreshedResolver,
] as const;

// type-graphql insists on a PubSub once any @Subscription exists. Ours never use it: each brings
// its own `subscribe` over the store's feed (Redis pub/sub), so this one refuses to be used.
const unusedPubSub = {
  publish(): never {
    throw new Error('type-graphql PubSub is not used: subscriptions read the recommendation feed');
  },
  subscribe(): never {
    throw new Error('type-graphql PubSub is not used: subscriptions read the recommendation feed');
  },
};

let built: GraphQLSchema | null = null;

/** The schema is pure metadata (no services inside), so building it once per process is safe. */
export function buildGatewaySchema(): GraphQLSchema {
  built ??= buildSchemaSync({
    resolvers: [...RESOLVERS],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    pubSub: unusedPubSub,
    validate: false,
    emitSchemaFile: false,
  });
  return built;
}

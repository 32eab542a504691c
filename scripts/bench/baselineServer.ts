// The bench's baseline HTTP server: the gateway's server shape (Apollo Server + express 5 +
// express.json + a type-graphql schema) with resolvers that do no I/O. trackView answers
// (and each event of trackEvents) accepted at once and writes nothing; recommendations answers a constant list of the same
// shape as the gateway's (10 items with their products). Same GraphQL names as the gateway,
// so the bench sends the very same requests to both. With the bench's auth settings (production,
// RECSYS_JWT_SECRET) it checks each request's token as the gateway does (src/server/auth.ts,
// src/resolvers/authz.ts): a shopper acts only for themselves.
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express from 'express';
import { Arg, buildSchemaSync, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import type { AuthConfig } from '../../src/config';
import { createAuthenticator } from '../../src/server/auth';
import { assertActsFor, assertSignedIn } from '../../src/resolvers/authz';
import type { Viewer } from '../../src/resolvers/context';

interface BaselineContext {
  viewer: Viewer;
}

@InputType('TrackViewInput')
class BaselineViewInput {
  @Field(() => ID) userId!: string;
  @Field(() => ID) productId!: string;
  @Field(() => ID, { nullable: true }) sessionId?: string | null;
  @Field(() => ID, { nullable: true }) eventId?: string | null;
}

enum BaselineEventType {
  VIEW = 'view',
  ADD_TO_CART = 'add_to_cart',
  PURCHASE = 'purchase',
}
registerEnumType(BaselineEventType, { name: 'TrackEventType' });

@InputType('PurchaseItemInput')
class BaselineItemInput {
  @Field(() => ID) productId!: string;
  @Field(() => Int, { nullable: true }) quantity?: number | null;
  @Field(() => Float, { nullable: true }) price?: number | null;
}

@InputType('TrackEventInput')
class BaselineEventInput {
  @Field(() => BaselineEventType) type!: BaselineEventType;
  @Field(() => ID) userId!: string;
  @Field(() => ID, { nullable: true }) sessionId?: string | null;
  @Field(() => ID, { nullable: true }) eventId?: string | null;
  @Field(() => String, { nullable: true }) occurredAt?: string | null;
  @Field(() => ID, { nullable: true }) productId?: string | null;
  @Field(() => Int, { nullable: true }) quantity?: number | null;
  @Field(() => ID, { nullable: true }) orderId?: string | null;
  @Field(() => [BaselineItemInput], { nullable: true }) items?: BaselineItemInput[] | null;
}

@ObjectType('TrackEventError')
class BaselineEventError {
  @Field(() => String) code!: string;
  @Field(() => String) message!: string;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field(() => Boolean) retriable!: boolean;
  @Field(() => Int, { nullable: true }) retryAfterSeconds!: number | null;
}

@ObjectType('TrackEventResult')
class BaselineEventResult {
  @Field(() => Boolean) accepted!: boolean;
  @Field(() => ID, { nullable: true }) eventId!: string | null;
  @Field(() => BaselineEventError, { nullable: true }) error!: BaselineEventError | null;
}

@ObjectType('TrackResult')
class BaselineTrackResult {
  @Field(() => Boolean) accepted!: boolean;
  @Field(() => ID) eventId!: string;
}

@ObjectType('Product')
class BaselineProduct {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) category!: string | null;
  @Field(() => Float, { nullable: true }) price!: number | null;
}

@ObjectType('ScoredProduct')
class BaselineScored {
  @Field(() => Float) score!: number;
  @Field(() => String) reason!: string;
  @Field(() => BaselineProduct, { nullable: true }) product!: BaselineProduct | null;
}

@ObjectType('Recommendations')
class BaselineRecs {
  @Field(() => ID) userId!: string;
  @Field(() => Int) version!: number;
  @Field(() => String) generatedAt!: string;
  @Field(() => [BaselineScored]) items!: BaselineScored[];
}

const ITEMS: BaselineScored[] = Array.from({ length: 20 }, (_, i) => ({
  score: 1 / (i + 1),
  reason: 'ALSO_VIEWED',
  product: { id: `p-${i}`, name: `Product ${i}`, category: `c-${i % 5}`, price: 10 + i },
}));

@Resolver()
class BaselineResolver {
  @Mutation(() => BaselineTrackResult)
  trackView(@Arg('input', () => BaselineViewInput) input: BaselineViewInput, @Ctx() { viewer }: BaselineContext): BaselineTrackResult {
    assertActsFor(viewer, input.userId);
    return { accepted: true, eventId: input.eventId ?? randomUUID() };
  }

  @Mutation(() => [BaselineEventResult])
  trackEvents(@Arg('input', () => [BaselineEventInput]) input: BaselineEventInput[], @Ctx() { viewer }: BaselineContext): BaselineEventResult[] {
    assertSignedIn(viewer);
    for (const e of input) assertActsFor(viewer, e.userId);
    return input.map((e) => ({ accepted: true, eventId: e.eventId ?? randomUUID(), error: null }));
  }

  @Query(() => BaselineRecs)
  recommendations(
    @Arg('userId', () => ID) userId: string,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() { viewer }: BaselineContext,
  ): BaselineRecs {
    assertActsFor(viewer, userId);
    return { userId, version: 1, generatedAt: new Date().toISOString(), items: ITEMS.slice(0, limit ?? 10) };
  }
}

export async function startBaselineServer(auth: AuthConfig, host = '127.0.0.1'): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const authenticate = createAuthenticator(auth);
  const schema = buildSchemaSync({ resolvers: [BaselineResolver], validate: false, emitSchemaFile: false });
  const app = express();
  const httpServer = createServer(app);
  const apollo = new ApolloServer<BaselineContext>({ schema, csrfPrevention: true, plugins: [ApolloServerPluginDrainHttpServer({ httpServer })] });
  await apollo.start();
  app.use(
    '/graphql',
    express.json({ limit: 256 * 1024 }) /* the gateway's default RECSYS_MAX_BODY_BYTES */,
    expressMiddleware(apollo, { context: async ({ req }) => ({ viewer: authenticate(req.headers.authorization) }) }),
  );
  await new Promise<void>((resolve) => httpServer.listen(0, host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://${host}:${port}/graphql`, port, stop: () => apollo.stop() };
}

// Per-request state: the services from the composition root, a fresh product loader (batched
// reads, dropped with the request) and who is asking.
import DataLoader from 'dataloader';
import type { InstanceRegistry } from '../coordination/types';
import type { ExperimentCounter } from '../experiments/counter';
import type { LiveHub } from '../live/liveHub';
import type { FlagProvider, FlagWriter } from '../flags/types';
import type { EventPublisher } from '../log/types';
import type { Recommender } from '../recommender/recommender';
import type { ReadService } from '../services/reads';
import type { CatalogStore, Product } from '../store/types';
import type { RefreshedLists } from '../services/refreshedLists';
import type { ProductSource } from '../store/productCache';

export interface GatewayServices {
  publisher: EventPublisher;
  /** The products (the resolvers' loader and catalogue writes). */
  store: CatalogStore;
  /** Product details for the GraphQL loaders: the store, or a cache of it kept exact by the catalogue's notices (push processes). */
  products: ProductSource;
  /** Subscriptions to shoppers' lists, shared per shopper and document (src/live/liveHub.ts). */
  live: LiveHub;
  recommender: Recommender;
  /** Read-your-writes: a shopper's list once a tracked event is scored (the track mutations' `refreshed`). */
  refreshed: RefreshedLists;
  reads: ReadService;
  flags: FlagProvider;
  /** The setFlag / deleteFlag mutations: ZooKeeper (distributed) or the in-process flags (embedded). */
  flagWriter: FlagWriter;
  /** Live gateway instances and leadership (ZooKeeper; in embedded mode this process alone). */
  instances: InstanceRegistry;
  /** Attribution counts and the experiment report (src/experiments). */
  experiments: ExperimentCounter;
}

/** What a resolver sees: the limits of the client that sent the request. */
export interface ClientLimits {
  /**
   * Throws (or, shared in Redis, rejects with) RATE_LIMITED with retryAfterSeconds when this user or
   * this client address is over its rate.
   */
  track(userId: string): void | Promise<void>;
}

export interface Viewer {
  userId: string | null;
  admin: boolean;
  /** False when the gateway runs without RECSYS_JWT_SECRET (development only). */
  authEnabled: boolean;
}

export interface GatewayContext {
  services: GatewayServices;
  loaders: { product: DataLoader<string, Product | null> };
  viewer: Viewer;
  /** The sending client's rate limits (track mutations); the gateway sets them on every request. */
  limits?: ClientLimits;
}

/**
 * `lifetime`: 'request' for an HTTP request, whose loader may remember what it read until the
 * answer is sent; 'subscription' for a websocket operation, whose context serves every push for as
 * long as the subscription lives: its loader still batches each push's reads into one MGET but
 * remembers nothing, so pushes show current product details and memory does not grow per push.
 */
export function createContext(services: GatewayServices, viewer: Viewer, lifetime: 'request' | 'subscription' = 'request'): GatewayContext {
  return { services, viewer, loaders: { product: productLoader(services, lifetime === 'request') } };
}

function productLoader(services: GatewayServices, cache: boolean): DataLoader<string, Product | null> {
  return new DataLoader((ids) => services.products.getProducts(ids), { maxBatchSize: 500, cache });
}

/**
 * The context of a websocket operation, whose loader (remembering nothing, as 'subscription'
 * above) and rate limits are made on first use: a held subscription's context only answers who
 * is asking (its pushes run once per document in src/live/liveHub.ts, on the first subscriber's
 * context, each with a loader of its own: forExecution), so 10,000 held subscriptions do not
 * hold 10,000 loaders.
 */
export class SocketContext implements GatewayContext {
  private loaderSet: GatewayContext['loaders'] | null = null;
  private clientLimits: ClientLimits | null = null;

  constructor(
    readonly services: GatewayServices,
    readonly viewer: Viewer,
    private readonly limitsFor: (address: string) => ClientLimits,
    private readonly address: string,
  ) {}

  get loaders(): GatewayContext['loaders'] {
    return (this.loaderSet ??= { product: productLoader(this.services, false) });
  }

  get limits(): ClientLimits {
    return (this.clientLimits ??= this.limitsFor(this.address));
  }

  /**
   * The context of one execution of a push: its own loader, dropped with it. A DataLoader keeps
   * its last batch (keys, and a callback pair per key) for as long as it lives, so a loader kept
   * across pushes would hold its last push's batch for the subscription's whole life.
   */
  forExecution(): SocketContext {
    return new SocketContext(this.services, this.viewer, this.limitsFor, this.address);
  }
}

/** A context that gives each execution a fresh copy (see SocketContext.forExecution). */
export function contextForExecution(context: unknown): unknown {
  return context instanceof SocketContext ? context.forExecution() : context;
}

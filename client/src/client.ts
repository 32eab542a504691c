// createRecsClient: the storefront's typed way to the gateway. Track mutations, the list query and
// the live list, each sending a document generated from operations/*.graphql, so a schema change
// that breaks the storefront breaks the build (npm run codegen), not the shop.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Client } from 'graphql-ws';
import type { BackoffOptions } from '../../src/util/backoff';
import {
  ClientRecommendationsDocument,
  ClientTrackAddToCartRefreshedDocument,
  ClientTrackPurchaseRefreshedDocument,
  ClientTrackViewRefreshedDocument,
  TrackAddToCartDocument,
  TrackEventsDocument,
  TrackPurchaseDocument,
  TrackViewDocument,
  type ClientRefreshedFragment,
  type TrackAddToCartInput,
  type TrackEventInput,
  type TrackEventsMutation,
  type TrackPurchaseInput,
  type TrackViewInput,
} from '../../src/generated/graphql';
import { CLIENT_CODES, RecsClientError } from './errors';
import { request, type HttpOptions } from './http';
import { createSocket, watch, type RecsList, type RecsWatch, type WatchOptions } from './watch';

export interface RecsClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql (relative in a browser page: resolved against it). */
  url: string;
  /** The websocket endpoint; default: `url` with ws:// or wss://. */
  wsUrl?: string;
  /** The shopper's (or a server's) JWT where the gateway has auth on; a function is asked at each request and connection. */
  token?: string | null | (() => string | null | undefined);
  /** The WebSocket class for watchRecommendations: the browser's by default; on Node 20 pass `WebSocket` from the ws package. */
  webSocketImpl?: unknown;
  /** Default: the global fetch (browsers, Node 18+). */
  fetch?: typeof globalThis.fetch;
  /** Reconnect pauses of the live lists: initialMs doubling up to maxMs, with jitter. Default 250 ms to 10 s. */
  retry?: BackoffOptions;
}

export interface TrackAnswer {
  accepted: boolean;
  eventId: string;
}

/** The shopper's list once the event is scored, or why it is missing (TIMEOUT, UNAVAILABLE). */
export type Refreshed = ClientRefreshedFragment;

export interface RefreshOptions {
  /** Also answer the shopper's list once the event is scored (read-your-writes), with at most `limit` items. */
  refreshed: { limit?: number } | true;
}

export type TrackEventAnswer = TrackEventsMutation['trackEvents'][number];

export interface RecsClient {
  trackView(input: TrackViewInput): Promise<TrackAnswer>;
  trackView(input: TrackViewInput, options: RefreshOptions): Promise<TrackAnswer & { refreshed: Refreshed }>;
  trackAddToCart(input: TrackAddToCartInput): Promise<TrackAnswer>;
  trackAddToCart(input: TrackAddToCartInput, options: RefreshOptions): Promise<TrackAnswer & { refreshed: Refreshed }>;
  trackPurchase(input: TrackPurchaseInput): Promise<TrackAnswer>;
  trackPurchase(input: TrackPurchaseInput, options: RefreshOptions): Promise<TrackAnswer & { refreshed: Refreshed }>;
  /** Up to 500 events in one call; one answer per event, in order (a refused event carries its error, the others still count). */
  trackEvents(events: TrackEventInput[]): Promise<TrackEventAnswer[]>;
  /** The shopper's current list. */
  recommendations(userId: string, options?: { limit?: number }): Promise<RecsList>;
  /**
   * The shopper's list now and at every change, newest version only and never one twice, across
   * dropped sockets and gateway restarts (reconnects with backoff).
   */
  watchRecommendations(userId: string, onList: (list: RecsList) => void, options?: WatchOptions): RecsWatch;
  /** Any other generated operation over HTTP, typed by its document (e.g. TrendingDocument from src/generated). */
  request<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R>;
  /** The live socket's state changes (for a "live / reconnecting" badge); returns a function that stops listening. */
  onConnection(listener: (state: 'connecting' | 'connected' | 'closed') => void): () => void;
  /** Closes the socket and ends every watch. */
  dispose(): Promise<void>;
}

const DEFAULT_RETRY: BackoffOptions = { initialMs: 250, maxMs: 10_000 };

export function createRecsClient(options: RecsClientOptions): RecsClient {
  const { token, retry = DEFAULT_RETRY } = options;
  const url = absoluteUrl(options.url);
  const wsUrl = options.wsUrl ?? wsUrlOf(url);
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!fetchImpl) throw new RecsClientError(CLIENT_CODES.CONFIG, 'no fetch in this runtime: pass options.fetch');
  const bearer = () => {
    const value = typeof token === 'function' ? token() : token;
    return value ? `Bearer ${value}` : null;
  };
  const http: HttpOptions = {
    url,
    fetch: fetchImpl,
    headers: (): Record<string, string> => {
      const authorization = bearer();
      return authorization ? { authorization } : {};
    },
  };

  let socket: Client | null = null;
  const socketOf = (): Client => {
    if (socket) return socket;
    const webSocketImpl = options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
    if (!webSocketImpl) {
      throw new RecsClientError(
        CLIENT_CODES.CONFIG,
        "no WebSocket in this runtime (Node 20 has none built in): pass webSocketImpl, e.g. createRecsClient({ url, webSocketImpl: WebSocket }) with `import WebSocket from 'ws'`",
      );
    }
    return (socket = createSocket({
      url: wsUrl,
      webSocketImpl,
      retry,
      connectionParams: () => {
        const authorization = bearer();
        return authorization ? { authorization } : {};
      },
    }));
  };

  const limitOf = (o: RefreshOptions) => (o.refreshed === true ? {} : o.refreshed.limit === undefined ? {} : { limit: o.refreshed.limit });

  async function trackView(input: TrackViewInput, o?: RefreshOptions) {
    if (!o) return (await request(http, TrackViewDocument, { input })).trackView;
    return (await request(http, ClientTrackViewRefreshedDocument, { input, ...limitOf(o) })).trackView;
  }
  async function trackAddToCart(input: TrackAddToCartInput, o?: RefreshOptions) {
    if (!o) return (await request(http, TrackAddToCartDocument, { input })).trackAddToCart;
    return (await request(http, ClientTrackAddToCartRefreshedDocument, { input, ...limitOf(o) })).trackAddToCart;
  }
  async function trackPurchase(input: TrackPurchaseInput, o?: RefreshOptions) {
    if (!o) return (await request(http, TrackPurchaseDocument, { input })).trackPurchase;
    return (await request(http, ClientTrackPurchaseRefreshedDocument, { input, ...limitOf(o) })).trackPurchase;
  }

  return {
    trackView: trackView as RecsClient['trackView'],
    trackAddToCart: trackAddToCart as RecsClient['trackAddToCart'],
    trackPurchase: trackPurchase as RecsClient['trackPurchase'],
    async trackEvents(events) {
      return (await request(http, TrackEventsDocument, { input: events })).trackEvents;
    },
    async recommendations(userId, o = {}) {
      return (await request(http, ClientRecommendationsDocument, { userId, ...(o.limit === undefined ? {} : { limit: o.limit }) })).recommendations;
    },
    request: (document, variables) => request(http, document, variables),
    watchRecommendations(userId, onList, o) {
      return watch(socketOf(), userId, onList, o);
    },
    onConnection(listener) {
      const s = socketOf();
      const offs = [s.on('connecting', () => listener('connecting')), s.on('connected', () => listener('connected')), s.on('closed', () => listener('closed'))];
      return () => offs.forEach((off) => off());
    },
    async dispose() {
      await socket?.dispose();
      socket = null;
    },
  };
}

/** The websocket URL of a gateway's GraphQL endpoint, from the HTTP one (same host and path). */
export function wsUrlOf(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function absoluteUrl(raw: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  let parsed: URL;
  try {
    parsed = new URL(raw, base);
  } catch {
    throw new RecsClientError(
      CLIENT_CODES.CONFIG,
      `url: expected the gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql, got ${JSON.stringify(raw)}`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RecsClientError(
      CLIENT_CODES.CONFIG,
      `url: expected http: or https:, got ${parsed.protocol} (the websocket address is derived from it, or given as wsUrl)`,
    );
  }
  return parsed.href;
}

// The storefront client: `createRecsClient({ url, token, webSocketImpl })`. See the README's "Storefront client".
export {
  createRecsClient,
  wsUrlOf,
  type RecsClient,
  type RecsClientOptions,
  type TrackAnswer,
  type TrackEventAnswer,
  type Refreshed,
  type RefreshOptions,
} from './client';
export { RecsClientError, CLIENT_CODES, type GraphQLErrorShape } from './errors';
export type { RecsList, RecsWatch, WatchOptions } from './watch';
export type {
  TrackViewInput,
  TrackAddToCartInput,
  TrackPurchaseInput,
  TrackEventInput,
  RecommendationReason,
  TrackEventType,
  RefreshMissReason,
} from '../../src/generated/graphql';

// Key layout, ready for Redis Cluster: keys that one script changes together share a hash tag.
//   {u:<user>}     the user's state, recent items and list
//   {p:<product>}  its neighbour lists, the users who touched it most recently, watermark
//   {trending}     global and per-category trending + watermark
export function redisKeys(prefix: string) {
  return {
    /** The global forward-decay landmark (ms) of versions before decay frames: read, never written. */
    legacyLandmark: `${prefix}:landmark`,
    userState: (u: string) => `${prefix}:{u:${u}}:state`,
    userRecent: (u: string) => `${prefix}:{u:${u}}:recent`,
    recs: (u: string) => `${prefix}:{u:${u}}:recs`,
    recsSignature: (u: string) => `${prefix}:{u:${u}}:recsig`,
    recsVersion: (u: string) => `${prefix}:{u:${u}}:recver`,
    /** The stamp of a state saved since the list was computed (absent: the list is fresh)... */
    recsSaved: (u: string) => `${prefix}:{u:${u}}:saved`,
    /** ...and the stamp of the state the stored list came from. */
    recsListed: (u: string) => `${prefix}:{u:${u}}:listed`,
    /** Pub/sub: the user's new lists. Under the user's tag: PUT_RECS publishes it from its own slot (SPUBLISH on a cluster). */
    recsChannel: (u: string) => `${prefix}:{u:${u}}:push`,
    covis: (p: string) => `${prefix}:{p:${p}}:covis`,
    bought: (p: string) => `${prefix}:{p:${p}}:bought`,
    recentUsers: (p: string) => `${prefix}:{p:${p}}:users`,
    productWatermark: (p: string) => `${prefix}:{p:${p}}:wm`,
    product: (p: string) => `${prefix}:{p:${p}}:info`,
    trending: (category: string | null) => (category === null ? `${prefix}:{trending}:all` : `${prefix}:{trending}:cat:${category}`),
    trendingWatermark: `${prefix}:{trending}:wm`,
    outOfStock: `${prefix}:outofstock`,
    /** Pub/sub: JSON array of product ids just marked out of stock. */
    catalogChannel: `${prefix}:catalog:outofstock`,
    /**
     * Pub/sub: JSON array of the ids of every product written (any field), for the gateways'
     * product caches. Its hash tag is the out-of-stock channel's whole name: on a cluster both
     * live in one slot, so a write's two notices reach a gateway in the order they were sent
     * (the cache forgets before the out-of-stock re-push reads).
     */
    productsChangedChannel: `{${prefix}:catalog:outofstock}:changed`,
    pattern: `${prefix}:*`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

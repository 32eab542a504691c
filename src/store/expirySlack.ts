// Keys expire the retention after their last write, refreshed lazily: a write gives a key a new
// expiry only when the one it has is more than this slack short of a fresh one, so a key written
// on every event costs one PEXPIRE per slack period instead of one per write. A key therefore
// expires between (retention - slack) and retention after its last write: never later.
const DAY_MS = 86_400_000;

/** The slack for a retention (ms): a thirtieth of it (a day on 30 days), at most a day. */
export function expirySlackMs(retentionMs: number): number {
  return Math.min(Math.floor(retentionMs / 30), DAY_MS);
}

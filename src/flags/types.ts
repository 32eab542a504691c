import type { FlagKey, RecFlags } from './definitions';

export type FlagSource = 'DEFAULT' | 'ZOOKEEPER' | 'FILE';

export interface FlagEntry {
  key: FlagKey;
  value: unknown;
  source: FlagSource;
}

/** The flags in force now. Readers call `current()` on every computation, so changes apply live. */
export interface FlagProvider {
  current(): RecFlags;
  entries(): FlagEntry[];
  /** For /readyz and metrics. */
  status(): { connected: boolean; staleSince: string | null; source: FlagSource };
  stop(): Promise<void>;
}

import type { FlagKey, RecFlags } from './definitions';

/** API: set by the setFlag mutation in embedded mode (this process, until it restarts). */
export type FlagSource = 'DEFAULT' | 'ZOOKEEPER' | 'FILE' | 'API';

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

/**
 * Changes a flag for every gateway that reads the same source (the setFlag / deleteFlag mutations).
 * Values arrive validated; the entry returned is what was written, the provider applies it live.
 */
export interface FlagWriter {
  set<K extends FlagKey>(key: K, value: RecFlags[K]): Promise<FlagEntry>;
  /** Removes the set value: the default applies again. */
  remove(key: FlagKey): Promise<FlagEntry>;
}

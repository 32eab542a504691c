// Embedded mode's flags: the defaults, overridden by an optional JSON file read at start, and by
// the setFlag / deleteFlag mutations (in this process, until it restarts).
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';
import { FLAG_DEFINITIONS, FLAG_KEYS, defaultFlags, isFlagKey, type FlagKey, type RecFlags } from './definitions';
import type { FlagEntry, FlagProvider, FlagSource, FlagWriter } from './types';

export class StaticFlags implements FlagProvider, FlagWriter {
  /** Replaced, never mutated, after start: a computation that took `current()` keeps a consistent set. */
  private flags: RecFlags = defaultFlags();
  private readonly sources = new Map<FlagKey, FlagSource>();

  /** `file`: a JSON object of flag key -> value; every value is validated, unknown keys refused. */
  constructor(file: string | null = null) {
    if (!file) return;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError('RECSYS_FLAGS_FILE', `cannot read ${file} as JSON: ${(err as Error).message}`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError('RECSYS_FLAGS_FILE', `${file} must hold a JSON object of flag key -> value`);
    }
    for (const [key, value] of Object.entries(raw)) {
      if (!isFlagKey(key)) throw new ConfigError('RECSYS_FLAGS_FILE', `unknown flag "${key}" in ${file}; known: ${FLAG_KEYS.join(', ')}`);
      try {
        (this.flags as unknown as Record<string, unknown>)[key] = FLAG_DEFINITIONS[key].parse(value);
      } catch (err) {
        throw new ConfigError('RECSYS_FLAGS_FILE', (err as Error).message);
      }
      this.sources.set(key, 'FILE');
    }
  }

  current(): RecFlags {
    return this.flags;
  }

  entries(): FlagEntry[] {
    return FLAG_KEYS.map((key) => ({ key, value: this.flags[key], source: this.sources.get(key) ?? 'DEFAULT' }));
  }

  status() {
    const kinds = new Set(this.sources.values());
    const source: FlagSource = kinds.has('API') ? 'API' : kinds.has('FILE') ? 'FILE' : 'DEFAULT';
    return { connected: true, staleSince: null, source };
  }

  async set<K extends FlagKey>(key: K, value: RecFlags[K]): Promise<FlagEntry> {
    this.flags = { ...this.flags, [key]: value };
    this.sources.set(key, 'API');
    return { key, value, source: 'API' };
  }

  /** The default applies again (also over a value from RECSYS_FLAGS_FILE, as deleting a znode does). */
  async remove(key: FlagKey): Promise<FlagEntry> {
    const value = FLAG_DEFINITIONS[key].default;
    this.flags = { ...this.flags, [key]: value };
    this.sources.delete(key);
    return { key, value, source: 'DEFAULT' };
  }

  async stop(): Promise<void> {}
}

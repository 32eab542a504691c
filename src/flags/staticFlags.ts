// Embedded mode's flags: the defaults, overridden by an optional JSON file read at start.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';
import { FLAG_DEFINITIONS, FLAG_KEYS, defaultFlags, isFlagKey, type FlagKey, type RecFlags } from './definitions';
import type { FlagEntry, FlagProvider, FlagSource } from './types';

export class StaticFlags implements FlagProvider {
  private readonly flags: RecFlags = defaultFlags();
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
    return { connected: true, staleSince: null, source: (this.sources.size > 0 ? 'FILE' : 'DEFAULT') as FlagSource };
  }

  async stop(): Promise<void> {}
}

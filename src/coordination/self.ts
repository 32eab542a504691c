import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { InstanceInfo } from './types';

/** What this instance registers: a listen address of 0.0.0.0 / :: is advertised as the host name. */
export function selfInfo(opts: { id: string; listenHost: string; port: number; version: string; startedAt?: Date }): InstanceInfo {
  const wildcard = ['0.0.0.0', '::', '', '[::]'].includes(opts.listenHost);
  return {
    id: opts.id,
    host: wildcard ? hostname() : opts.listenHost,
    port: opts.port,
    version: opts.version,
    startedAt: (opts.startedAt ?? new Date()).toISOString(),
  };
}

/** The gateway's version from the nearest package.json above this file (src/ and dist/src/ alike). */
export function packageVersion(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
        if (typeof version === 'string') return version;
      } catch {
        /* not ours; keep looking */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return 'unknown';
}

// `--methods` entries look like `vsknn:k=500:sample_size=5000:weighting_score=div`. Keys may be
// written snake_case (as in session-rec's configs) or camelCase; values become numbers or
// booleans where they look like one.
import type { MethodOptions } from '../types';

export interface MethodSpec {
  key: string;
  options: MethodOptions;
  /** The spec as written, used as the method's label in results. */
  text: string;
}

export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function valueOf(raw: string): string | number | boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

export function parseMethodSpec(text: string): MethodSpec {
  const [key = '', ...parts] = text.trim().split(':');
  const options: MethodOptions = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`method "${text}": option "${part}" is not key=value`);
    options[camelCase(part.slice(0, eq).trim())] = valueOf(part.slice(eq + 1).trim());
  }
  return { key: key.toLowerCase(), options, text: text.trim() };
}

export function parseMethodList(text: string): MethodSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseMethodSpec);
}

type Kind = 'number' | 'string' | 'boolean';

/**
 * Checks a method's options against the keys it accepts and their kinds; an unknown key or a
 * wrong kind is an error that names the accepted keys.
 */
export function checkOptions<T>(method: string, options: MethodOptions, accepted: Record<string, Kind>): T {
  for (const [k, v] of Object.entries(options)) {
    const kind = accepted[k];
    if (kind === undefined) {
      throw new Error(`${method}: unknown option "${k}"; accepted: ${Object.keys(accepted).join(', ') || 'none'}`);
    }
    if (typeof v !== kind) throw new Error(`${method}: option "${k}" must be a ${kind}, got ${JSON.stringify(v)}`);
  }
  return options as T;
}

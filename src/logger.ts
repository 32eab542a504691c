import pino, { type Logger } from 'pino';

export type { Logger };

/** The root logger; modules get a namespaced child (`logger.child({ name: 'streams' })`). */
export function createLogger(level: string, name = 'recsys'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

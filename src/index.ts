// `npm start`: read the config, start the gateway, stop it cleanly on SIGTERM/SIGINT.
import 'reflect-metadata';
import { loadConfig, rolesLabel, type Roles } from './config';
import { RecsysError } from './errors';
import { createLogger } from './logger';
import { SHUTDOWN_DEADLINE_MS, startGateway } from './app';

function banner(mode: string, url: string, roles: Roles): string {
  if (mode === 'embedded') {
    return [
      '',
      '  EMBEDDED MODE: in-process event log, store and flags. Nothing is kept when the process stops.',
      '  For the real stack: npm run stack:up, then',
      '  KAFKA_BROKERS=127.0.0.1:9093 REDIS_URL=redis://127.0.0.1:6379 ZOOKEEPER_CONNECT=127.0.0.1:2181 npm start',
      `  GraphQL + Apollo Sandbox: ${url}   demo storefront: ${url.replace(/\/graphql$/, '/')}`,
      '',
    ].join('\n');
  }
  const serves = roles.api || roles.push ? `GraphQL: ${url}` : `probes and metrics only: ${url.replace(/\/graphql$/, '/readyz')}`;
  return `\n  DISTRIBUTED MODE (Kafka, Redis, ZooKeeper), RECSYS_ROLES=${rolesLabel(roles)}. ${serves}\n`;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof RecsysError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const gateway = await startGateway(config, logger);
  process.stdout.write(banner(gateway.mode, gateway.url, config.roles) + '\n');
  if (!config.auth.jwtSecret) logger.warn('auth is OFF (RECSYS_JWT_SECRET unset): anyone may read any list; never run like this in production');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Every stop step is bounded (SHUTDOWN_BUDGET_MS in all); this is the last resort.
    const timer = setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    await gateway.stop();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

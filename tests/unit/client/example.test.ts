// The README's storefront client example (client/example.ts) runs as the README says, against an
// embedded gateway: the current list, then the push its view caused, and the refreshed list.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGateway, type Gateway } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';

const ROOT = path.resolve(__dirname, '../../..');

describe('the storefront client example', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway(loadConfig({ PORT: '0', NODE_ENV: 'test' }), createLogger('silent'));
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('prints the list, the push its view caused with its latency, and the refreshed list from the same call', async () => {
    const port = new URL(gateway.url).port;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'client/example.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: port },
      timeout: 30_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^live {2}v\d+ \(current list\): .*\(TRENDING\)/);
    const pushed = lines.find((l) => l.includes(' pushed '));
    const eventId = /eventId=(\S+),/.exec(lines.find((l) => l.startsWith('track accepted=true')) ?? '')?.[1];
    expect(eventId).toBeDefined();
    expect(pushed).toMatch(new RegExp(`pushed \\d+ ms after VIEW ${eventId}: .*cof-burr-grinder \\(ALSO_VIEWED\\)`));
    expect(lines.find((l) => l.startsWith('track accepted=true'))).toMatch(/refreshed: v\d+ .*cof-burr-grinder \(ALSO_VIEWED\)/);
  }, 40_000);
});

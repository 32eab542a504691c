import { LIMITS, localGatewayUrl, loopbackUrl, parseSimulateArgs, UsageError } from '../../../src/demo/simulate/args';

describe('the simulator options', () => {
  it('default to 20 shoppers at 20 events a second for 30 seconds against the local gateway', () => {
    const o = parseSimulateArgs([]);
    expect(o).toMatchObject({ users: 20, rate: 20, durationMs: 30_000, replay: null, maxEvents: 600, loadCatalog: false, help: false });
    expect(o.url.href).toBe('http://127.0.0.1:4000/graphql');
    expect(parseSimulateArgs([], localGatewayUrl(4123)).url.href).toBe('http://127.0.0.1:4123/graphql');
  });

  it('read --flag value and --flag=value alike', () => {
    const o = parseSimulateArgs(['--users', '5', '--rate=12.5', '--duration', '3', '--url=http://localhost:4100/graphql', '--seed', '7']);
    expect(o).toMatchObject({ users: 5, rate: 12.5, durationMs: 3_000, seed: 7, maxEvents: 38 });
    expect(o.url.port).toBe('4100');
  });

  it('in replay mode replay every user and cap the rate at 200 a second unless told otherwise', () => {
    const o = parseSimulateArgs(['--replay', 'data.csv', '--speed', '120']);
    expect(o).toMatchObject({ replay: 'data.csv', users: null, rate: 200, speed: 120, maxGapMs: 500 });
    expect(parseSimulateArgs(['--replay', 'data.csv', '--users', '3']).users).toBe(3);
  });

  it('refuse unbounded or malformed numbers, naming the option', () => {
    expect(() => parseSimulateArgs(['--users', '0'])).toThrow(/--users: expected a whole number from 1 to/);
    expect(() => parseSimulateArgs(['--users', '2.5'])).toThrow(/--users/);
    expect(() => parseSimulateArgs(['--rate', String(LIMITS.rate + 1)])).toThrow(/--rate/);
    expect(() => parseSimulateArgs(['--duration', '99999'])).toThrow(/--duration/);
    expect(() => parseSimulateArgs(['--duration'])).toThrow(/--duration needs a value/);
    expect(() => parseSimulateArgs(['--max-events', '-1'])).toThrow(/--max-events/);
  });

  it('refuse unknown options', () => {
    expect(() => parseSimulateArgs(['--user', '3'])).toThrow(UsageError);
    expect(() => parseSimulateArgs(['--user', '3'])).toThrow(/unknown option "--user"/);
  });

  it('never cap the default event count above the hard limit', () => {
    expect(parseSimulateArgs(['--rate', '2000', '--duration', '3600']).maxEvents).toBe(LIMITS.maxEvents);
  });

  it('accept only gateways on this machine', () => {
    for (const ok of [
      'http://127.0.0.1:4000/graphql',
      'http://localhost/graphql',
      'http://127.1.2.3:9/x',
      'http://[::1]:4000/graphql',
      'https://localhost/graphql',
    ]) {
      expect(loopbackUrl(ok).href).toBe(new URL(ok).href);
    }
    for (const bad of ['http://10.0.0.1:4000/graphql', 'http://example.com/graphql', 'http://127.0.0.1.example.com/', 'http://0.0.0.0:4000/graphql']) {
      expect(() => loopbackUrl(bad)).toThrow(/only loopback gateways/);
    }
    expect(() => loopbackUrl('ftp://127.0.0.1/')).toThrow(/http/);
    expect(() => loopbackUrl('not a url')).toThrow(/not a URL/);
    expect(() => loopbackUrl('http://user:pw@127.0.0.1/')).toThrow(/credentials/);
  });

  it('replay in batches of 500 unless told otherwise, and take --batch only with --replay, from 1 to 500', () => {
    expect(parseSimulateArgs(['--replay', 'f.csv']).batch).toBe(500);
    expect(parseSimulateArgs(['--replay', 'f.csv', '--batch', '1']).batch).toBe(1);
    expect(() => parseSimulateArgs(['--replay', 'f.csv', '--batch', '501'])).toThrow('--batch: expected a whole number from 1 to 500, got "501"');
    expect(() => parseSimulateArgs(['--batch', '10'])).toThrow('--batch applies only with --replay');
  });

  it('allow a replay in batches a higher rate ceiling than one mutation per event', () => {
    expect(parseSimulateArgs(['--replay', 'f.csv', '--rate', '20000']).rate).toBe(20_000);
    expect(() => parseSimulateArgs(['--replay', 'f.csv', '--batch', '1', '--rate', '20000'])).toThrow(
      '--rate: expected a number from 0.1 to 2000, got "20000"',
    );
    expect(() => parseSimulateArgs(['--rate', '20000'])).toThrow('--rate: expected a number from 0.1 to 2000');
  });
});

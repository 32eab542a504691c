import { loadConfig, rolesLabel } from '../../src/config';
import { ConfigError } from '../../src/errors';

const STACK = { KAFKA_BROKERS: '127.0.0.1:9093', REDIS_URL: 'redis://127.0.0.1:6379', ZOOKEEPER_CONNECT: '127.0.0.1:2181' };

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('process roles (RECSYS_ROLES)', () => {
  test('unset runs every role, in both modes', () => {
    expect(loadConfig({}).roles).toEqual({ api: true, scorer: true, push: true });
    expect(loadConfig(STACK).roles).toEqual({ api: true, scorer: true, push: true });
  });

  test('a comma list in distributed mode runs exactly the roles named, spaces and order aside', () => {
    expect(loadConfig({ ...STACK, RECSYS_ROLES: 'api' }).roles).toEqual({ api: true, scorer: false, push: false });
    expect(loadConfig({ ...STACK, RECSYS_ROLES: ' push , api' }).roles).toEqual({ api: true, scorer: false, push: true });
    expect(rolesLabel(loadConfig({ ...STACK, RECSYS_ROLES: 'scorer,push,api' }).roles)).toBe('api,scorer,push');
  });

  test('an unknown role is refused, naming it and the value', () => {
    const err = refusal({ ...STACK, RECSYS_ROLES: 'api,pusher' });
    expect(err.variable).toBe('RECSYS_ROLES');
    expect(err.message).toBe('RECSYS_ROLES: unknown role "pusher" in "api,pusher": expected a comma list of api, scorer, push');
  });

  test('an empty value or an empty item is refused, quoting the value', () => {
    expect(refusal({ ...STACK, RECSYS_ROLES: '' }).message).toBe('RECSYS_ROLES: expected a comma list of api, scorer, push (e.g. "api,push"), got ""');
    expect(refusal({ ...STACK, RECSYS_ROLES: ' , ' }).message).toMatch(/got " , "/);
    expect(refusal({ ...STACK, RECSYS_ROLES: 'api,,push' }).message).toBe(
      'RECSYS_ROLES: an empty item in "api,,push": expected a comma list of api, scorer, push',
    );
  });

  test('embedded mode refuses anything but all three roles, saying why', () => {
    expect(loadConfig({ RECSYS_ROLES: 'push,api,scorer' }).roles).toEqual({ api: true, scorer: true, push: true });
    for (const value of ['api', 'api,push', 'scorer']) {
      const err = refusal({ RECSYS_ROLES: value });
      expect(err.variable).toBe('RECSYS_ROLES');
      expect(err.message).toContain(`"${value}" needs distributed mode`);
      expect(err.message).toContain('cannot be shared');
    }
  });
});

import { asUnavailable, isRedisConnectionError } from '../../../src/store/redisErrors';
import { UnavailableError } from '../../../src/errors';

describe('Redis failures as UNAVAILABLE', () => {
  test('a cluster nobody answers for (no startup node, slots not refreshed, CLUSTERDOWN) is Redis being unavailable', () => {
    for (const message of [
      'None of startup nodes is available',
      'Failed to refresh slots cache.',
      'CLUSTERDOWN The cluster is down',
      "Cluster isn't ready and enableOfflineQueue options is false",
    ]) {
      expect(isRedisConnectionError(new Error(message))).toBe(true);
      expect(asUnavailable(new Error(message))).toBeInstanceOf(UnavailableError);
    }
  });

  test('a command the server refused (a script error, a cross-slot call) is passed on as it is', () => {
    for (const message of ['ERR Error running script', "CROSSSLOT Keys in request don't hash to the same slot"]) {
      const err = new Error(message);
      expect(isRedisConnectionError(err)).toBe(false);
      expect(asUnavailable(err)).toBe(err);
    }
  });
});

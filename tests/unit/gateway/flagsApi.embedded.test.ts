import { flagsApiContract } from '../../contract/flagsApi.contract';
import { gql, startTestGateway } from '../../helpers/gateway';

flagsApiContract('embedded stand-ins', { env: () => ({}), setSource: 'API' });

describe('the flag mutations with auth off (development)', () => {
  test('answer without a token, as upsertProducts does, and apply in this process at once', async () => {
    const gateway = await startTestGateway();
    try {
      const res = await gql(gateway.url, 'mutation { setFlag(key: "recs.size", value: 7) { value source } }');
      expect(res.errors).toBeUndefined();
      expect(res.data?.setFlag).toEqual({ value: 7, source: 'API' });
      expect(gateway.services.flags.current()['recs.size']).toBe(7);
      expect((await gql(gateway.url, 'mutation { deleteFlag(key: "recs.size") { value source } }')).data?.deleteFlag).toEqual({ value: 20, source: 'DEFAULT' });
      expect(gateway.services.flags.current()['recs.size']).toBe(20);
    } finally {
      await gateway.stop();
    }
  });
});

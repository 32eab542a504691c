import { OPS, gql, realStackEnv, uniqueId } from '../../helpers/gateway';
import { freePort, spawnGateway } from '../../helpers/processes';

jest.setTimeout(60_000);

describe('graceful shutdown', () => {
  test('SIGTERM drains and exits 0; events it accepted before stay in Kafka and are scored by the next instance', async () => {
    const env = realStackEnv();
    const first = await spawnGateway(env, await freePort());
    const product = uniqueId('p');
    const accepted = await gql(first.url, OPS.trackView, { input: { userId: uniqueId('u'), productId: product } });
    expect(accepted.data?.trackView.accepted).toBe(true);
    const exited = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const second = await spawnGateway(env, await freePort());
    try {
      const deadline = Date.now() + 30_000;
      let found = false;
      while (!found && Date.now() < deadline) {
        const res = await gql(second.url, `{ trending(limit: 100) { product { id } } }`);
        found = (res.data?.trending ?? []).some((t: { product: { id: string } }) => t.product.id === product);
        if (!found) await new Promise((r) => setTimeout(r, 200));
      }
      expect(found).toBe(true);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  });
});

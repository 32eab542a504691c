// The websocket's protocol guards: close codes for clients that skip or break the handshake,
// frames over the size limit, and browser origins (embedded stand-ins).
import type { Gateway } from '../../../src/app';
import { OPS, startTestGateway, uniqueId } from '../../helpers/gateway';
import { RawSocket, SECRET, bearer, token } from './kit';

jest.setTimeout(30_000);

const MAX_PAYLOAD = 2048;

describe('the websocket handshake and frames', () => {
  let gateway: Gateway;
  const sockets: RawSocket[] = [];
  const socket = (origin?: string) => {
    const s = new RawSocket(gateway.wsUrl, { origin });
    sockets.push(s);
    return s;
  };
  const authorization = bearer(token({ sub: 'alice' }));

  beforeAll(async () => {
    gateway = await startTestGateway({
      RECSYS_JWT_SECRET: SECRET,
      RECSYS_WS_CONNECTION_INIT_TIMEOUT_MS: '300',
      RECSYS_WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
      RECSYS_ALLOWED_ORIGINS: 'https://shop.example.com',
    });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('a client that never sends connection_init is closed with 4408 once the configured wait is over', async () => {
    const s = socket();
    await s.opened;
    const started = Date.now();
    expect((await s.closed).code).toBe(4408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test('subscribing before the acknowledgement closes the socket with 4401', async () => {
    const s = socket();
    await s.opened;
    s.subscribe('1', OPS.recommendationsUpdated, { userId: 'alice' });
    expect((await s.closed).code).toBe(4401);
  });

  test('a message that is not a protocol message closes the socket with 4400, a second connection_init with 4429', async () => {
    const garbage = socket();
    await garbage.ready({ authorization });
    garbage.send('{"type":');
    expect((await garbage.closed).code).toBe(4400);
    const twice = socket();
    await twice.ready({ authorization });
    twice.send({ type: 'connection_init', payload: { authorization } });
    expect((await twice.closed).code).toBe(4429);
  });

  test('a frame exactly at maxPayload is read, and one byte more closes the socket with 1009', async () => {
    const frame = (bytes: number) => {
      const base = JSON.stringify({ id: 'x', type: 'subscribe', payload: { query: `{ trending { score } }#`, variables: {} } });
      const padded = base.replace('#', '#' + 'p'.repeat(bytes - base.length));
      expect(Buffer.byteLength(padded)).toBe(bytes);
      return padded;
    };
    const atBound = socket();
    await atBound.ready({ authorization });
    atBound.send(frame(MAX_PAYLOAD));
    expect((await atBound.result('x')).type).toBe('next');
    const over = socket();
    await over.ready({ authorization });
    over.send(frame(MAX_PAYLOAD + 1));
    expect((await over.closed).code).toBe(1009);
  });

  test('a browser page from a foreign origin is refused at the upgrade (HTTP 403)', async () => {
    const s = socket('https://evil.example');
    expect((await s.closed).code).toBe(1006);
    expect(s.refusedStatus).toBe(403);
  });

  test("listed origins, the gateway's own origin and clients without an Origin connect", async () => {
    const own = new URL(gateway.url).origin;
    for (const origin of ['https://shop.example.com', own, undefined]) {
      const s = socket(origin);
      await s.ready({ authorization });
      s.subscribe(uniqueId('op'), '{ trending(limit: 1) { score } }');
      expect((await s.next((m) => m.type === 'next')).payload.errors).toBeUndefined();
    }
  });
});

describe('the websocket in development with no origin list', () => {
  test('lets every origin in', async () => {
    const gateway = await startTestGateway({});
    const s = new RawSocket(gateway.wsUrl, { origin: 'https://anything.example' });
    try {
      await s.ready();
      expect(s.open).toBe(true);
    } finally {
      s.close();
      await gateway.stop();
    }
  });
});

// The seed's ZooKeeper check (tests/zookeeperTest.js) on node-zookeeper-client, with a znode of its
// own: ephemeral (gone with the session even if the check dies) and removed at the end.
import { randomBytes } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { UnavailableError } from '../errors';
import { remaining, within } from './timeout';

export interface ZooKeeperCheckOptions {
  connect: string;
  print: (line: string) => void;
  /** The whole check (default 10 s). */
  timeoutMs?: number;
}

export async function checkZooKeeper(options: ZooKeeperCheckOptions): Promise<void> {
  const { connect, print, timeoutMs = 10000 } = options;
  const deadline = Date.now() + timeoutMs;
  const path = `/recsys-doctor-${process.pid}-${randomBytes(4).toString('hex')}`;
  const client = zookeeper.createClient(connect, { sessionTimeout: 10000, spinDelay: 500, retries: 0 });
  type Callback<T> = (err: Error | zookeeper.Exception | null, value?: T) => void;
  const call = <T>(what: string, fn: (cb: Callback<T>) => void): Promise<T> =>
    within(
      'ZooKeeper',
      remaining(deadline),
      what,
      new Promise<T>((resolve, reject) =>
        fn((err, value) => (err ? reject(new UnavailableError('ZooKeeper', `${what}: ${String(err)}`, err)) : resolve(value as T))),
      ),
    );
  try {
    const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
    client.connect();
    await within('ZooKeeper', remaining(deadline), `connecting to ${connect}`, connected);
    print('Connected to Zookeeper.');
    await call<string>(`create ${path}`, (cb) => client.create(path, Buffer.from('Hello Zookeeper'), zookeeper.CreateMode.EPHEMERAL, (err, p) => cb(err, p)));
    print('Znode created.');
    const data = await call<Buffer>(`getData ${path}`, (cb) => client.getData(path, (err, d) => cb(err, d)));
    const text = data?.toString('utf8') ?? '';
    print(`Znode data: ${text}`);
    if (text !== 'Hello Zookeeper') throw new UnavailableError('ZooKeeper', `${path} holds ${JSON.stringify(text)}`);
    await call<void>(`remove ${path}`, (cb) => client.remove(path, -1, (err) => cb(err)));
  } finally {
    client.close();
  }
}

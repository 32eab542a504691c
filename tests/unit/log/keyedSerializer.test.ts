import { KeyedSerializer } from '../../../src/log/kafkaLog';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `promise`, or a failure naming `what` after 5 s (a serializer that wrongly waits deadlocks here). */
const within = (promise: Promise<void>, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within 5 s`)), 5_000).unref())]);

describe('scoring partitions concurrently', () => {
  test('batches of the same partition number run one after another, in arrival order', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await tick(ms);
      log.push(`${name}:end`);
    };
    await Promise.all([serializer.run(3, task('view-events/3', 20)), serializer.run(3, task('add-to-cart-events/3', 1))]);
    expect(log).toEqual(['view-events/3:start', 'view-events/3:end', 'add-to-cart-events/3:start', 'add-to-cart-events/3:end']);
  });

  test('batches of different partition numbers overlap', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    // Partition 1's batch finishes only once partition 2's has run: proof of overlap, whatever the timing.
    let twoDone!: () => void;
    const two = new Promise<void>((r) => (twoDone = r));
    await Promise.all([
      serializer.run(1, async () => {
        log.push('1:start');
        await within(two, "partition 2's batch did not run while partition 1's was running");
        log.push('1:end');
      }),
      serializer.run(2, async () => {
        log.push('2:start');
        log.push('2:end');
        twoDone();
      }),
    ]);
    expect(log).toEqual(['1:start', '2:start', '2:end', '1:end']);
  });

  test('a failed batch does not block the next one of its partition', async () => {
    const serializer = new KeyedSerializer();
    await expect(
      serializer.run(0, async () => {
        throw new Error('redis down');
      }),
    ).rejects.toThrow('redis down');
    await expect(serializer.run(0, async () => 'scored')).resolves.toBe('scored');
  });
});

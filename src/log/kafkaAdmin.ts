// The process's one Kafka admin client (built in src/app.ts and passed in): topic set-up, the
// consumer's partition check and /readyz share its connection instead of each opening their own.
import type { Admin, Kafka } from 'kafkajs';

export interface KafkaAdmin {
  /** Runs `work` on the connected admin client (connecting first, again after a failed attempt). */
  use<T>(work: (admin: Admin) => Promise<T>): Promise<T>;
  disconnect(): Promise<void>;
}

export function sharedAdmin(admin: Admin): KafkaAdmin {
  let connected: Promise<void> | null = null;
  return {
    async use(work) {
      connected ??= admin.connect().catch((err: unknown) => {
        connected = null; // the next use tries again
        throw err;
      });
      await connected;
      return work(admin);
    },
    async disconnect() {
      connected = null;
      await admin.disconnect();
    },
  };
}

/** One-off work (a script, a test): its own admin client, disconnected afterwards. */
export async function withAdmin<T>(kafka: Kafka, work: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = sharedAdmin(kafka.admin());
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

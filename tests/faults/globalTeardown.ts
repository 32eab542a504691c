import { stopFaultStack } from './harness/stack';

export default async function globalTeardown(): Promise<void> {
  await stopFaultStack(() => undefined);
}

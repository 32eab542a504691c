// Starts the fault suite's private stack once for all cases (stopped in globalTeardown.ts; CI also
// stops it from a trap: `npm run faults:down`).
import { FAULT_PORTS, FAULT_STACK_DIR, startFaultStack } from './harness/stack';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const lines: string[] = [];
  try {
    await startFaultStack((line) => lines.push(line));
  } catch (err) {
    process.stderr.write(`${lines.join('\n')}\n`);
    throw err;
  }
  process.stdout.write(
    `\nfault stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (3 Kafka nodes on ${FAULT_PORTS.kafka}-${FAULT_PORTS.kafka + 2}, ZooKeeper ${FAULT_PORTS.zookeeper}, Redis ${FAULT_PORTS.redis}, in ${FAULT_STACK_DIR}/)\n`,
  );
}

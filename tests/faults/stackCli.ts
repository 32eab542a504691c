// `npm run faults:down` (CI's trap), `tsx tests/faults/stackCli.ts up` (to poke at the fault stack by hand).
import { startFaultStack, stopFaultStack } from './harness/stack';

const command = process.argv[2];
const print = (line: string) => process.stdout.write(`${line}\n`);
(command === 'up' ? startFaultStack(print) : command === 'down' ? stopFaultStack(print) : Promise.reject(new Error('usage: stackCli.ts up|down'))).catch(
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

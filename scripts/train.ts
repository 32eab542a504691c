// Trains the learned blend (issue 20): npm run train -- --dataset <file> --out model.json. See src/eval/train/cli.ts.
import { trainMain } from '../src/eval/train/cli';

trainMain(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`train: ${String(err)}\n`);
    process.exitCode = 1;
  },
);

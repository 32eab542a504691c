// Offline evaluation of the recommendation methods (issue #9). See src/eval/cli.ts for options:
//   npm run eval -- --dataset data/yoochoose-clicks-100k_train_full.txt   (README, Datasets: where to fetch it)
//   npm run eval -- --served --dataset <file>   (through the gateway `npm start` runs on $PORT)
import { gatewayPort } from '../src/config';
import { localGatewayUrl } from '../src/demo/simulate/args';
import { main } from '../src/eval/cli';

main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: process.stderr }, localGatewayUrl(gatewayPort(process.env))).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`eval: ${String(err)}\n`);
    process.exitCode = 1;
  },
);

// `npm run bench`: compiles the project when dist/ is older than the sources (the bench imports
// type-graphql code, which needs tsc's decorator metadata), brings the local stack up when a part
// of it does not answer, then runs dist/scripts/bench.js with the same arguments.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { BENCH_USAGE, parseBenchArgs, type BenchRoles } from './cli';

const root = path.resolve(__dirname, '../..');
const target = path.join(root, 'dist/scripts/bench.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

function run(command: string, args: string[], quiet = false): number {
  const r = spawnSync(command, args, { cwd: root, stdio: quiet ? 'ignore' : 'inherit' });
  return r.status ?? 1;
}

let roles: BenchRoles;
let help: boolean;
try {
  ({ roles, help } = parseBenchArgs(process.argv.slice(2)));
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(2);
}
if (help) {
  process.stdout.write(`${BENCH_USAGE}\n`);
  process.exit(0);
}
/** bench.js gets the arguments without --roles (the children read it from the environment). */
const args = withoutRoles(process.argv.slice(2));
function withoutRoles(argv: string[]): string[] {
  const at = argv.findIndex((a) => a === '--roles' || a.startsWith('--roles='));
  if (at < 0) return argv;
  return [...argv.slice(0, at), ...argv.slice(at + (argv[at] === '--roles' ? 2 : 1))];
}
if (roles === 'split') {
  process.env.BENCH_GATEWAY_ROLES = 'split';
  process.stderr.write('bench: --roles split: each gateway runs as two processes, RECSYS_ROLES=api,push and RECSYS_ROLES=scorer\n');
} else if (roles === 'each') {
  process.env.BENCH_GATEWAY_ROLES = 'each';
  process.stderr.write('bench: --roles each: each gateway runs as three processes, RECSYS_ROLES=api, RECSYS_ROLES=push and RECSYS_ROLES=scorer\n');
}
let built = 0;
try {
  built = statSync(target).mtimeMs;
} catch {
  built = 0;
}
if (built < Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'scripts')))) {
  process.stderr.write('bench: compiling (tsc -p tsconfig.build.json)...\n');
  if (run('npx', ['tsc', '-p', 'tsconfig.build.json']) !== 0) {
    process.stderr.write('bench: the build failed\n');
    process.exit(1);
  }
}
if (run('npm', ['run', '--silent', 'stack:status'], true) !== 0) {
  process.stderr.write('bench: the local stack is not (fully) answering; npm run stack:up\n');
  if (run('npm', ['run', 'stack:up']) !== 0) {
    process.stderr.write('bench: stack:up failed\n');
    process.exit(1);
  }
}
process.exit(run('node', [target, ...args]));

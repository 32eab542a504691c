// `npm run bench`: compiles the project when dist/ is older than the sources (the bench imports
// type-graphql code, which needs tsc's decorator metadata), brings the local stack up when a part
// of it does not answer, then runs dist/scripts/bench.js with the same arguments.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

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

const ROLES_USAGE = '  --roles     one (default): the gateway in one process; split: api,push and scorer in two';

/** Takes `--roles one|split` out of the arguments (bench.js does not know it); the children read it from the environment. */
function takeRoles(argv: string[]): { args: string[]; roles: 'one' | 'split' } {
  const at = argv.indexOf('--roles');
  if (at < 0) return { args: argv, roles: 'one' };
  const value = argv[at + 1];
  if (value !== 'one' && value !== 'split') {
    process.stderr.write(`bench: --roles expects one or split, got ${value === undefined ? 'nothing' : `"${value}"`}\n${ROLES_USAGE}\n`);
    process.exit(2);
  }
  return { args: [...argv.slice(0, at), ...argv.slice(at + 2)], roles: value };
}

const { args, roles } = takeRoles(process.argv.slice(2));
if (args.includes('--help') || args.includes('-h')) {
  const status = run('node', [target, '--help']);
  process.stdout.write(`${ROLES_USAGE}\n`);
  process.exit(status);
}
if (roles === 'split') {
  process.env.BENCH_GATEWAY_ROLES = 'split';
  process.stderr.write('bench: --roles split: each gateway runs as two processes, RECSYS_ROLES=api,push and RECSYS_ROLES=scorer\n');
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

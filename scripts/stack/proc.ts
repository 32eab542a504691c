// Processes the stack starts: spawned detached (they outlive `npm run stack:up`), output to a log
// file, identified later by pid AND by a marker in their command line, so a recycled pid is never
// mistaken for ours.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line (Linux /proc), or null where it cannot be read. */
export function commandLine(pid: number): string | null {
  const file = `/proc/${pid}/cmdline`;
  try {
    if (!existsSync(file)) return null;
    return readFileSync(file, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
}

/** True when `pid` is alive and (where /proc is readable) its command line contains `marker`. */
export function isOurs(pid: number | null | undefined, marker: string): boolean {
  if (!pid || !isAlive(pid)) return false;
  const cmd = commandLine(pid);
  if (cmd === null) return process.platform !== 'linux';
  // A zombie (exited, not yet reaped) has an empty command line: not running.
  return cmd.includes(marker);
}

export interface SpawnOptions {
  command: string;
  args: string[];
  logFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a detached process writing stdout+stderr to `logFile` (appending); resolves with its pid. */
export function spawnDetached(options: SpawnOptions): Promise<number> {
  const fd = openSync(options.logFile, 'a');
  return new Promise<number>((resolvePid, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.once('error', (err) => {
      closeSync(fd);
      reject(err);
    });
    child.once('spawn', () => {
      closeSync(fd);
      child.unref();
      if (child.pid === undefined) reject(new Error(`${options.command} did not start`));
      else resolvePid(child.pid);
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves with how it ended. */
export async function stopProcess(pid: number, graceMs: number): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!isAlive(pid)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || isZombie(pid)) return 'terminated';
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  for (let i = 0; i < 50 && isAlive(pid) && !isZombie(pid); i++) await sleep(100);
  return 'killed';
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Which process listens on a TCP port (best effort, via `ss`), for "port taken" messages. */
export function portOwner(port: number): string | null {
  const res = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  if (res.status !== 0 || !res.stdout.trim()) return null;
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(res.stdout);
  return m ? `${m[1]} (pid ${m[2]})` : 'another process';
}

/** Where a program is on PATH, or null. */
export function which(program: string): string | null {
  const res = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  const out = res.stdout.trim();
  return res.status === 0 && out ? out : null;
}

/** The last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 15): string {
  try {
    const all = readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '';
  }
}

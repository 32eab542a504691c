// The Kafka and ZooKeeper jars: copied once from Maven Central into .stack/jars/<component> by
// `mvn dependency:copy-dependencies` on the pom in stack/<component>/. A stamp file holds the pom's
// hash, so editing a pom (say, a new Kafka version) refreshes the copy on the next `up`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackPaths } from './paths';

export type JarComponent = 'kafka' | 'zookeeper';

export class StackSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackSetupError';
  }
}

export interface JavaInfo {
  command: string;
  major: number;
  version: string;
}

/** The java to run the servers with: $JAVA_HOME/bin/java if given, else `java` on PATH; needs 17+. */
export function findJava(javaHome: string | undefined): JavaInfo {
  const command = javaHome && existsSync(join(javaHome, 'bin', 'java')) ? join(javaHome, 'bin', 'java') : 'java';
  const res = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    throw new StackSetupError(
      'Java not found: the local stack runs Kafka and ZooKeeper on Java 17 or newer.\n' +
        '  Install it with: apt-get install -y openjdk-17-jre-headless   (or set JAVA_HOME)',
    );
  }
  const text = `${res.stderr}${res.stdout}`;
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(text);
  const first = Number(m?.[1] ?? 0);
  const major = first === 1 ? Number(m?.[2] ?? 0) : first;
  if (major < 17) {
    throw new StackSetupError(
      `Java ${major || '?'} found (${command}), but Kafka 4 needs Java 17 or newer.\n` +
        '  Install it with: apt-get install -y openjdk-17-jre-headless   (or point JAVA_HOME at a JDK 17+)',
    );
  }
  return { command, major, version: (m?.[0] ?? '').replace(/^version /, '') };
}

function pomHash(pom: string): string {
  return createHash('sha256').update(readFileSync(pom)).digest('hex');
}

export function jarDir(paths: StackPaths, component: JarComponent): string {
  return join(paths.jars, component);
}

export function jarsCached(paths: StackPaths, component: JarComponent): boolean {
  const dir = jarDir(paths, component);
  const stamp = join(dir, '.pom-sha256');
  if (!existsSync(stamp)) return false;
  const pom = join(paths.sources, component, 'pom.xml');
  if (readFileSync(stamp, 'utf8').trim() !== pomHash(pom)) return false;
  return readdirSync(dir).some((f) => f.endsWith('.jar'));
}

/**
 * Makes sure .stack/jars/<component> holds the jar set; downloads it with Maven when missing.
 * Returns the classpath (`dir/*`, expanded by java itself).
 */
export async function ensureJars(paths: StackPaths, component: JarComponent, print: (line: string) => void): Promise<string> {
  const dir = jarDir(paths, component);
  if (!jarsCached(paths, component)) {
    if (!hasMaven()) {
      throw new StackSetupError(
        `Maven (mvn) not found: it is needed once, to copy the ${component} jars from Maven Central into ${dir}.\n` +
          '  Install it with: apt-get install -y maven',
      );
    }
    const pom = join(paths.sources, component, 'pom.xml');
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(paths.jars, { recursive: true });
    print(`  downloading ${component} jars from Maven Central (first run only) ...`);
    const started = Date.now();
    const { code, output } = await run('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`]);
    if (code !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new StackSetupError(`mvn could not copy the ${component} jars (exit ${code}):\n${output.trim()}`);
    }
    writeFileSync(join(tmp, '.pom-sha256'), `${pomHash(pom)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    print(`  ${component} jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
  }
  return join(dir, '*');
}

function hasMaven(): boolean {
  const res = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  return !res.error && res.status === 0;
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    // eslint-disable-next-line no-control-regex
    const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
    child.stdout.on('data', (c: Buffer) => (output += strip(c.toString())));
    child.stderr.on('data', (c: Buffer) => (output += strip(c.toString())));
    child.once('error', (err) => resolve({ code: 127, output: String(err) }));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

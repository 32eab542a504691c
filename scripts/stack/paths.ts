// Where the local stack keeps its files. Everything lives under .stack/ (git-ignored):
//   .stack/jars/<component>   broker/server jars copied once from Maven Central (kept by `down`)
//   .stack/conf/              generated server.properties / zoo.cfg (rewritten by every `up`)
//   .stack/data/<part>        Kafka log dirs, ZooKeeper data, Redis dir (removed by `down`)
//   .stack/logs/<part>.log    each process's output (kept by `down`, truncated by the next fresh `up`)
//   .stack/state.json         what `up` started: pids, ports, cluster id (removed by `down`)
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface StackPaths {
  repoRoot: string;
  root: string;
  jars: string;
  conf: string;
  data: string;
  logs: string;
  stateFile: string;
  /** Static inputs committed in the repo: stack/kafka, stack/zookeeper (poms, logging configs). */
  sources: string;
}

/** The repository root: the nearest folder above `from` that holds stack/kafka/pom.xml and package.json. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'stack', 'kafka', 'pom.xml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root (package.json + stack/) above ${from}`);
    dir = parent;
  }
}

export function stackPaths(repoRoot: string = findRepoRoot()): StackPaths {
  const root = join(repoRoot, '.stack');
  return {
    repoRoot,
    root,
    jars: join(root, 'jars'),
    conf: join(root, 'conf'),
    data: join(root, 'data'),
    logs: join(root, 'logs'),
    stateFile: join(root, 'state.json'),
    sources: join(repoRoot, 'stack'),
  };
}

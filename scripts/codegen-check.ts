// `npm run codegen:check`: regenerates every codegen.yml output into a temp dir and compares it with
// the committed file. Exits 1 naming the stale files (fix: `npm run codegen`, after
// `npm run schema:emit` if the schema changed). tests/unit/schema/codegen.test.ts runs the same check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..');

export interface CodegenCheck {
  /** Outputs (paths relative to the repo) whose committed content differs from a fresh run. */
  stale: { file: string; detail: string }[];
}

function firstDifference(committed: string, fresh: string): string {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined || y === undefined) return `line ${i + 1}: ${x === undefined ? 'missing in the committed file' : 'not in a fresh run'}`;
    let col = 0;
    while (x[col] === y[col]) col++;
    const around = (s: string) => JSON.stringify(s.slice(Math.max(0, col - 30), col + 50));
    return `line ${i + 1}, column ${col + 1}: committed ${around(x)}, fresh ${around(y)}`;
  }
  return 'differs';
}

const absolute = (p: string | string[]) => (Array.isArray(p) ? p.map((x) => path.resolve(ROOT, x)) : path.resolve(ROOT, p));

export function checkCodegen(configFile = path.join(ROOT, 'codegen.yml')): CodegenCheck {
  const config = YAML.parse(readFileSync(configFile, 'utf8')) as {
    schema: string | string[];
    documents: string | string[];
    generates: Record<string, unknown>;
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'codegen-check-'));
  try {
    const outputs = Object.keys(config.generates);
    const fresh = new Map(outputs.map((out, i) => [out, path.join(dir, `${i}-${path.basename(out)}`)]));
    const tempConfig = {
      ...config,
      schema: absolute(config.schema),
      documents: absolute(config.documents),
      generates: Object.fromEntries(outputs.map((out) => [fresh.get(out)!, config.generates[out]])),
    };
    const tempConfigFile = path.join(dir, 'codegen.yml');
    writeFileSync(tempConfigFile, YAML.stringify(tempConfig));
    const bin = path.join(ROOT, 'node_modules', '.bin', 'graphql-codegen');
    const run = spawnSync(bin, ['--config', tempConfigFile, '--silent'], { cwd: ROOT, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`graphql-codegen failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
    const stale: CodegenCheck['stale'] = [];
    for (const out of outputs) {
      const committedPath = path.resolve(ROOT, out);
      const freshText = readFileSync(fresh.get(out)!, 'utf8');
      if (!existsSync(committedPath)) stale.push({ file: out, detail: 'missing' });
      else {
        const committed = readFileSync(committedPath, 'utf8');
        if (committed !== freshText) stale.push({ file: out, detail: firstDifference(committed, freshText) });
      }
    }
    return { stale };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { stale } = checkCodegen();
  if (stale.length === 0) {
    process.stdout.write('generated operation types are up to date\n');
  } else {
    for (const s of stale) process.stderr.write(`stale: ${s.file} (${s.detail})\n`);
    process.stderr.write('Run `npm run codegen` (and `npm run schema:emit` first if the schema changed), then commit the result.\n');
    process.exit(1);
  }
}

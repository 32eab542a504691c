// Summarises V8 CPU profiles (node --cpu-prof) of a bench child: self time by function and by
// area (our source files, each dependency, node internals, GC, idle), as Markdown.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

function areaOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'V8/native (program)';
  if (!url) return `native (${name || 'anonymous'})`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const i = url.indexOf('/dist/');
  return i >= 0 ? url.slice(i + '/dist/'.length).replace(/\.js$/, '.ts') : url;
}

export interface ProfileSummary {
  totalMs: number;
  byFunction: { name: string; where: string; ms: number; share: number }[];
  byArea: { area: string; ms: number; share: number }[];
}

export function summarise(profile: CpuProfile): ProfileSummary {
  const selfMs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0) / 1000));
  }
  const fns = new Map<string, { name: string; where: string; ms: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = selfMs.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    total += ms;
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const where = url ? `${area}:${lineNumber + 1}` : area;
    const key = `${functionName}@${where}`;
    const f = fns.get(key) ?? { name: functionName || '(anonymous)', where, ms: 0 };
    f.ms += ms;
    fns.set(key, f);
  }
  const share = (ms: number) => (total > 0 ? ms / total : 0);
  return {
    totalMs: total,
    byFunction: [...fns.values()].sort((a, b) => b.ms - a.ms).map((f) => ({ ...f, share: share(f.ms) })),
    byArea: [...areas].sort((a, b) => b[1] - a[1]).map(([area, ms]) => ({ area, ms, share: share(ms) })),
  };
}

export function renderSummary(s: ProfileSummary, top = 15): string {
  const busy = s.byArea.filter((a) => a.area !== 'idle').reduce((n, a) => n + a.ms, 0);
  const lines = [
    `Sampled ${(s.totalMs / 1000).toFixed(1)} s of CPU profile, ${(busy / 1000).toFixed(1)} s busy (not idle).`,
    '',
    '| area | self ms | share |',
    '|---|---:|---:|',
  ];
  for (const a of s.byArea.slice(0, 12)) lines.push(`| ${a.area} | ${a.ms.toFixed(0)} | ${(a.share * 100).toFixed(1)}% |`);
  lines.push('', '| function | where | self ms | share |', '|---|---|---:|---:|');
  for (const f of s.byFunction.filter((f) => f.name !== '(idle)').slice(0, top)) {
    lines.push(`| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.where} | ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)}% |`);
  }
  return lines.join('\n');
}

/**
 * Summarises the .cpuprofile files in `dir` (the bench writes one folder per child): the one
 * there is, or with a gateway split into processes (--roles split|each) each of them, by pid.
 */
export async function summariseProfile(dir: string): Promise<string> {
  try {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
    if (files.length === 0) return '(no profile written)';
    const parts: string[] = [];
    for (const file of files) {
      const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
      // node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
      parts.push(`${files.length > 1 ? `Process ${file.split('.')[3]}:\n\n` : ''}${renderSummary(summarise(profile))}`);
    }
    return parts.join('\n\n');
  } catch (err) {
    return `(profile unreadable: ${(err as Error).message})`;
  }
}

// node diff.js a.heapsnapshot b.heapsnapshot N : per-subscription objects/bytes by type:name
const fs = require('fs');
function load(file) {
  const s = JSON.parse(fs.readFileSync(file, 'utf8'));
  const f = s.snapshot.meta.node_fields,
    types = s.snapshot.meta.node_types[0];
  const w = f.length,
    ti = f.indexOf('type'),
    ni = f.indexOf('name'),
    si = f.indexOf('self_size');
  const agg = new Map();
  const nodes = s.nodes;
  for (let i = 0; i < nodes.length; i += w) {
    const t = types[nodes[i + ti]];
    let name = s.strings[nodes[i + ni]];
    if (t === 'string' || t === 'concatenated string' || t === 'sliced string') name = '';
    if (t === 'code' || t === 'hidden' || t === 'array' || t === 'number') name = name.slice(0, 40);
    if (t === 'closure') name = name.slice(0, 60);
    const k = `${t}:${name}`;
    const a = agg.get(k) || [0, 0];
    a[0]++;
    a[1] += nodes[i + si];
    agg.set(k, a);
  }
  return agg;
}
const [a, b] = [load(process.argv[2]), load(process.argv[3])];
const N = Number(process.argv[4]);
const rows = [];
for (const [k, v] of b) {
  const u = a.get(k) || [0, 0];
  rows.push([k, (v[0] - u[0]) / N, (v[1] - u[1]) / N]);
}
rows.sort((x, y) => y[2] - x[2]);
let tc = 0,
  tb = 0;
const byType = new Map();
for (const r of rows) {
  tc += r[1];
  tb += r[2];
  const t = r[0].split(':')[0];
  const x = byType.get(t) || [0, 0];
  x[0] += r[1];
  x[1] += r[2];
  byType.set(t, x);
}
console.log(`total per sub: ${tc.toFixed(1)} objects, ${tb.toFixed(0)} bytes`);
console.log(
  'by type:',
  [...byType]
    .filter(([, v]) => Math.abs(v[1]) > 20)
    .sort((x, y) => y[1][1] - x[1][1])
    .map(([t, v]) => `${t} ${v[0].toFixed(1)}/${v[1].toFixed(0)}B`)
    .join('; '),
);
for (const r of rows.slice(0, Number(process.argv[5] || 60)))
  if (Math.abs(r[2]) >= 8 || Math.abs(r[1]) >= 0.5) console.log(`${r[1].toFixed(2).padStart(7)} ${r[2].toFixed(0).padStart(6)}B  ${r[0]}`);
const closures = rows.filter((r) => r[0].startsWith('closure:') && r[1] >= 0.5);
console.log('closures per sub >=0.5:', closures.map((r) => `${r[0].slice(8)}=${r[1].toFixed(1)}`).join(', '));

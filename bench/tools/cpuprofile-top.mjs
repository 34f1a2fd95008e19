#!/usr/bin/env node
// Aggregates V8 .cpuprofile files (node --cpu-prof) into self/total time per function.
//   node bench/tools/cpuprofile-top.mjs [--top N] [--by fn|file] PROFILE.cpuprofile...
// Self time = samples whose leaf is the function; total = samples with the function anywhere on the stack
// (counted once per sample). Times come from the profile's timeDeltas.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let top = 30, by = 'fn';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = Number(args[++i]);
  else if (args[i] === '--by') by = args[++i];
  else files.push(args[i]);
}
if (!files.length) { console.error('usage: cpuprofile-top.mjs [--top N] [--by fn|file] FILE...'); process.exit(2); }

const self = new Map(), total = new Map();
let wall = 0, sampled = 0;
const short = (url) => url.replace(/^file:\/\//, '').replace(/^.*\/dist\/src\//, 'src/').replace(/^.*\/node_modules\//, 'node_modules/');
for (const f of files) {
  const p = JSON.parse(readFileSync(f, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => {
    const cf = n.callFrame;
    const name = cf.functionName || '(anonymous)';
    if (!cf.url) return name;
    const file = short(cf.url);
    return by === 'file' ? file : `${name} ${file}:${cf.lineNumber + 1}`;
  };
  wall += (p.endTime - p.startTime) / 1000;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000; // ms
    sampled += dt;
    let n = byId.get(p.samples[i]);
    const k = key(n);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const kk = key(byId.get(id));
      if (seen.has(kk)) continue;
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dt);
    }
  }
}
const idle = self.get('(idle)') ?? 0;
const busy = sampled - idle;
console.log(`profiles: ${files.length}; wall ${wall.toFixed(0)} ms; sampled ${sampled.toFixed(0)} ms; idle ${idle.toFixed(0)} ms; busy (non-idle) ${busy.toFixed(0)} ms`);
console.log(`\nTop ${top} by self time (% of busy):`);
console.log('self ms   %busy  total ms  function');
for (const [k, v] of [...self].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${v.toFixed(1).padStart(8)} ${(100 * v / busy).toFixed(1).padStart(6)} ${(total.get(k) ?? 0).toFixed(1).padStart(9)}  ${k}`);
}
console.log(`\nTop ${top} by total (inclusive) time, project code only:`);
for (const [k, v] of [...total].filter(([k]) => / src\//.test(' ' + k.split(' ').slice(1).join(' '))).sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${v.toFixed(1).padStart(8)} ${(100 * v / busy).toFixed(1).padStart(6)}  ${k}`);
}

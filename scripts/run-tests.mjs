#!/usr/bin/env node
// Runs the compiled test files with node's own test runner.
// Usage: node scripts/run-tests.mjs [unit|integration|compat ...]  (default: all kinds)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const kinds = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'compat'];
const files = [];
function walk(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
}
for (const kind of kinds) walk(join('dist', 'test', kind));
// Files under src/ may carry unit tests beside the logic they test.
if (kinds.includes('unit')) walk(join('dist', 'src'));
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
// Integration suites each start their own daemon; run files one at a time to keep the 2-core machine calm.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);

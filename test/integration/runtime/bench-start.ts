// Benchmark (not a test): create + start + exit + delete of busybox `true` through the Runtime, the runtime
// layer's share of `run --rm busybox true`. Compare with /work/shared/bench/runtime-floor.sh on the same machine.
// Usage: node dist/test/integration/runtime/bench-start.js [reps=20]
import { setup } from './helpers.js';

const reps = Number(process.argv[2] ?? 20);
const h = setup('bench');
const phases: Record<string, number[]> = { create: [], start: [], exit: [], delete: [], total: [] };
try {
  for (let i = 0; i <= reps; i++) {
    const id = `bench-${i}`;
    const t0 = performance.now();
    const exit = h.nextExit(id);
    await h.create(id, ['true']);
    const t1 = performance.now();
    await h.rt.start(id);
    const t2 = performance.now();
    await exit;
    const t3 = performance.now();
    await h.rt.delete(id);
    const t4 = performance.now();
    if (i === 0) continue; // warm-up
    phases.create!.push(t1 - t0); phases.start!.push(t2 - t1); phases.exit!.push(t3 - t2);
    phases.delete!.push(t4 - t3); phases.total!.push(t4 - t0);
  }
} finally {
  await h.teardown();
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
process.stdout.write(`load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}; ${reps} reps after 1 warm-up\n`);
process.stdout.write('| phase | median ms | min | max |\n|---|---|---|---|\n');
for (const [k, v] of Object.entries(phases)) {
  process.stdout.write(`| ${k} | **${median(v).toFixed(1)}** | ${Math.min(...v).toFixed(1)} | ${Math.max(...v).toFixed(1)} |\n`);
}

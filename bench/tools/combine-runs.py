#!/usr/bin/env python3
"""Combines engine-bench raw TSVs of repeated runs: per metric and target, the median of each run and the
median (min-max) of those per-run medians, plus the ratio to the first target's.
  bench/tools/combine-runs.py METRIC[,METRIC..] RUN.tsv RUN.tsv ...   (markdown on stdout)"""
import sys, statistics, collections
metrics = sys.argv[1].split(',')
files = sys.argv[2:]
per = collections.defaultdict(list)   # (metric, target) -> [median of run i]
targets = []
for f in files:
    vals = collections.defaultdict(list)
    for line in open(f):
        t, m, rep, v = line.rstrip('\n').split('\t')
        if t == 'target': continue
        if t not in targets: targets.append(t)
        try: vals[(m, t)].append(float(v))
        except ValueError: pass
    for k, v in vals.items(): per[k].append(statistics.median(v))
first = targets[0]
print('| metric | ' + ' | '.join(f'{t}: median of run medians (min-max) [runs]' for t in targets) + ' | ' + ' | '.join(f'{t} / {first}' for t in targets[1:]) + ' |')
print('|---' * (1 + 2 * len(targets) - 1) + '|')
for m in metrics:
    row, meds = [], {}
    for t in targets:
        xs = per.get((m, t), [])
        if not xs: row.append('n/a'); continue
        meds[t] = statistics.median(xs)
        fmt = (lambda x: f'{x:.3g}' if abs(x) < 100 else f'{x:.0f}')
        row.append(f'**{fmt(meds[t])}** ({fmt(min(xs))}-{fmt(max(xs))}) [{len(xs)}]')
    ratios = [f'{meds[t] / meds[first]:.2f}x' if t in meds and meds.get(first) else 'n/a' for t in targets[1:]]
    print(f'| {m} | ' + ' | '.join(row) + ' | ' + ' | '.join(ratios) + ' |')

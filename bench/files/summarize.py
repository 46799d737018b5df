#!/usr/bin/env python3
"""Summarises a bench/files/run.sh results file: per run type, FinBackup and each peer side by side (every repetition),
the FinBackup/peer ratios of each interleaved pair (the spread), FinBackup's memory share over a bare pwsh, and the
issue 14 targets met or not. Usage: summarize.py results.tsv"""
import csv, statistics, sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = defaultdict(list)  # (tool, run) -> rows in rep order
for r in rows:
    by[(r["tool"], r["run"])].append(r)
bare = by.get(("pwsh-bare", "start"), [])
bare_mb = statistics.median(float(r["peak_MB"]) for r in bare) if bare else 0.0
bare_cpu = statistics.median(float(r["cpu_s"]) for r in bare) if bare else 0.0
loads = [float(r["load1"]) for r in rows]
print(f"Machine load (1-min average at each run's start): min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}.")
print(f"Bare `pwsh -NoProfile -c 1`: {bare_cpu:.2f} s CPU, peak {bare_mb:.0f} MB.\n")
targets = {"full": 0.5, "nochange": 0.7, "restore": 0.8}
fmt = lambda rs: ", ".join(f"{float(r['cpu_s']):.1f}/{float(r['wall_s']):.1f}/{float(r['peak_MB']):.0f}" + ("" if r["exit"] == "0" else f" (exit {r['exit']})") for r in rs)
print("| Run | FinBackup CPU s / wall s / peak MB (each rep) | FinBackup share MB | Peer | Peer CPU / wall / peak | FinBackup/peer CPU | wall | target |")
print("|---|---|---|---|---|---|---|---|")
verdicts = []
runs = []
for (tool, run) in by:
    if tool == "finbackup" and run not in runs: runs.append(run)
for run in runs:
    fin = by[("finbackup", run)]
    share = max(float(r["peak_MB"]) for r in fin) - bare_mb
    peers = [t for (t, r) in by if r == run and t not in ("finbackup", "pwsh-bare")]
    if not peers:
        print(f"| {run} | {fmt(fin)} | {share:.0f} | - | - | - | - | - |")
    for peer in peers:
        p = by[(peer, run)]
        cpu_r = [float(a["cpu_s"]) / float(b["cpu_s"]) for a, b in zip(fin, p) if float(b["cpu_s"]) > 0]
        wall_r = [float(a["wall_s"]) / float(b["wall_s"]) for a, b in zip(fin, p) if float(b["wall_s"]) > 0]
        if len(p) < len(fin):  # a peer run once (aws s3 sync, rclone): every FinBackup rep against it
            cpu_r = [float(a["cpu_s"]) / float(p[0]["cpu_s"]) for a in fin]
            wall_r = [float(a["wall_s"]) / float(p[0]["wall_s"]) for a in fin]
        span = lambda xs: (f"{min(xs):.2f}" if min(xs) == max(xs) else f"{min(xs):.2f}-{max(xs):.2f}") if xs else "-"
        t = targets.get(run) if peer == "restic" else None
        ok = ""
        failed = any(r["exit"] != "0" for r in fin + p)
        if t is not None and failed:
            ok = "a run FAILED"
            verdicts.append((run, ok))
        elif t is not None and cpu_r and wall_r:
            ok = f"<= {t}: " + ("met" if max(cpu_r) <= t and max(wall_r) <= t else ("met on median" if statistics.median(cpu_r) <= t and statistics.median(wall_r) <= t else "NOT met"))
            verdicts.append((run, ok))
        print(f"| {run} | {fmt(fin)} | {share:.0f} | {peer} | {fmt(p)} | {span(cpu_r)} | {span(wall_r)} | {ok} |")
    verdicts.append((run + " memory share", f"{share:.0f} MB " + ("<= 100 MB: met" if share <= 100 else "> 100 MB: NOT met")))
print()
for run, v in verdicts:
    print(f"- {run}: {v}")

#!/usr/bin/env python3
"""Measures the scaling model's inputs and check runs, interleaved in rounds."""
import json, os, subprocess, sys, time
ROOT = "/work/wt-scaling"
LIFE = sys.argv[1]
ID = sys.argv[2]
ROUNDS = int(sys.argv[3])
OUT = sys.argv[4]
def hosts(layout):
    return ",".join(f"{ID}-h{i+1}:{n}" for i, n in enumerate(layout))
cases = []
def add(kind, w, h, gens, layout, opts=()):
    cases.append(dict(kind=kind, width=w, height=h, generations=gens, layout=list(layout), options=list(opts)))
# per-core dense kernel rate
add("rate", 1024, 1024, 4000, [1], ["--dense"])
add("rate", 4096, 4096, 300, [1], ["--dense"])
add("rate", 16384, 2048, 150, [1], ["--dense"])
# halo cost: two rows a rank, one generation per exchange
for w in [1024, 4096, 16384, 65536]:
    g = 20000 if w <= 16384 else 8000
    add("halo-shm", w, 4, g, [2], ["--halo-depth", "1"])
    add("halo-tcp", w, 4, g, [1, 1], ["--halo-depth", "1"])
# balancer
add("balance", 4096, 4096, 300, [2])
add("nobalance", 4096, 4096, 300, [2], ["--no-balance"])
# checks
layouts = [[1], [2], [1, 1], [3], [1, 1, 1], [4], [2, 2], [6], [2, 2, 2], [3, 3]]
for lay in layouts:
    add("check", 4096, 4096, 300, lay)
    add("check", 16384, 64, 3000, lay)
results = [dict(case=c, runs=[]) for c in cases]
def load():
    return open("/proc/loadavg").read().split()[:3]
for rnd in range(ROUNDS):
    for r in results:
        c = r["case"]
        np_ = sum(c["layout"])
        cmd = [f"{ROOT}/scripts/multihost.sh", "run", ID, "mpirun", "-q", "--stdin", "none",
               "--bind-to", "none", "--host", hosts(c["layout"]), "-np", str(np_), LIFE,
               "--headless", "--seed", "1", "--timing", "--width", str(c["width"]),
               "--height", str(c["height"]), "--generations", str(c["generations"])] + c["options"]
        la = load()
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            print("FAILED", c, p.stderr[-500:], file=sys.stderr)
            continue
        s = json.loads(p.stdout.strip().splitlines()[-1])["summary"]
        s["load"] = la
        s["wall"] = time.time() - t0
        r["runs"].append(s)
        print(rnd, c["kind"], c["width"], c["height"], c["layout"], c["options"], f"{s['seconds']:.3f}s",
              f"{s['cell_updates_per_second']/1e9:.2f}G", la[0], file=sys.stderr, flush=True)
    json.dump(results, open(OUT, "w"), indent=1)

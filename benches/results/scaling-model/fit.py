"""The model's inputs (docs/SCALING.md) from the measured runs: fit.py runs.json, writes fit.json beside it."""
import json, math, os, statistics as st, sys
R = json.load(open(sys.argv[1]))
def med(x): return st.median(x)
def per(s, k): return [t[k] for t in s["timing"]]
def find(kind, w, h, lay, opts=None):
    for r in R:
        c = r["case"]
        if c["kind"] == kind and c["width"] == w and c["height"] == h and c["layout"] == lay and (opts is None or c["options"] == opts):
            return r
g = lambda r: r["case"]["generations"]
loads = [float(s["load"][0]) for r in R for s in r["runs"]]
print(f"runs {sum(len(r['runs']) for r in R)}, rounds {min(len(r['runs']) for r in R)}, load 1-min median {med(loads):.1f} range {min(loads):.1f}-{max(loads):.1f}")
# rates
rates = {}
for w, h in [(1024, 1024), (4096, 4096), (16384, 2048)]:
    r = find("rate", w, h, [1])
    v = [s["cell_updates_per_second"] for s in r["runs"]]
    rates[w] = (med(v), max(v))
    print(f"rate {w}x{h}: median {med(v)/1e9:.2f} best {max(v)/1e9:.2f} Gcell/s  runs {[round(x/1e9,2) for x in v]}")
# halo links: wall per generation minus the slowest rank's compute: all the generation costs beyond the kernel
def fit(kind):
    pts = []
    for w in [1024, 4096, 16384, 65536]:
        r = find(kind, w, 4, [2] if kind == "halo-shm" else [1, 1])
        t = [(s["seconds"] - max(per(s, "compute_seconds"))) / g(r) for s in r["runs"]]
        pts.append((w / 8, med(t), min(t)))
        print(f"  {kind} width {w} ({w//8} B a message): exchange a generation median {med(t)*1e6:.1f} us, best {min(t)*1e6:.1f} us  {[round(x*1e6) for x in t]}")
    out = []
    for col in (1, 2):
        xs = [p[0] for p in pts]; ys = [p[col] for p in pts]
        n = len(xs); mx = sum(xs)/n; my = sum(ys)/n
        b = sum((x-mx)*(y-my) for x, y in zip(xs, ys)) / sum((x-mx)**2 for x in xs)
        a = my - b*mx
        if b < 0: b = 0; a = my
        out.append((max(a, 0), b))
    print(f"  {kind}: median fit latency {out[0][0]*1e6:.1f} us + {out[0][1]*1e9:.2f} ns/B; best fit {out[1][0]*1e6:.1f} us + {out[1][1]*1e9:.2f} ns/B")
    return out
shm = fit("halo-shm"); tcp = fit("halo-tcp")
b = find("balance", 4096, 4096, [2]); nb = find("nobalance", 4096, 4096, [2])
wb = [s["seconds"]/g(b) for s in b["runs"]]; wn = [s["seconds"]/g(nb) for s in nb["runs"]]
res = [(s["seconds"] - max(x+y for x, y in zip(per(s,"compute_seconds"), per(s,"exchange_seconds"))))/g(b) for s in b["runs"]]
resn = [(s["seconds"] - max(x+y for x, y in zip(per(s,"compute_seconds"), per(s,"exchange_seconds"))))/g(nb) for s in nb["runs"]]
reb = [s["rebalances"] for s in b["runs"]]
print(f"balancer 4096^2 np=2: wall/gen on {med(wb)*1e6:.0f} us, off {med(wn)*1e6:.0f} us; time outside compute+exchange on {med(res)*1e6:.1f} off {med(resn)*1e6:.1f} us/gen; rebalances {reb}; checks every 64 gens")
check = max(0.0, (med(res) - med(resn)) * 64)
print(f"  => {check*1e6:.0f} us per check (incl. the rebalances)")
# oversubscription: total rate on one host against np=1
one = med([s["cell_updates_per_second"] for s in find("check", 4096, 4096, [1])["runs"]])
for p in [2, 3, 4, 6]:
    v = med([s["cell_updates_per_second"] for s in find("check", 4096, 4096, [p])["runs"]])
    print(f"  one host np={p}: {v/one:.2f}x np=1 (cores the job got)")
# The model pools every np=1 run into one rate: the load moved it far more than the width did.
pooled = [s["cell_updates_per_second"] for r in R if r["case"]["layout"] == [1] for s in r["runs"]]
print(f"rate, all {len(pooled)} np=1 runs pooled: median {med(pooled)/1e9:.2f}, {min(pooled)/1e9:.2f}-{max(pooled)/1e9:.2f} Gcell/s")
json.dump(dict(rates={4096: (med(pooled), max(pooled))}, shm=shm, tcp=tcp, check=check), open(os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "fit.json"), "w"))

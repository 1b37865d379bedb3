"""The check table of docs/SCALING.md: the model (tools/src/model.rs, HERE) against the check runs.
Usage: check.py runs.json CORES (after fit.py runs.json)."""
import json, math, os, statistics as st, sys
R = json.load(open(sys.argv[1])); F = json.load(open(os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "fit.json")))
C = float(sys.argv[2])  # cores the job got (fitted)
rates = {int(k): v[0] for k, v in F["rates"].items()}
shm, tcp, chk = F["shm"][0], F["tcp"][0], F["check"]
def rate(w): return min(rates.items(), key=lambda kv: abs(math.log(kv[0]/w)))[1]
def share(p): return min(1, C/p)/min(1, C)
def interval(cells): return max(8, min(4096, (1 << 30)//cells))
def predict(w, h, lay, k=4, bal=True):
    p = sum(lay); strip = -(-h//p); r = rate(w)*share(p)
    if p == 1: return w*h/r, w*h/r, 0, 0
    k = max(1, min(k, strip)); comp = (strip+k-1)*w/r
    a, b = tcp if len(lay) > 1 else shm
    ex = (a + k*w/8*b)/k
    bl = chk*max(1, math.ceil(math.log2(p)))/interval(w*h) if bal else 0
    return comp+ex+bl, comp, ex, bl
rows = []
print("| grid | ranks | nodes (ranks each) | model us/gen (compute + exchange + balancer) | measured us/gen, median (min-max) | model Gcell/s | measured Gcell/s | error |")
print("|---|---|---|---|---|---|---|---|")
errs = []
for r in R:
    c = r["case"]
    if c["kind"] != "check": continue
    g = c["generations"]; w, h, lay = c["width"], c["height"], c["layout"]
    t = sorted(s["seconds"]/g for s in r["runs"])
    m = st.median(t)
    tot, comp, ex, bl = predict(w, h, lay)
    err = tot/m - 1; errs.append(abs(err))
    print(f"| {w}x{h} | {sum(lay)} | {len(lay)} ({'+'.join(map(str, lay))}) | {tot*1e6:.0f} ({comp*1e6:.0f} + {ex*1e6:.0f} + {bl*1e6:.0f}) | {m*1e6:.0f} ({t[0]*1e6:.0f}-{t[-1]*1e6:.0f}) | {w*h/tot/1e9:.2f} | {w*h/m/1e9:.2f} | {err*100:+.0f}% |")
print(f"\nmedian |error| {st.median(errs)*100:.0f}%, worst {max(errs)*100:.0f}%")

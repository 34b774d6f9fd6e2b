"""Reference values for the one-run audit's ε lower bound: the p-value and the bisection of
Steinke, Nasr & Jagielski, "Privacy Auditing with One (1) Training Run" (NeurIPS 2023), Appendix D,
written out here with SciPy's binomial distribution (scipy only in a throw-away virtualenv):

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_one_run_reference.py
"""
import json
import math
import os

import scipy.stats


def p_value(m, r, v, eps, delta):
    q = 1 / (1 + math.exp(-eps))
    tail = scipy.stats.binom.sf(v - 1, r, q)   # P[Binomial(r, q) >= v]
    best, acc = 0.0, 0.0                       # acc = P[v - i <= Binomial(r, q) < v]
    for i in range(1, v + 1):
        acc += scipy.stats.binom.pmf(v - i, r, q)
        best = max(best, acc / i)
    return min(tail + best * delta * 2 * m, 1)


def lower_bound(m, r, v, delta, p):
    lo, hi = 0.0, 1.0
    while p_value(m, r, v, hi, delta) < p:
        hi += 1
    for _ in range(30):
        mid = (lo + hi) / 2
        if p_value(m, r, v, mid, delta) < p:
            lo = mid
        else:
            hi = mid
    return lo


cases = []
for m, r, v, delta, p in [(1000, 100, 100, 0, 0.05), (1000, 100, 90, 0, 0.05), (1000, 100, 90, 1e-5, 0.05),
                          (10000, 1000, 700, 1e-5, 0.05), (400, 50, 45, 1e-5, 0.05), (400, 50, 30, 1e-5, 0.05),
                          (400, 200, 150, 0, 0.01), (1000, 500, 260, 1e-6, 0.05)]:
    cases.append({"m": m, "r": r, "v": v, "delta": delta, "p": p,
                  "p_value_at_1": p_value(m, r, v, 1.0, delta), "epsilon": lower_bound(m, r, v, delta, p)})
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "one_run_reference.json")
with open(path, "w") as f:
    json.dump({"source": "Steinke, Nasr & Jagielski 2023, Appendix D", "cases": cases}, f, indent=1)
print([round(c["epsilon"], 4) for c in cases])

"""Reference values for PATE's privacy analysis, computed with the paper's own published code
(tensorflow/privacy `research/pate_2018/core.py`, not a PrivLab dependency; run in a throw-away
virtualenv with numpy, scipy and absl-py):

    git clone https://github.com/tensorflow/privacy /tmp/tfp   # commit 03035d5d4a27 was used
    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_pate_reference.py /tmp/tfp/research/pate_2018

The vote histograms are drawn here with a seeded generator and stored, so the Swift test analyses
exactly the same votes. Runs are composed over the realised queries (every query pays the threshold
step, answered ones also pay GNMax), from core.py's per-query functions.
"""
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else "/tmp/tfp/research/pate_2018")
import core as pate  # noqa: E402

orders = np.concatenate((np.arange(2, 100 + 1, .5), np.logspace(np.log10(100), np.log10(500), num=100)))
rng = np.random.default_rng(20261128)


def votes_run(queries, teachers, classes, agreement):
    """Histograms from teachers who pick the true class with probability `agreement` (varied per
    query), otherwise a uniform class."""
    out = []
    for _ in range(queries):
        p = rng.uniform(*agreement)
        truth = rng.integers(classes)
        picks = np.where(rng.random(teachers) < p, truth, rng.integers(classes, size=teachers))
        out.append(np.bincount(picks, minlength=classes).astype(float))
    return np.array(out)


single = []
for v in [[250, 0, 0, 0], [120, 100, 20, 10], [60, 58, 70, 62], [200, 30, 10, 5, 5],
          [30, 0, 0, 0, 0, 0, 0, 0, 0, 0]]:
    v = np.array(v, dtype=float)
    entry = {"votes": v.tolist(), "gaussian": [], "laplace": [], "threshold": []}
    for sigma in [5.0, 40.0, 100.0]:
        logq = pate.compute_logq_gaussian(v, sigma)
        entry["gaussian"].append({"sigma": sigma, "logq": float(logq),
                                  "rdp": [float(x) for x in pate.rdp_gaussian(logq, sigma, orders)]})
    for lam in [2.0, 20.0]:
        logq = pate.compute_logq_laplace(v, lam)
        entry["laplace"].append({"scale": lam, "logq": float(logq),
                                 "rdp": [float(x) for x in pate.rdp_pure_eps(logq, 2. / lam, orders)]})
    for t, s1 in [(200.0, 150.0), (50.0, 20.0)]:
        lp = pate.compute_logpr_answered(t, s1, v)
        entry["threshold"].append({"threshold": t, "sigma": s1, "log_pr_answered": float(lp),
                                   "rdp": [float(x) for x in pate.compute_rdp_threshold(lp, s1, orders)]})
    single.append(entry)

runs = []
delta = 1e-5
for name, teachers, classes, agreement, agg in [
        ("gnmax", 250, 10, (0.3, 0.95), {"kind": "gaussian", "sigma": 40.0}),
        ("lnmax", 250, 10, (0.3, 0.95), {"kind": "laplace", "scale": 20.0}),
        ("confident", 250, 10, (0.2, 0.95), {"kind": "confident", "threshold": 200.0, "sigma1": 150.0, "sigma": 40.0})]:
    votes = votes_run(300, teachers, classes, agreement)
    rdp = np.zeros(len(orders))
    ind = np.zeros(len(orders))
    answered = []
    for v in votes:
        if agg["kind"] == "gaussian":
            rdp += pate.rdp_gaussian(pate.compute_logq_gaussian(v, agg["sigma"]), agg["sigma"], orders)
            ind += pate.rdp_data_independent_gaussian(agg["sigma"], orders)
            answered.append(True)
        elif agg["kind"] == "laplace":
            lam = agg["scale"]
            rdp += pate.rdp_pure_eps(pate.compute_logq_laplace(v, lam), 2. / lam, orders)
            ind += pate.rdp_pure_eps(0.0, 2. / lam, orders)
            answered.append(True)
        else:
            # The threshold's outcome is drawn as the mechanism would, and stored.
            ans = bool(max(v) + rng.normal(0, agg["sigma1"]) >= agg["threshold"])
            lp = pate.compute_logpr_answered(agg["threshold"], agg["sigma1"], v)
            rdp += pate.compute_rdp_threshold(lp, agg["sigma1"], orders)
            ind += pate.compute_rdp_data_independent_threshold(agg["sigma1"], orders)
            if ans:
                rdp += pate.rdp_gaussian(pate.compute_logq_gaussian(v, agg["sigma"]), agg["sigma"], orders)
                ind += pate.rdp_data_independent_gaussian(agg["sigma"], orders)
            answered.append(ans)
    eps_dep, order_dep = pate.compute_eps_from_delta(orders, rdp, delta)
    eps_ind, order_ind = pate.compute_eps_from_delta(orders, ind, delta)
    runs.append({"name": name, "aggregator": agg, "delta": delta, "votes": votes.tolist(), "answered": answered,
                 "data_dependent_epsilon": float(eps_dep), "data_dependent_order": float(order_dep),
                 "data_independent_epsilon": float(eps_ind), "data_independent_order": float(order_ind)})

out = {"source": "tensorflow/privacy research/pate_2018/core.py at 03035d5d4a271ac795dab80f5bc1cef82fc3d462",
       "orders": orders.tolist(), "single": single, "runs": runs}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pate_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
for r in runs:
    print(r["name"], "answered", sum(r["answered"]), "eps dep", round(r["data_dependent_epsilon"], 4),
          "ind", round(r["data_independent_epsilon"], 4))

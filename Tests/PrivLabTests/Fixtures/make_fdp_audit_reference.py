"""Reference values for the f-DP one-run audit (Mahloujifar, Melis & Chaudhuri, "Auditing
f-Differential Privacy in One Run", arXiv 2410.22235), computed by the authors' own code:
PrivacyGuard's FDPAnalysisNode (PyPI privacyguard-platform 0.0.2, the same file as
facebookresearch/PrivacyGuard's privacy_guard/analysis/mia/fdp_analysis_node.py). It needs numpy,
scipy and pandas (imported by its base classes), nothing else, in a throw-away virtualenv:

    python -m venv /tmp/v && /tmp/v/bin/pip install numpy scipy pandas
    /tmp/v/bin/pip install --no-deps privacyguard-platform==0.0.2
    /tmp/v/bin/python Tests/PrivLabTests/Fixtures/make_fdp_audit_reference.py

For each case (m canaries, c_cap guesses, c correct, delta, threshold = beta) it stores:
- ref_eps: the reference's empirical epsilon (its grid of noises, its 0.001 bisection);
- ref_index: the first noise on its grid whose audit fails (the observation rejects mu = 1/noise),
  len(grid) when none does; mu_ref and mu_prev the grid's mu there and one step before: the
  continuous bound lies in [mu_ref, mu_prev];
- sums: the reference's r[0] + h[0] (rh_with_cap) and its pass/fail at a few mu;
- eps_at_mu: mu-GDP's epsilon at delta for mu_ref and mu_prev, solved to 1e-12 with brentq (the
  reference's own bisection stops at 0.001);
- monotone: whether, on 40 mu from 0.02 to 12 (geometric), the rejected mu form one interval
  starting at the smallest (what the Swift bisection relies on).
Also Phi^{-1} at a few probabilities (scipy's ndtri) for the Swift normal quantile.
"""
import json
import math
import os

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

from privacy_guard.analysis.mia.fdp_analysis_node import FDPAnalysisNode


def alpha_beta(node, m, c, c_cap):
    # As FDPAnalysisNode.audit_rh_with_cap starts its recursion.
    tau = node.threshold * c_cap / m
    return tau * c / c_cap, tau * (c_cap - c) / c_cap


def boundary_sum(node, mu, m, c, c_cap):
    a, b = alpha_beta(node, m, c, c_cap)
    r, h = node.rh_with_cap(node.gaussianDP_blow_up_inverse(1 / mu), a, b, c, m, c_cap)
    return r[0] + h[0]


def passes(node, mu, m, c, c_cap):
    return bool(node.audit_rh_with_cap(node.gaussianDP_blow_up_inverse(1 / mu), m, c, c_cap))


def gdp_epsilon(mu, delta):
    d = lambda e: norm.cdf(-e / mu + mu / 2) - math.exp(e) * norm.cdf(-e / mu - mu / 2) - delta
    if d(0) <= 0:
        return 0.0
    hi = 1.0
    while d(hi) > 0:
        hi *= 2
    return brentq(d, 0, hi, xtol=1e-13, rtol=1e-13)


def first_failing(node, m, c, c_cap):
    # The loop of FDPAnalysisNode.run_analysis_with_parameters, keeping the index.
    i = 0
    while i < len(node.inverse_blow_up_functions) and node.audit_rh_with_cap(node.inverse_blow_up_functions[i], m, c, c_cap):
        i += 1
    return i


def case(m, c_cap, c, delta, threshold):
    node = FDPAnalysisNode(m=m, c=c, c_cap=c_cap, delta=delta, threshold=threshold)
    idx = first_failing(node, m, c, c_cap)
    noises = node.candidate_noises
    # run_analysis_with_parameters' last two lines, on the index found above (the scalar SciPy
    # calls cost ~0.5 ms each, so the loop is not run twice); checked against run_analysis itself
    # where it is cheap.
    ref_eps = node.calculate_epsilon_gaussian(noises[min(idx, len(noises) - 1)])
    if idx * c <= 20000:
        assert ref_eps == node.run_analysis().eps
    out = {"m": m, "r": c_cap, "v": c, "delta": delta, "beta": threshold, "ref_eps": ref_eps, "ref_index": idx,
           "grid_size": len(noises)}
    if idx < len(noises):
        out["mu_ref"] = 1 / noises[idx]
        out["mu_prev"] = 1 / noises[idx - 1] if idx > 0 else None
        if delta > 0:
            out["eps_at_mu"] = [gdp_epsilon(out["mu_ref"], delta)] + ([gdp_epsilon(out["mu_prev"], delta)] if idx > 0 else [])
    mus = [0.3, 1.0, 2.5] + ([out["mu_ref"]] if idx < len(noises) else [])
    out["sums"] = [{"mu": mu, "sum": boundary_sum(node, mu, m, c, c_cap), "passes": passes(node, mu, m, c, c_cap)} for mu in mus]
    fine = np.geomspace(0.02, 12, 40)
    rejected = [not passes(node, mu, m, c, c_cap) for mu in fine]
    first_pass = rejected.index(False) if False in rejected else len(rejected)
    out["monotone"] = not any(rejected[first_pass:])
    return out


CASES = [
    (100, 80, 70, 1e-6, 0.05),      # the authors' tutorial notebook: eps 3.2906
    (1000, 100, 100, 1e-5, 0.05),   # the Steinke et al. fixture's cases (one_run_reference.json)
    (1000, 100, 90, 1e-5, 0.05),
    (400, 50, 45, 1e-5, 0.05),
    (400, 50, 30, 1e-5, 0.05),
    (400, 200, 150, 1e-5, 0.01),
    (100, 50, 50, 1e-5, 0.05),      # the dp_sgd notebook's shape: 100 canaries, 25 + 25 guesses
    (100, 50, 34, 1e-5, 0.05),
    (100, 50, 40, 1e-5, 0.1),
    (1000, 300, 200, 1e-6, 0.05),   # the Steinke et al. fixture's shapes at a size the scalar SciPy calls allow
    (400, 400, 300, 1e-5, 0.05),    # every canary guessed
    (10, 2, 2, 1e-5, 0.05),         # tiny: two guesses, both right
    (50, 10, 0, 1e-5, 0.05),        # every guess wrong
    (200, 100, 52, 1e-6, 0.05),     # barely above chance: rejects nothing
    (200, 100, 80, 0.0, 0.05),      # delta = 0: mu-GDP has no pure-DP epsilon
]

if __name__ == "__main__":
    cases = []
    for c in CASES:
        cases.append(case(*c))
        print(c, "ref eps", round(cases[-1]["ref_eps"], 4), "index", cases[-1]["ref_index"], "monotone", cases[-1]["monotone"], flush=True)
    ps = [1e-300, 1e-30, 1e-10, 1e-3, 0.025, 0.3, 0.5, 0.7, 0.975, 1 - 1e-10]
    quantiles = [{"p": p, "x": float(norm.ppf(p))} for p in ps]
    cdfs = [{"x": x, "p": float(norm.cdf(x))} for x in [-37.5, -20, -5, -1, 0, 0.5, 3, 8]]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fdp_audit_reference.json")
    with open(path, "w") as f:
        json.dump({"source": "PrivacyGuard FDPAnalysisNode (privacyguard-platform 0.0.2); Mahloujifar, Melis & Chaudhuri 2024",
                   "cases": cases, "quantiles": quantiles, "cdfs": cdfs}, f, indent=1)

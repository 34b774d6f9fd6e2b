"""Reference values for the Gaussian mechanism's exact δ(ε) and the smallest σ for (ε, δ), from
Google's dp-accounting (not a PrivLab dependency; run in a throw-away virtualenv). For ε past
e^ε's overflow (≈ 709.8) also a log-space recomputation with SciPy (log Φ by `log_ndtr`,
bisection to machine precision), which is more precise than dp-accounting's own search there:

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_mechanism_reference.py
"""
import importlib.metadata as md
import json
import os

from dp_accounting.pld import privacy_loss_mechanism as plm
from dp_accounting.pld.common import DifferentialPrivacyParameters

cases = []
for sigma in [0.5, 1.0, 2.0, 5.0]:
    for sens in [1.0, 2.0]:
        loss = plm.GaussianPrivacyLoss(standard_deviation=sigma, sensitivity=sens)
        for eps in [0.1, 0.5, 1.0, 3.0]:
            cases.append({"sigma": sigma, "sensitivity": sens, "epsilon": eps, "delta": float(loss.get_delta_for_epsilon(eps))})
sigmas = []
for eps, delta in [(0.5, 1e-5), (1.0, 1e-5), (2.0, 1e-6), (8.0, 1e-5)]:
    sigmas.append({"epsilon": eps, "delta": delta,
                   "sigma": float(plm.GaussianPrivacyLoss.from_privacy_guarantee(
                       DifferentialPrivacyParameters(eps, delta), sensitivity=1.0).standard_deviation)})
import numpy as np
from scipy.special import log_ndtr, ndtr


def sigma_log_space(eps, delta, sens=1.0):
    def d(sigma):
        a, b = sens / (2 * sigma), eps * sigma / sens
        return ndtr(a - b) - np.exp(eps + log_ndtr(-a - b))
    lo, hi = 0.0, sens
    while d(hi) > delta:
        hi *= 2
    for _ in range(300):
        m = 0.5 * (lo + hi)
        lo, hi = (lo, m) if d(m) <= delta else (m, hi)
    return hi


large = []
for eps in [700.0, 1000.0, 1e7]:
    large.append({"epsilon": eps, "delta": 1e-5,
                  "sigma": float(plm.GaussianPrivacyLoss.from_privacy_guarantee(
                      DifferentialPrivacyParameters(eps, 1e-5), sensitivity=1.0).standard_deviation),
                  "sigma_scipy": float(sigma_log_space(eps, 1e-5))})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "mechanism_reference.json"), "w") as f:
    json.dump({"dp_accounting_version": md.version("dp-accounting"), "delta_cases": cases, "sigma_cases": sigmas,
               "large_epsilon_cases": large}, f, indent=1)
print(len(cases), len(sigmas))

"""Reference values for the Gaussian mechanism's exact δ(ε) and the smallest σ for (ε, δ), from
Google's dp-accounting (not a PrivLab dependency; run in a throw-away virtualenv):

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
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "mechanism_reference.json"), "w") as f:
    json.dump({"dp_accounting_version": md.version("dp-accounting"), "delta_cases": cases, "sigma_cases": sigmas}, f, indent=1)
print(len(cases), len(sigmas))

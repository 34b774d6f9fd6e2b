"""Reference ε values from Google's dp-accounting PLD accountant for the Poisson-subsampled
Gaussian (its defaults: value discretization interval 1e-4). Not a PrivLab dependency:

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_pld_reference.py
"""
import importlib.metadata as md
import json
import os

from dp_accounting import dp_event
from dp_accounting.pld import pld_privacy_accountant as pld

cases = []
for q, s, t in [(256 / 60000, 1.1, 2344), (0.01, 1.0, 1000), (0.01, 0.8, 100), (0.05, 2.0, 500), (0.1, 1.5, 50),
                (0.001, 0.7, 10000), (1.0, 5.0, 10), (0.02, 3.0, 2000)]:
    for delta in [1e-5, 1e-3]:
        acc = pld.PLDAccountant()
        acc.compose(dp_event.PoissonSampledDpEvent(q, dp_event.GaussianDpEvent(s)), t)
        cases.append({"phases": [[q, s, t]], "delta": delta, "epsilon": float(acc.get_epsilon(delta))})
acc = pld.PLDAccountant()
acc.compose(dp_event.PoissonSampledDpEvent(0.01, dp_event.GaussianDpEvent(1.1)), 500)
acc.compose(dp_event.PoissonSampledDpEvent(0.01, dp_event.GaussianDpEvent(2.0)), 250)
cases.append({"phases": [[0.01, 1.1, 500], [0.01, 2.0, 250]], "delta": 1e-5, "epsilon": float(acc.get_epsilon(1e-5))})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pld_reference.json"), "w") as f:
    json.dump({"dp_accounting_version": md.version("dp-accounting"), "cases": cases}, f, indent=1)
print(len(cases))

"""Reference values for PrivLab's RDP accountant, computed with Opacus and Google's dp-accounting.

These libraries are not dependencies of PrivLab: run this once in a throw-away virtualenv
(bench/.venv has both after `bench/run.py` plus `pip install opacus dp-accounting`) and commit the
JSON it writes:

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_rdp_reference.py

Every case uses Opacus's default orders, so both libraries and PrivLab optimise over the same set.
"""
import importlib.metadata as md
import json
import os

import mpmath as mp
import numpy as np
from dp_accounting import dp_event, rdp as gdp
from opacus.accountants.analysis import rdp as ordp

ORDERS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))


def opacus_eps(phases, delta, classic=False):
    curve = sum(ordp.compute_rdp(q=q, noise_multiplier=s, steps=t, orders=ORDERS) for q, s, t in phases)
    if classic:
        o = np.array(ORDERS)
        eps = curve + np.log(1 / delta) / (o - 1)
        return float(np.nanmin(eps)), [float(v) for v in curve]
    eps, _ = ordp.get_privacy_spent(orders=ORDERS, rdp=curve, delta=delta)
    return float(eps), [float(v) for v in curve]


def google_eps(phases, delta):
    acc = gdp.RdpAccountant(orders=ORDERS)
    for q, s, t in phases:
        acc.compose(dp_event.PoissonSampledDpEvent(q, dp_event.GaussianDpEvent(s)), t)
    return float(acc.get_epsilon(delta))


cases = []
for q in [0.001, 0.01, 0.05, 0.2, 1.0]:
    for s in [0.5, 0.8, 1.1, 2.0, 5.0]:
        for t in [1, 100, 1000, 10000]:
            for delta in [1e-5, 1e-3]:
                phases = [(q, s, t)]
                eps, curve = opacus_eps(phases, delta)
                cases.append({"phases": phases, "delta": delta, "opacus": eps, "google": google_eps(phases, delta),
                              "classic": opacus_eps(phases, delta, classic=True)[0],
                              "curve": curve if (delta == 1e-5 and t == 1000) else None})
# Compositions of phases: 10 epochs at one noise level, then 5 at another.
for q, s1, s2, t1, t2 in [(128 / 60000, 1.1, 2.0, 4690, 2345), (0.01, 0.8, 1.5, 1000, 500), (0.1, 3.0, 1.0, 10, 100)]:
    phases = [(q, s1, t1), (q, s2, t2)]
    eps, _ = opacus_eps(phases, 1e-5)
    cases.append({"phases": phases, "delta": 1e-5, "opacus": eps, "google": google_eps(phases, 1e-5),
                  "classic": opacus_eps(phases, 1e-5, classic=True)[0], "curve": None})

# Ground truth by numerical integration (50 digits) of A_α = E_{z~N(0,σ²)}[((1−q) + q·e^{(2z−1)/(2σ²)})^α],
# for orders where both libraries' fractional series give up after 1000 terms.
mp.mp.dps = 50
truth = []
for q, s in [(0.2, 0.5), (0.05, 0.8), (0.01, 1.1)]:
    for a in [1.1, 1.5, 2.0, 3.5, 8.0]:
        f = lambda z: mp.npdf(z, 0, s) * ((1 - q) + q * mp.exp((2 * z - 1) / (2 * s * s))) ** a
        A = mp.quad(f, [-mp.inf, -10, 0, 1, 10, 50, mp.inf])
        truth.append({"q": q, "sigma": s, "order": a, "rdp": float(mp.log(A) / (a - 1))})

out = {"orders": ORDERS, "truth": truth, "opacus_version": md.version("opacus"), "dp_accounting_version": md.version("dp-accounting"),
       "cases": cases}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rdp_reference.json"), "w") as f:
    json.dump(out, f, indent=1)
print(f"{len(cases)} cases")

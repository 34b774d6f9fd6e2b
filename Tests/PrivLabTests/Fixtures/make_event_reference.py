"""Reference ε values for PrivLab's privacy events that are not DP-SGD phases, from Google's
dp-accounting: the Laplace mechanism and its composition with the Poisson-subsampled Gaussian
under the RDP accountant (Opacus's default orders, as PrivLab's), and pure ε-DP releases (as
randomized response on two buckets, whose privacy loss is the same two-point ±ε distribution)
composed with the subsampled Gaussian as privacy loss distributions (dp-accounting's
`from_privacy_parameters(ε, 0)`, the two-point ±ε distribution, and `from_gaussian_mechanism`,
value discretization 1e-4 as PrivLab's default; its PLD accountant refuses pure-ε events under
add-or-remove neighbours, so the distributions are composed directly). Not a PrivLab dependency:

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_event_reference.py
"""
import importlib.metadata as md
import json
import os

from dp_accounting import dp_event
from dp_accounting.pld import common
from dp_accounting.pld import privacy_loss_distribution as pld_lib
from dp_accounting.rdp import rdp_privacy_accountant as rdp

ORDERS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))


rdp_cases = []
for scale in [0.5, 1.0, 2.0, 5.0]:
    for count in [1, 10, 100]:
        for delta in [1e-5, 1e-3]:
            acc = rdp.RdpAccountant(orders=ORDERS)
            acc.compose(dp_event.LaplaceDpEvent(scale), count)
            rdp_cases.append({"laplace_scale": scale, "count": count, "delta": delta, "epsilon": float(acc.get_epsilon(delta))})
mixed = []
for delta in [1e-5, 1e-3]:
    acc = rdp.RdpAccountant(orders=ORDERS)
    acc.compose(dp_event.ComposedDpEvent([
        dp_event.SelfComposedDpEvent(dp_event.PoissonSampledDpEvent(0.01, dp_event.GaussianDpEvent(1.1)), 500),
        dp_event.SelfComposedDpEvent(dp_event.LaplaceDpEvent(2.0), 5)]))
    mixed.append({"phase": [0.01, 1.1, 500], "laplace_scale": 2.0, "laplace_count": 5, "delta": delta, "epsilon": float(acc.get_epsilon(delta))})

pld_cases = []
gaussian = pld_lib.from_gaussian_mechanism(1.1, sensitivity=1, value_discretization_interval=1e-4,
                                           sampling_prob=0.01).self_compose(500)
for eps in [0.1, 0.5, 1.0]:
    for count in [1, 4]:
        pure = pld_lib.from_privacy_parameters(common.DifferentialPrivacyParameters(eps, 0),
                                               value_discretization_interval=1e-4).self_compose(count)
        total = gaussian.compose(pure)
        for delta in [1e-5, 1e-3]:
            pld_cases.append({"phase": [0.01, 1.1, 500], "pure_epsilon": eps, "pure_count": count, "delta": delta,
                              "epsilon": float(total.get_epsilon_for_delta(delta))})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "event_reference.json"), "w") as f:
    json.dump({"dp_accounting_version": md.version("dp-accounting"), "rdp_laplace": rdp_cases, "rdp_mixed": mixed,
               "pld_pure": pld_cases}, f, indent=1)
print(len(rdp_cases) + len(mixed) + len(pld_cases))

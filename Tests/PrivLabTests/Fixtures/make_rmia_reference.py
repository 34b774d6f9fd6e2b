"""Writes rmia_reference.json: RMIA's formulas recomputed the way privacytrustlab/ml_privacy_meter
computes them (Zarifzadeh, Liu & Shokri, ICML 2024), on seeded random signals, for
RMIATests.testScoresMatchTheReferenceFormulas. Linear-space probabilities and NumPy/SciPy as in
the reference code; PrivLab computes in log space, so agreement checks the arithmetic, not a copy.

- library (`attacks.py`): offline, Pr(x) = (1+a)/2·mean(P_OUT(x)) + (1−a)/2, the same for z,
  score = mean_z[(P(x|θ)/Pr(x)) / (P(z|θ)/Pr(z)) > γ] with γ = 1; x and z disjoint.
- research (`research/2024_rmia/main.py`): online, Pr(x) = trim_mean(P_IN ∪ P_OUT, 0.2), γ = 2;
  here the population contains some of the x, and a record is not compared with itself
  (PrivLab's choice: the share over the other N − 1 records).
- signals: softmax(z/T)[y], and the research code's soft-margin Taylor softmax (signals.py):
  t(z_y/T − m) / (Σ_{j≠y} t(z_j/T) + t(z_y/T − m)), t(u) = Σ_{k<n} u^k/k!, m = 0.6, n = 4, T = 2
  (logits kept where the polynomial is positive).

Run with NumPy and SciPy in a throw-away virtualenv (e.g. bench/.venv):
    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_rmia_reference.py
"""
import json
import math
import os

import numpy as np
from scipy.stats import trim_mean

rng = np.random.default_rng(2024)
NX, NZ, MODELS = 40, 60, 7


def probabilities(n, m):
    return rng.beta(2, 1, size=(n, m)) * 0.98 + 0.01


# Library case: offline, every model OUT for every record.
px, pz = probabilities(NX, 1)[:, 0], probabilities(NZ, 1)[:, 0]
out_x, out_z = probabilities(NX, MODELS), probabilities(NZ, MODELS)
library = []
for a in [0.0, 0.3, 1.0]:
    mean_x = (1 + a) / 2 * out_x.mean(axis=1) + (1 - a) / 2
    mean_z = (1 + a) / 2 * out_z.mean(axis=1) + (1 - a) / 2
    ratios = (px / mean_x)[:, None] / (pz / mean_z)[None, :]
    library.append({"a": a, "scores": list(np.average(ratios > 1.0, axis=1))})

# Research case: online, trimmed means over IN and OUT; z = the last 20 x plus 30 others.
ref_x = probabilities(NX, MODELS)
z_extra, ref_extra = probabilities(30, 1)[:, 0], probabilities(30, MODELS)
z_ids = list(range(20, 40)) + list(range(100, 130))
pz2 = np.r_[px[20:], z_extra]
ref_z = np.r_[ref_x[20:], ref_extra]
prior_x, prior_z = trim_mean(ref_x, 0.2, axis=1), trim_mean(ref_z, 0.2, axis=1)
lr = (px / prior_x)[:, None] / (pz2 / prior_z)[None, :]
research = []
for i in range(NX):
    others = [j for j, zid in enumerate(z_ids) if zid != i]
    research.append(float(np.mean(lr[i, others] > 2.0)))

# Signals.
logits = rng.normal(0, 2, size=(12, 5)).astype(np.float32).astype(np.float64)  # PrivLab holds logits in Float32
labels = rng.integers(0, 5, size=12)
softmax = []
for row, y in zip(logits / 1.5, labels):
    e = np.exp(row - row.max())
    softmax.append(float(np.log(e[y] / e.sum())))


def taylor(u, n=4):
    return sum(u ** k / math.factorial(k) for k in range(n))


tl = logits / 2.0
taylor_signal = []
for row, y in zip(tl, labels):
    own = taylor(row[y] - 0.6)
    rest = sum(taylor(row[j]) for j in range(len(row)) if j != y)
    v = own / (rest + own)
    taylor_signal.append(float(np.log(v)) if v > 0 else None)

out = {
    "px": list(px), "pz": list(pz), "out_x": out_x.tolist(), "out_z": out_z.tolist(), "library": library,
    "ref_x": ref_x.tolist(), "pz2": list(pz2), "ref_z": ref_z.tolist(), "z_ids": z_ids, "research": research,
    "logits": logits.tolist(), "labels": [int(y) for y in labels], "softmax_t15": softmax, "taylor_t2_m06_n4": taylor_signal,
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rmia_reference.json"), "w") as f:
    json.dump(out, f)
    f.write("\n")
print("library a=0.3 first scores", library[1]["scores"][:5], "research", research[:5])

"""Reference partitions for Mondrian (LeFevre, DeWitt & Ramakrishnan, ICDE 2006), computed with the
public `anonypy` package (PyPI, anonypy.mondrian.Mondrian) on the same table PrivLab partitions.
Run in a throw-away virtualenv:

    python3 -m venv /tmp/anon-venv && /tmp/anon-venv/bin/pip install anonypy pandas
    /tmp/anon-venv/bin/python Tests/PrivLabTests/Fixtures/make_mondrian_reference.py

Where the two implementations make the same choices the partitions must be equal: numeric
quasi-identifiers with distinct values (anonypy's cut "x < pandas median" then keeps the ⌊n/2⌋
smallest values on the left, as PrivLab's "x ≤ the ⌊n/2⌋-th smallest value" does), the widest
normalised dimension first with ties in column order, the next dimension when a cut is not
allowable, and distinct ℓ-diversity. anonypy's categorical cuts (values in order of appearance)
and its t-closeness check (the largest share difference, not the EMD) differ from PrivLab's on
purpose and are not compared.
"""
import importlib.metadata as md
import json
import os

import numpy as np
import pandas as pd
from anonypy import mondrian

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
n = 400
# Distinct values with uneven spreads, so that the widest normalised dimension changes from region to region.
age = rng.permutation(n) * 0.25 + 17 + rng.uniform(0, 0.1, n).round(3)
zip_ = np.sort(rng.choice(100000, n, replace=False)) [rng.permutation(n)].astype(float)
income = np.exp(rng.normal(3.5, 0.6, n)).round(6)
disease = rng.choice(6, n, p=[0.35, 0.25, 0.15, 0.1, 0.1, 0.05])
df = pd.DataFrame({"age": age, "zip": zip_, "income": income, "disease": pd.Categorical(disease)})
assert all(df[c].is_unique for c in ["age", "zip", "income"])

cases = []
for k, l in [(2, 0), (3, 0), (5, 0), (10, 0), (25, 0), (4, 2), (5, 3)]:
    parts = mondrian.Mondrian(df, ["age", "zip", "income"], "disease").partition(k=k, l=l)
    classes = sorted(sorted(int(i) + 1 for i in p) for p in parts)
    cases.append({"k": k, "l": l, "classes": classes})

out = {
    "generator": f"anonypy {md.version('anonypy')}, pandas {pd.__version__}",
    "age": age.tolist(), "zip": zip_.tolist(), "income": income.tolist(), "disease": disease.tolist(),
    "cases": cases,
}
with open(os.path.join(here, "mondrian_reference.json"), "w") as f:
    json.dump(out, f)
print({(c["k"], c["l"]): len(c["classes"]) for c in cases})

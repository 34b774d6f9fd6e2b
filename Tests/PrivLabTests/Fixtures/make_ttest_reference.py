"""Reference p-values for the memorisation score's one-sided paired t-test: SciPy's
`ttest_rel(a, b, alternative="greater")` on seeded samples (SciPy only in a throw-away virtualenv):

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_ttest_reference.py
"""
import json
import os

import numpy as np
from scipy import stats

rng = np.random.default_rng(3)
cases = []
for n, shift in [(5, 0.5), (20, 0.1), (50, -0.2), (200, 0.05), (30, 1.5)]:
    a = rng.normal(shift, 1, n)
    b = rng.normal(0, 1, n)
    r = stats.ttest_rel(a, b, alternative="greater")
    cases.append({"a": a.tolist(), "b": b.tolist(), "statistic": float(r.statistic), "pvalue": float(r.pvalue)})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ttest_reference.json"), "w") as f:
    json.dump({"cases": cases}, f)
print([c["pvalue"] for c in cases])

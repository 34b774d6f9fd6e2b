"""Reference bins for PrivLab's `Binning` (pl.binning) and `Rounding` (pl.round), from
scikit-learn's KBinsDiscretizer (encode="ordinal") and NumPy's round, on the same seeded data:

    /work/venv/bin/python Tests/PrivLabTests/Fixtures/make_binning_reference.py

(any virtualenv with numpy and scikit-learn ≥ 1.3 will do; the file records the versions). The
data are float32 values, as PrivLab stores features, widened to float64 for scikit-learn: a skewed
column (exponential), one with ties (small integers), a constant one, a uniform one, and one with
a heavy atom at 0 (so quantile bins collapse and merge). Each case fits on a training part and
transforms a test part that reaches past the training range.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.preprocessing import KBinsDiscretizer

rng = np.random.default_rng(29)


def column_set(n):
    atom = rng.normal(2.0, 1.0, n)
    atom[rng.random(n) < 0.6] = 0.0
    cols = [rng.exponential(3.0, n), rng.integers(0, 6, n).astype(float), np.full(n, 1.5),
            rng.uniform(-2.0, 2.0, n), atom]
    return np.stack(cols, axis=1).astype(np.float32).astype(np.float64)


train, test = column_set(157), column_set(40)
test[0, :] = [-5.0, -1.0, 1.5, -3.0, -1.0]   # below every training range
test[1, :] = [50.0, 9.0, 2.5, 3.0, 9.0]      # above it
cases = []
for strategy, method in [("uniform", None), ("quantile", "averaged_inverted_cdf"), ("quantile", "linear")]:
    for bins in [2, 3, 5, 8]:
        kwargs = {"quantile_method": method} if method else {}
        kb = KBinsDiscretizer(n_bins=bins, encode="ordinal", strategy=strategy, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # the constant column and merged bins warn
            kb.fit(train)
        cases.append({"strategy": strategy, "quantile_method": method or "averaged_inverted_cdf", "bins": bins,
                      "edges": [[float(e) if np.isfinite(e) else (1e308 if e > 0 else -1e308) for e in edges] for edges in kb.bin_edges_],
                      "n_bins": [int(k) for k in kb.n_bins_],
                      "train_binned": kb.transform(train).tolist(), "test_binned": kb.transform(test).tolist()})
rounding = []
for step in [1.0, 0.5, 0.1, 5.0]:
    rounding.append({"step": step, "rounded": (np.round(test / step) * step).tolist()})
ties = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 3.5], dtype=np.float64)
out = {"versions": {"numpy": np.__version__, "sklearn": sklearn.__version__},
       "train": train.tolist(), "test": test.tolist(), "cases": cases, "rounding": rounding,
       "ties": ties.tolist(), "ties_rounded": np.round(ties).tolist()}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "binning_reference.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, len(cases), "binning cases")

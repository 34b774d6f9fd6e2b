"""Reference for the shadow attack's gradient-boosted trees: scikit-learn's
GradientBoostingClassifier (100 stages, depth 3, rate 0.1, log-loss; leaves of at least 10) on a seeded
two-class problem with continuous features, its P(y = 1) on held-out points. Run in a throw-away
virtualenv (not a PrivLab dependency):

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_boosting_reference.py
"""
import importlib.metadata as md
import json
import os

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

rng = np.random.default_rng(7)
n, d = 300, 5
# float32-representable values: scikit-learn trees store features as float32, so both sides see the same numbers.
x = rng.normal(size=(n + 60, d)).astype(np.float32).astype(np.float64)
logit = 1.5 * x[:, 0] - x[:, 1] * x[:, 2] + np.sin(2 * x[:, 3])
y = (rng.random(n + 60) < 1 / (1 + np.exp(-logit))).astype(int)
# min_samples_leaf = 10: with leaves of one or two records several features separate them equally
# well, and scikit-learn breaks such ties in a random feature order (PrivLab: the lowest index).
gb = GradientBoostingClassifier(random_state=0, min_samples_leaf=10).fit(x[:n], y[:n])
out = {"sklearn": md.version("scikit-learn"), "x": x[:n].tolist(), "y": y[:n].tolist(), "test": x[n:].tolist(),
       "probability": gb.predict_proba(x[n:])[:, 1].tolist(), "train_probability": gb.predict_proba(x[:n])[:, 1].tolist()}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "boosting_reference.json"), "w") as f:
    json.dump(out, f)
print("ok", out["sklearn"])

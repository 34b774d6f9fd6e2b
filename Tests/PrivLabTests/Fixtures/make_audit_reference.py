"""Reference values for the empirical ε lower bound, from TF Privacy's
`tensorflow_privacy/privacy/privacy_tests/epsilon_lower_bound.py` (Clopper–Pearson method), not a
PrivLab dependency: run in a throw-away virtualenv with numpy, scipy, scikit-learn, statsmodels and
immutabledict, pointing at a checkout of tensorflow/privacy (commit 03035d5d4a27 was used):

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_audit_reference.py /tmp/tfp

The module is loaded from its file (importing the tensorflow_privacy package would need TensorFlow).
"""
import importlib.util
import json
import os
import sys

import numpy as np

root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tfp"
spec = importlib.util.spec_from_file_location(
    "elb", os.path.join(root, "tensorflow_privacy/privacy/privacy_tests/epsilon_lower_bound.py"))
elb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(elb)
CP = elb.BoundMethod.CLOPPER_PEARSON

counts = []
for tp, fp, pos, neg, alpha in [(100, 10, 110, 80, 0.05), (90, 5, 110, 80, 0.05), (500, 1, 1000, 1000, 0.05),
                                (1000, 0, 1000, 1000, 0.05), (30, 3, 50, 50, 0.01), (480, 470, 1000, 1000, 0.1),
                                (0, 0, 100, 100, 0.05), (7, 0, 7, 7, 0.05)]:
    # Both directions, as EpsilonLowerBound does for one threshold (two_sided_threshold=False).
    a = elb.RatioBound(tp, fp, pos, neg, alpha).compute_bound(CP)
    b = elb.RatioBound(neg - fp, pos - tp, neg, pos, alpha).compute_bound(CP)
    r = max(a, b)
    counts.append({"tp": tp, "fp": fp, "positives": pos, "negatives": neg, "alpha": alpha,
                   "epsilon": float(np.log(r)) if r > 0 else 0.0})

rng = np.random.default_rng(11)
scores = []
for shift, npos, nneg in [(0.5, 500, 500), (2.0, 300, 400), (0.0, 200, 200)]:
    pos = np.round(rng.normal(shift, 1, npos), 3)   # rounding makes ties, as real scores have
    neg = np.round(rng.normal(0, 1, nneg), 3)
    lb = elb.EpsilonLowerBound(pos, neg, alpha=0.05, two_sided_threshold=True)
    top = lb.compute_epsilon_lower_bound(CP, k=1)
    scores.append({"members": pos.tolist(), "nonmembers": neg.tolist(), "alpha": 0.05,
                   "epsilon": float(top[0]) if top.size else 0.0})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audit_reference.json")
with open(path, "w") as f:
    json.dump({"source": "tensorflow/privacy epsilon_lower_bound.py at 03035d5d4a27", "counts": counts, "scores": scores}, f)
print("wrote", path, [c["epsilon"] for c in counts], [s["epsilon"] for s in scores])

"""Reference fit for the DP-EM Gaussian mixture (`PrivateEM`, 3A's Approximate step) at negligible
noise: scikit-learn's `GaussianMixture(covariance_type="diag")` on three seeded, well-separated
4-dimensional diagonal Gaussian clusters of different sizes and spreads. With σ → 0 DP-EM is plain
EM, so both must reach the same weights, means and variances. Run with any Python that has NumPy and
scikit-learn:

    python Tests/PrivLabTests/Fixtures/make_private_em_reference.py
"""
import json
import os

import numpy as np
from sklearn.mixture import GaussianMixture

rng = np.random.default_rng(5)
centres = np.array([[2.0, 0.0, 0.0, 0.5], [-1.5, 1.5, 0.0, 0.0], [0.0, -2.0, 1.0, -1.0]])
spreads = np.array([[0.30, 0.20, 0.25, 0.20], [0.15, 0.35, 0.20, 0.30], [0.25, 0.25, 0.40, 0.15]])
sizes = [300, 200, 100]
x = np.concatenate([rng.normal(c, s, (n, 4)) for c, s, n in zip(centres, spreads, sizes)]).astype(np.float32)
rng.shuffle(x)
gm = GaussianMixture(n_components=3, covariance_type="diag", reg_covar=1e-9, tol=1e-12, max_iter=1000, n_init=5, random_state=0)
gm.fit(x.astype(np.float64))
order = np.argsort(gm.means_[:, 0])
out = {"x": x.tolist(), "weights": gm.weights_[order].tolist(), "means": gm.means_[order].tolist(),
       "variances": gm.covariances_[order].tolist(), "max_norm": float(np.linalg.norm(x, axis=1).max())}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "private_em_reference.json"), "w") as f:
    json.dump(out, f)
print(out["weights"], out["max_norm"])

"""Reference DP-FedAvg rounds for PrivLab's federated averaging (McMahan, Ramage, Talwar & Zhang,
ICLR 2018, Alg. 1), written out in NumPy from the paper so that each convention is explicit:

- the model is softmax regression starting from zero weights (PrivLab's pl.softmax), parameters
  stored in PrivLab's order and layout: the weight (features × classes) then the bias;
- ClientUpdate: E local epochs of full-batch gradient descent on the mean cross-entropy of the
  client's records (one step per epoch: the batch holds every record), from the global model;
- every update Δ_k is clipped to S by π(Δ, S) = Δ·min(1, S/‖Δ‖) over all parameters, or — per
  layer — with S/√L per layer (here one layer: the same);
- the fixed-denominator estimator Δ̄ = Σ_k w_k π(Δ_k, S) / (qW), W = Σ_k w_k over every client,
  with w_k = min(n_k/ŵ, 1) ("records" weighting, ŵ the largest client) or 1 ("uniform");
- no noise (z = 0), so the rounds are deterministic, and q = 1, so every client joins every round;
- the server step θ ← θ + η·v with v ← μ·v + Δ̄ (momentum on the averaged update).

Computed in float64; PrivLab computes in float32 (the tests allow for that). Not a PrivLab
dependency; run with any Python that has NumPy:

    /work/venv/bin/python Tests/PrivLabTests/Fixtures/make_federated_reference.py
"""
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261202)
FEATURES, CLASSES = 4, 3
SIZES = [5, 8, 3, 10]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def local_update(w, b, x, y, lr, epochs):
    w, b = w.copy(), b.copy()
    onehot = np.eye(CLASSES)[y]
    for _ in range(epochs):
        g = (softmax(x @ w + b) - onehot) / len(y)
        w, b = w - lr * x.T @ g, b - lr * g.sum(axis=0)
    return w, b


def run(x, y, members, cfg):
    w, b = np.zeros((FEATURES, CLASSES)), np.zeros(CLASSES)
    vel = np.zeros(FEATURES * CLASSES + CLASSES)
    sizes = np.array([len(m) for m in members], dtype=float)
    weights = np.minimum(sizes / sizes.max(), 1) if cfg["weighting"] == "records" else np.ones(len(members))
    denominator = 1.0 * weights.sum()
    out = []
    for _ in range(cfg["rounds"]):
        total = np.zeros_like(vel)
        for k, m in enumerate(members):
            lw, lb = local_update(w, b, x[m], y[m], cfg["lr"], cfg["epochs"])
            delta = np.concatenate([(lw - w).ravel(), lb - b])
            if cfg["clip"] is not None:
                delta = delta * min(1.0, cfg["clip"] / np.linalg.norm(delta))
            total += weights[k] * delta
        mean = total / denominator
        vel = cfg["momentum"] * vel + mean
        step = cfg["server_lr"] * vel
        w, b = w + step[:FEATURES * CLASSES].reshape(FEATURES, CLASSES), b + step[FEATURES * CLASSES:]
        out.append(np.concatenate([w.ravel(), b]).tolist())
    return out


n = sum(SIZES)
y = rng.integers(0, CLASSES, size=n)
centres = rng.normal(size=(CLASSES, FEATURES)) * 2
x = centres[y] + rng.normal(size=(n, FEATURES))
order = rng.permutation(n)
members, start = [], 0
for s in SIZES:
    members.append(sorted(order[start:start + s].tolist()))
    start += s

cases = []
for name, cfg in [
    ("fedavg", {"rounds": 2, "epochs": 1, "lr": 0.5, "clip": None, "weighting": "records", "momentum": 0.0, "server_lr": 1.0}),
    ("clipped_momentum", {"rounds": 3, "epochs": 2, "lr": 0.5, "clip": 0.3, "weighting": "records", "momentum": 0.9, "server_lr": 1.0}),
    ("clipped_uniform", {"rounds": 3, "epochs": 3, "lr": 0.8, "clip": 0.2, "weighting": "uniform", "momentum": 0.5, "server_lr": 0.7}),
]:
    cases.append({"name": name, "config": cfg, "rounds": run(x, y, members, cfg)})

with open(os.path.join(here, "federated_reference.json"), "w") as f:
    json.dump({"generator": "make_federated_reference.py (NumPy " + np.__version__ + ")", "features": FEATURES,
               "classes": CLASSES, "x": x.ravel().tolist(), "y": y.tolist(), "members": members, "cases": cases}, f, indent=1)

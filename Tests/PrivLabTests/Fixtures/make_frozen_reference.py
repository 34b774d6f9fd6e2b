"""Reference updates for PrivLab's frozen layers (transfer learning): networks whose lowest layer
keeps its values (PyTorch: requires_grad = False on its parameters, and the optimizer built over
the trained parameters only) take a few full-batch steps from the same initial weights on the
same records; the parameters after every step are stored, frozen ones included. Run with any
Python that has PyTorch (PyTorch is not a PrivLab dependency), e.g.

    python Tests/PrivLabTests/Fixtures/make_frozen_reference.py

What is being checked, written out:
- the frozen layer's parameters never move, and the trained ones move exactly as in PyTorch;
- weight decay (L2) and L1 act on the trained weights only (torch's optimizer never sees the
  frozen ones);
- DP-SGD clips each record's gradient over the *trained* parameters only (Opacus's semantics
  with frozen parameters: they have no per-sample gradient), sums and divides by the batch size;
- a convolution can be frozen under a trained dense head (the features after conv → relu → pool
  → flatten are what PrivLab caches once per fit).
Layout as make_training_reference.py: per layer the weight (dense: fan-in × units; convolution:
filters × (channels·k·k)) then the bias. Float32 throughout.
"""
import importlib.metadata as md
import json
import os

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, grad, vmap

torch.set_num_threads(1)
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261203)
STEPS = 3


def mlp():
    return nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(18, 4), nn.ReLU(), nn.Linear(4, 3))


def privlab_layout(model):
    out = []
    for m in model:
        if isinstance(m, nn.Linear):
            out += [m.weight.detach().T.reshape(-1).tolist(), m.bias.detach().reshape(-1).tolist()]
        elif isinstance(m, nn.Conv2d):
            out += [m.weight.detach().reshape(-1).tolist(), m.bias.detach().reshape(-1).tolist()]
    return out


def run(make, x, y, cfg):
    model = make()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.uniform(-0.6, 0.6, size=tuple(p.shape)), dtype=torch.float32))
    start = privlab_layout(model)
    for p in model[0].parameters():          # the frozen lowest layer
        p.requires_grad_(False)
    trained = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    weights = [p for n, p in trained if n.endswith("weight")]
    biases = [p for n, p in trained if n.endswith("bias")]
    groups = [{"params": weights, "weight_decay": cfg.get("l2", 0.0)}, {"params": biases, "weight_decay": 0.0}]
    if cfg["optimizer"] == "adam":
        opt = torch.optim.Adam(groups, lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(groups, lr=cfg["lr"], momentum=cfg.get("momentum", 0.0))
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        if "clip" in cfg:
            params = {n: p.detach() for n, p in trained}
            frozen = {n: p for n, p in model.named_parameters() if not p.requires_grad}

            def one(p, xi, yi):
                z = functional_call(model, {**frozen, **p}, (xi.unsqueeze(0),))
                return nn.functional.cross_entropy(z, yi.unsqueeze(0))

            g = vmap(grad(one), in_dims=(None, 0, 0))(params, x, y)
            norms = torch.sqrt(sum((v.reshape(len(x), -1) ** 2).sum(1) for v in g.values()))
            factor = torch.clamp(cfg["clip"] / (norms + 1e-6), max=1.0)
            for n, p in trained:
                p.grad = torch.einsum("i,i...->...", factor, g[n]) / len(x)
        else:
            nn.functional.cross_entropy(model(x), y).backward()
        if cfg.get("l1", 0.0) > 0:
            for w in weights:
                w.grad += cfg["l1"] * torch.sign(w.detach())
        opt.step()
        steps.append(privlab_layout(model))
    return start, steps


def main():
    x_mlp = torch.tensor(rng.normal(size=(8, 4)), dtype=torch.float32)
    y_mlp = torch.tensor(rng.integers(0, 3, size=8))
    x_cnn = torch.tensor(rng.uniform(0, 1, size=(6, 1, 6, 6)), dtype=torch.float32)
    y_cnn = torch.tensor(rng.integers(0, 3, size=6))
    configs = [
        ("mlp", "sgd", {"optimizer": "sgd", "lr": 0.1}),
        ("mlp", "momentum with l1 and l2", {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "l1": 0.05, "l2": 0.1}),
        ("mlp", "adam", {"optimizer": "adam", "lr": 0.01}),
        ("mlp", "dp-sgd", {"optimizer": "sgd", "lr": 0.1, "clip": 0.3}),
        ("cnn", "sgd", {"optimizer": "sgd", "lr": 0.1}),
        ("cnn", "dp-sgd", {"optimizer": "sgd", "lr": 0.1, "clip": 0.3}),
    ]
    cases = []
    for arch, name, cfg in configs:
        x, y = (x_mlp, y_mlp) if arch == "mlp" else (x_cnn, y_cnn)
        start, steps = run(mlp if arch == "mlp" else cnn, x, y, cfg)
        cases.append({"architecture": arch, "name": name, "config": cfg, "initial": start, "steps": steps})
    out = {
        "generator": f"torch {md.version('torch')}, numpy {md.version('numpy')}",
        "mlp": {"x": x_mlp.reshape(-1).tolist(), "y": y_mlp.tolist(), "hidden": [6, 5], "classes": 3},
        "cnn": {"x": x_cnn.reshape(-1).tolist(), "y": y_cnn.tolist(), "shape": [1, 6, 6], "channels": [2], "hidden": [4], "classes": 3},
        "cases": cases,
    }
    with open(os.path.join(here, "frozen_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

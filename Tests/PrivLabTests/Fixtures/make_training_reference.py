"""Reference updates for PrivLab's training step: a tiny MLP and a tiny CNN trained for a few
full-batch steps by PyTorch from the same initial weights on the same records, with each of the
optimizers and training options PrivLab offers, and DP-SGD's clipped sums computed from per-example
gradients (torch.func: vmap over grad) — the parameters after every step are stored. Run in a
throw-away virtualenv (PyTorch is not a PrivLab dependency):

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_training_reference.py

Conventions written out here rather than taken from a library default, because they are what is
being checked:
- the loss is the batch mean of cross-entropy of softmax(z / T) against labels smoothed as
  (1 − ε)·onehot + ε/K (torch's label_smoothing);
- L2 is weight decay λ₂·w and L1 adds λ₁·sign(w) to the gradient, on weights only (biases are not
  penalised), before momentum or Adam (coupled, as torch's weight_decay);
- DP-SGD clips each record's whole gradient by min(1, C / (‖g‖ + 1e-6)) (Opacus's factor), sums
  and divides by the expected batch size (here every record: q = 1, shuffled full batches), with
  no noise so that the update is deterministic;
- parameters are stored in PrivLab's order and layout: per layer the weight (dense: fan-in × units;
  convolution: filters × (channels·k·k), which is torch's (out, in, kh, kw) flattened) then the bias.
Computed in float32 like PrivLab; the tests allow for float32 rounding in a different order.
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
rng = np.random.default_rng(20261128)
STEPS = 3


def mlp():
    return nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(18, 4), nn.ReLU(), nn.Linear(4, 3))


def privlab_layout(model):
    """Parameters as PrivLab stores them: dense weights transposed (fan-in × units)."""
    out = []
    for m in model:
        if isinstance(m, nn.Linear):
            out += [m.weight.detach().T.reshape(-1).tolist(), m.bias.detach().reshape(-1).tolist()]
        elif isinstance(m, nn.Conv2d):
            out += [m.weight.detach().reshape(-1).tolist(), m.bias.detach().reshape(-1).tolist()]
    return out


def init(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.uniform(-0.6, 0.6, size=tuple(p.shape)), dtype=torch.float32))


def loss_fn(z, y, temperature, smoothing):
    return nn.functional.cross_entropy(z / temperature, y, label_smoothing=smoothing)


def run(make, x, y, cfg):
    model = make()
    init(model)
    start = privlab_layout(model)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    groups = [{"params": weights, "weight_decay": cfg.get("l2", 0.0)}, {"params": biases, "weight_decay": 0.0}]
    if cfg["optimizer"] == "adam":
        opt = torch.optim.Adam(groups, lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(groups, lr=cfg["lr"], momentum=cfg.get("momentum", 0.0), nesterov=cfg.get("nesterov", False))
    T, eps = cfg.get("temperature", 1.0), cfg.get("label_smoothing", 0.0)
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        if "clip" in cfg:
            params = {k: v.detach() for k, v in model.named_parameters()}

            def one(p, xi, yi):
                return loss_fn(functional_call(model, p, (xi.unsqueeze(0),)), yi.unsqueeze(0), T, eps)

            g = vmap(grad(one), in_dims=(None, 0, 0))(params, x, y)
            norms = torch.sqrt(sum((v.reshape(len(x), -1) ** 2).sum(1) for v in g.values()))
            factor = torch.clamp(cfg["clip"] / (norms + 1e-6), max=1.0)
            for k, p in model.named_parameters():
                p.grad = torch.einsum("i,i...->...", factor, g[k]) / len(x)
        else:
            loss_fn(model(x), y, T, eps).backward()
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
        ("mlp", "momentum", {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9}),
        ("mlp", "nesterov", {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("mlp", "adam", {"optimizer": "adam", "lr": 0.01}),
        ("mlp", "l2", {"optimizer": "sgd", "lr": 0.1, "l2": 0.1}),
        ("mlp", "l1", {"optimizer": "sgd", "lr": 0.1, "l1": 0.05}),
        ("mlp", "elastic net with momentum", {"optimizer": "sgd", "lr": 0.1, "l1": 0.05, "l2": 0.1, "momentum": 0.5}),
        ("mlp", "adam with l2", {"optimizer": "adam", "lr": 0.01, "l2": 0.1}),
        ("mlp", "label smoothing", {"optimizer": "sgd", "lr": 0.1, "label_smoothing": 0.2}),
        ("mlp", "temperature", {"optimizer": "sgd", "lr": 0.1, "temperature": 2.0}),
        ("mlp", "dp-sgd", {"optimizer": "sgd", "lr": 0.1, "clip": 0.3}),
        ("mlp", "dp-sgd with momentum", {"optimizer": "sgd", "lr": 0.1, "clip": 0.3, "momentum": 0.9}),
        ("mlp", "dp-adam", {"optimizer": "adam", "lr": 0.01, "clip": 0.3}),
        ("cnn", "sgd", {"optimizer": "sgd", "lr": 0.1}),
        ("cnn", "adam", {"optimizer": "adam", "lr": 0.01}),
        ("cnn", "dp-sgd", {"optimizer": "sgd", "lr": 0.1, "clip": 0.3}),
        ("cnn", "dp-adam", {"optimizer": "adam", "lr": 0.01, "clip": 0.3}),
    ]
    cases = []
    for arch, name, cfg in configs:
        x, y = (x_mlp, y_mlp) if arch == "mlp" else (x_cnn, y_cnn)
        start, steps = run(mlp if arch == "mlp" else cnn, x, y, cfg)
        cases.append({"architecture": arch, "name": name, "config": cfg, "initial": start, "steps": steps})
    out = {
        "generator": f"torch {md.version('torch')}, numpy {md.version('numpy')}",
        "mlp": {"x": x_mlp.reshape(-1).tolist(), "y": y_mlp.tolist(), "features": 4, "hidden": [5], "classes": 3},
        "cnn": {"x": x_cnn.reshape(-1).tolist(), "y": y_cnn.tolist(), "shape": [1, 6, 6], "channels": [2], "hidden": [4], "classes": 3},
        "cases": cases,
    }
    with open(os.path.join(here, "training_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

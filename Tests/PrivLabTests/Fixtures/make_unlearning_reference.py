"""Reference updates for PrivLab's SCRUB and NegGrad+ (Sources/PrivLab/Unlearning/Approximate):
a tiny MLP (4-5-3) starts from fixed weights and is unlearned by PyTorch as the reference code does
it — SCRUB as meghdadk/SCRUB's `train_distill` (teacher = the starting model frozen, `DistillKL`,
max-step −KL on the forget set for the first `msteps` epochs, min-step γ·CE + α·KL on the retain
set, one optimizer for both (SGD with momentum, or Adam), learning rate ×decay_rate after each epoch in decay_epochs),
NegGrad+ as the SCRUB notebook's `run_neggrad_epoch` (β·CE(retain batch) − (1 − β)·CE(forget
batch), SGD). Every batch is the whole set, so the order of records does not matter; the
parameters after each epoch are stored. Run with a throw-away virtualenv holding torch (PyTorch is
not a PrivLab dependency), e.g.

    /tmp/rnn-venv/bin/python Tests/PrivLabTests/Fixtures/make_unlearning_reference.py

Conventions written out here because they are what is checked: weight decay on weights only
(PrivLab's l2; the reference decays biases too), parameters in PrivLab's layout (dense weights
fan-in × units, then the bias), float32.
"""
import importlib.metadata as md
import json
import os

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261203)


def mlp():
    return nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))


def layout(model):
    out = []
    for m in model:
        if isinstance(m, nn.Linear):
            out += [m.weight.detach().T.reshape(-1).tolist(), m.bias.detach().reshape(-1).tolist()]
    return out


def init(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.uniform(-0.8, 0.8, size=tuple(p.shape)), dtype=torch.float32))


def groups(model, wd):
    ws = [p for n, p in model.named_parameters() if n.endswith("weight")]
    bs = [p for n, p in model.named_parameters() if n.endswith("bias")]
    return [{"params": ws, "weight_decay": wd}, {"params": bs, "weight_decay": 0.0}]


def distill_kl(s, t, T):
    """DistillKL(T) of the SCRUB repository: KL(softmax(t/T) || softmax(s/T)) * T^2 / batch."""
    return nn.functional.kl_div(nn.functional.log_softmax(s / T, dim=1), nn.functional.softmax(t / T, dim=1),
                                reduction="sum") * T * T / s.shape[0]


def scrub(student, xf, yf, xr, yr, cfg):
    teacher = mlp()
    teacher.load_state_dict(student.state_dict())
    teacher.eval()
    if cfg["optimizer"] == "adam":
        opt = torch.optim.Adam(groups(student, cfg["weight_decay"]), lr=cfg["lr"])
    else:
        opt = torch.optim.SGD(groups(student, cfg["weight_decay"]), lr=cfg["lr"], momentum=cfg["momentum"])
    ce = nn.CrossEntropyLoss()
    epochs = []
    for epoch in range(1, cfg["epochs"] + 1):
        steps = sum(epoch > e for e in cfg["decay_epochs"])
        for g in opt.param_groups:
            g["lr"] = cfg["lr"] * cfg["decay_rate"] ** steps
        if epoch <= cfg["msteps"]:
            with torch.no_grad():
                t = teacher(xf)
            loss = -distill_kl(student(xf), t, cfg["T"])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            t = teacher(xr)
        s = student(xr)
        loss = cfg["gamma"] * ce(s, yr) + cfg["alpha"] * distill_kl(s, t, cfg["T"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        epochs.append(layout(student))
    return epochs


def neggrad_plus(model, xf, yf, xr, yr, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    ce = nn.CrossEntropyLoss()
    epochs = []
    for _ in range(cfg["epochs"]):
        loss = cfg["beta"] * ce(model(xr), yr) - (1 - cfg["beta"]) * ce(model(xf), yf)
        opt.zero_grad()
        loss.backward()
        opt.step()
        epochs.append(layout(model))
    return epochs


def main():
    x = torch.tensor(rng.normal(size=(12, 4)), dtype=torch.float32)
    y = torch.tensor(rng.integers(0, 3, size=12))
    xf, yf, xr, yr = x[:4], y[:4], x[4:], y[4:]
    cases = []
    # SGD with momentum for the max-steps: the first max-step starts where student = teacher, so
    # KL's gradient is rounding noise, which Adam would normalise into a full-size step whose
    # sign no two implementations share. Adam (its moments and step count carried from fit to
    # fit) is checked on min-steps, where the cross-entropy gives a real gradient.
    scrub_cfg = {"epochs": 3, "lr": 0.05, "optimizer": "sgd", "momentum": 0.9, "alpha": 0.5, "gamma": 1.0, "T": 2.0,
                 "msteps": 2, "decay_epochs": [2], "decay_rate": 0.1, "weight_decay": 0.05}
    scrub_adam_cfg = {"epochs": 3, "lr": 0.01, "optimizer": "adam", "momentum": 0.0, "alpha": 0.5, "gamma": 0.8, "T": 4.0,
                      "msteps": 0, "decay_epochs": [2], "decay_rate": 0.1, "weight_decay": 0.05}
    ng_cfg = {"epochs": 3, "lr": 0.1, "beta": 0.7}
    for name, fn, cfg in [("scrub", scrub, scrub_cfg), ("scrub", scrub, scrub_adam_cfg), ("neggrad_plus", neggrad_plus, ng_cfg)]:
        model = mlp()
        init(model)
        start = layout(model)
        cases.append({"method": name, "config": cfg, "initial": start, "epochs": fn(model, xf, yf, xr, yr, cfg)})
    out = {
        "generator": f"torch {md.version('torch')}, numpy {md.version('numpy')}",
        "x": x.reshape(-1).tolist(), "y": y.tolist(), "forget": 4, "hidden": [5], "classes": 3,
        "cases": cases,
    }
    with open(os.path.join(here, "unlearning_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

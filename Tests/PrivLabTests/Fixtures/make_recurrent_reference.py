"""Reference values for PrivLab's recurrent layers: tiny nn.RNN / nn.GRU / nn.LSTM classifiers
(stacked recurrent layers, batch_first, the last step's hidden state — or every step's, flattened —
into one nn.Linear) from fixed small weights, on the same records:
- the logits of the forward pass;
- every parameter's gradient after one backward pass of the batch-mean cross-entropy;
- each record's gradient norm, from per-example gradients by torch.func (grad of one record's loss;
  vmap over it where the recurrent kernels allow, else a loop over the records: the JSON says which);
- the parameters after each of three full-batch updates: SGD, Adam and DP-SGD (each record's
  gradient clipped to C = 0.3 by min(1, C / (‖g‖ + 1e-6)), summed, divided by the batch; no noise).
Run in a throw-away virtualenv with torch (PyTorch is not a PrivLab dependency):

    <venv>/bin/python Tests/PrivLabTests/Fixtures/make_recurrent_reference.py

Parameters are listed in PrivLab's order and layout, which for the recurrent layers is PyTorch's
(per layer weight_ih G·H × F, weight_hh G·H × H, bias_ih, bias_hh, gates in PyTorch's order), then
the output layer's weight transposed (fan-in × classes) and its bias. Computed in float32.
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
rng = np.random.default_rng(20261202)
STEPS = 3
N, T, F, H, K = 6, 5, 3, 4, 3
PER_EXAMPLE = set()
CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class Net(nn.Module):
    def __init__(self, cell, layers, all_steps):
        super().__init__()
        self.rec = CELLS[cell](F, H, num_layers=layers, batch_first=True)
        self.all_steps = all_steps
        self.out = nn.Linear(T * H if all_steps else H, K)

    def forward(self, x):
        seq, _ = self.rec(x.reshape(x.shape[0], T, F))
        h = seq.reshape(x.shape[0], -1) if self.all_steps else seq[:, -1, :]
        return self.out(h)


def privlab_layout(model, tensors=None):
    """Parameters (or gradients) in PrivLab's order; the output weight transposed."""
    out = []
    for name, p in model.named_parameters():
        v = (tensors[name] if tensors is not None else p).detach()
        out.append((v.T if name == "out.weight" else v).reshape(-1).tolist())
    return out


def init(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.uniform(-0.5, 0.5, size=tuple(p.shape)), dtype=torch.float32))


def per_example_grads(model, x, y):
    params = {k: v.detach() for k, v in model.named_parameters()}

    def one(p, xi, yi):
        return nn.functional.cross_entropy(functional_call(model, p, (xi.unsqueeze(0),)), yi.unsqueeze(0))

    try:
        return vmap(grad(one), in_dims=(None, 0, 0))(params, x, y)
    except RuntimeError:
        # nn.RNN / GRU / LSTM's fused kernels have no vmap batching rule (torch 2.13: "output with
        # shape [1, 4] doesn't match the broadcast shape [6, 1, 4]"): the same torch.func.grad,
        # one record at a time.
        PER_EXAMPLE.add("torch.func.grad per record (nn.RNN kernels refuse vmap)")
        each = [grad(one)(params, x[i], y[i]) for i in range(len(x))]
        return {k: torch.stack([e[k] for e in each]) for k in params}


def train(cell, layers, all_steps, initial, x, y, cfg):
    model = Net(cell, layers, all_steps)
    with torch.no_grad():
        for p, v in zip(model.parameters(), initial):
            p.copy_(v)
    if cfg["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        if "clip" in cfg:
            g = per_example_grads(model, x, y)
            norms = torch.sqrt(sum((v.reshape(len(x), -1) ** 2).sum(1) for v in g.values()))
            factor = torch.clamp(cfg["clip"] / (norms + 1e-6), max=1.0)
            for k, p in model.named_parameters():
                p.grad = torch.einsum("i,i...->...", factor, g[k]) / len(x)
        else:
            nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        steps.append(privlab_layout(model))
    return steps


def case(cell, layers, all_steps, x, y):
    model = Net(cell, layers, all_steps)
    init(model)
    initial = [p.detach().clone() for p in model.parameters()]
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, y)
    loss.backward()
    grads = {k: p.grad for k, p in model.named_parameters()}
    g = per_example_grads(model, x, y)
    norms = torch.sqrt(sum((v.reshape(len(x), -1) ** 2).sum(1) for v in g.values()))
    configs = [("sgd", {"optimizer": "sgd", "lr": 0.5}), ("adam", {"optimizer": "adam", "lr": 0.05}),
               ("dp-sgd", {"optimizer": "sgd", "lr": 0.5, "clip": 0.3})]
    return {
        "cell": cell, "layers": layers, "all_steps": all_steps,
        "initial": privlab_layout(model), "logits": logits.detach().reshape(-1).tolist(), "loss": loss.item(),
        "gradients": privlab_layout(model, grads), "norms": norms.tolist(),
        "training": [{"name": name, "config": cfg, "steps": train(cell, layers, all_steps, initial, x, y, cfg)} for name, cfg in configs],
    }


def main():
    x = torch.tensor(rng.normal(size=(N, T * F)), dtype=torch.float32)
    y = torch.tensor(rng.integers(0, K, size=N))
    cases = [case(c, 2, False, x, y) for c in CELLS] + [case("gru", 1, True, x, y), case("lstm", 1, True, x, y)]
    out = {
        "generator": f"torch {md.version('torch')}, numpy {md.version('numpy')}",
        "per_example_gradients": sorted(PER_EXAMPLE) or ["torch.func vmap(grad)"],
        "records": N, "steps": T, "features": F, "hidden": H, "classes": K,
        "x": x.reshape(-1).tolist(), "y": y.tolist(), "cases": cases,
    }
    with open(os.path.join(here, "recurrent_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

"""Nasr, Shokri & Houmansadr's adversarial regularisation (CCS 2018) in PyTorch, written from the
authors' released code (SPIN-UMass/ML-Privacy-Regulization, PPN_Purchase_GIT.py, commit 4b37f2d),
run on the exact split notebooks/reproductions/nasr2018.lua uses — to tell whether the inference
model h that never learns in PrivLab is PrivLab's defect or a property of the authors' setting.

Run (any Python with PyTorch and numpy; neither is a PrivLab dependency):

    .build/release/privlab exec scripts/nasr2018_split.lua > /tmp/split.csv     # -P members=19732: full scale
    python scripts/nasr2018_torch.py /tmp/split.csv                    # the authors' h initialisation
    python scripts/nasr2018_torch.py /tmp/split.csv --h-init default   # ablation: PyTorch's default

What it runs, as the code does it:
- classifier 600-1024-512-256-128-100, tanh, PyTorch's default initialisation (the code's
  N(0, 0.01²) lines for the classifier are commented out, lines 91–97); Adam lr 1e-3, batch 128;
- h = InferenceAttack_HZ (lines 110–165): the logits through 1024-512-64, the one-hot label through
  128-64 (ReLU after each), concatenated through 512-256-128-64-1, sigmoid; every weight N(0, 0.01²)
  and every bias 0 (lines 144–151) unless --h-init default; widths × --width; Adam lr 1e-4,
  nn.MSELoss on the sigmoid output over the 128 member + 128 reference rows (lines 693–694);
- classifier loss: cross-entropy + α·(mean h(logits, one-hot label) − 0.5), α = 3 (line 369);
- epoch 0: one plain pass, then 5 passes of h (lines 736–743); each later epoch: the data shuffled,
  then rounds of (2k h batches, walked in order through the shuffled member and reference sets,
  then 2 classifier batches) — the code's 52 h batches before 2 classifier batches, with k = 22 its
  average ratio (3,376 h steps for 152 classifier steps); --k sets it (the notebook's `steps`).
  Both loops drop the last batch of each pass as the code's `len(data)//batch_size - 1` does.

Each epoch prints: the classifier's train / test / validation accuracy and the loss-threshold attack's
best balanced accuracy (members against test records); h's gain G = mean log h on the members +
mean log(1 − h) on the first 1,024 of each set (2·ln ½ ≈ −1.386 for an h that answers ½), h's
accuracy at threshold ½ on them, the largest |logit| of h (its sigmoid's input); after the last h step of the epoch,
each h layer's mean |gradient| against Adam's ε (1e-8) and the mean |update| Adam made to it.
--json FILE writes the per-epoch rows.
"""
import argparse
import json
import math
import sys

import numpy as np
import torch
from torch import nn


def load(path):
    sets = {}
    with open(path) as fh:
        for line in fh:
            parts = line.rstrip("\n").split(",")
            sets.setdefault(parts[0], ([], []))
            sets[parts[0]][0].append([float(v) for v in parts[2:]])
            sets[parts[0]][1].append(int(parts[1]))
    return {k: (torch.tensor(x, dtype=torch.float32), torch.tensor(y)) for k, (x, y) in sets.items()}


class Classifier(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(features, 1024), nn.Tanh(), nn.Linear(1024, 512), nn.Tanh(),
                                 nn.Linear(512, 256), nn.Tanh(), nn.Linear(256, 128), nn.Tanh(), nn.Linear(128, classes))

    def forward(self, x):
        return self.net(x)


def relu_mlp(sizes, last_relu):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2 or last_relu:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class H(nn.Module):
    """InferenceAttack_HZ: features 100-1024-512-64, labels 100-128-64, combine 128-512-256-128-64-1."""

    def __init__(self, classes, width, init):
        super().__init__()
        w = lambda n: max(1, int(round(n * width)))
        self.classes = classes
        self.features = relu_mlp([classes, w(1024), w(512), w(64)], True)
        self.labels = relu_mlp([classes, w(128), w(64)], True)
        self.combine = relu_mlp([2 * w(64), w(512), w(256), w(128), w(64), 1], False)
        if init == "authors":
            with torch.no_grad():
                for name, p in self.named_parameters():
                    if name.endswith("weight"):
                        p.normal_(0, 0.01)
                    else:
                        p.zero_()

    def logit(self, z, y):
        one_hot = nn.functional.one_hot(y, self.classes).float()
        return self.combine(torch.cat([self.features(z), self.labels(one_hot)], 1)).view(-1)

    def forward(self, z, y):
        return torch.sigmoid(self.logit(z, y))


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def loss_attack(model, members, nonmembers):
    """The loss-threshold attack (Yeom et al. 2018) as PrivLab's pl.attack.metric reports it: the best
    balanced accuracy (TPR + TNR)/2 over all thresholds on the per-record cross-entropy."""
    with torch.no_grad():
        lm = nn.functional.cross_entropy(model(members[0]), members[1], reduction="none").double().numpy()
        ln = nn.functional.cross_entropy(model(nonmembers[0]), nonmembers[1], reduction="none").double().numpy()
    scores = np.concatenate([lm, ln])
    is_member = np.concatenate([np.ones(len(lm)), np.zeros(len(ln))])
    order = np.argsort(scores, kind="stable")          # a member is predicted when its loss is at most the threshold
    tpr = np.cumsum(is_member[order]) / len(lm)
    fpr = np.cumsum(1 - is_member[order]) / len(ln)
    # Only thresholds between distinct scores count, and "predict nobody" (0.5).
    last = np.append(scores[order][1:] != scores[order][:-1], True)
    return max(0.5, float(np.max(0.5 * (tpr[last] + 1 - fpr[last]))))


def h_report(f, h, members, reference, limit=1024):
    """G, balanced accuracy at 1/2 and the largest |logit| of h, on the first `limit` records of each
    set (as PrivLab's InferenceGame.measure), from the logits in float64: near 1/2 a float32
    probability cannot show h's moves."""
    with torch.no_grad():
        dm = h.logit(f(members[0][:limit]), members[1][:limit]).double()
        dr = h.logit(f(reference[0][:limit]), reference[1][:limit]).double()
    gain = nn.functional.logsigmoid(dm).mean().item() + nn.functional.logsigmoid(-dr).mean().item()
    acc = 0.5 * ((dm > 0).double().mean().item() + (dr <= 0).double().mean().item())
    spread = max(dm.abs().max().item(), dr.abs().max().item())
    return gain, acc, spread, torch.sigmoid(dm).mean().item(), torch.sigmoid(dr).mean().item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("split")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--k", type=int, default=22, help="h steps per classifier step (the code: 22.2 on average)")
    ap.add_argument("--alpha", type=float, default=3.0)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--h-init", choices=["authors", "default"], default="authors")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    data = load(a.split)
    members, reference, test, validation = data["members"], data["reference"], data["test"], data.get("validation")
    classes, batch = 100, 128
    f = Classifier(members[0].shape[1], classes)
    h = H(classes, a.width, a.h_init)
    opt = torch.optim.Adam(f.parameters(), lr=1e-3)
    hopt = torch.optim.Adam(h.parameters(), lr=1e-4)
    mse = nn.MSELoss()
    nf = len(members[0]) // batch - 1                                   # train_privatly's len_t
    nh = min(len(members[0]), len(reference[0])) // batch - 1           # train_attack's len_t
    h_layers = [(n, p) for n, p in h.named_parameters()]

    def h_step(xm, ym, xr, yr):
        with torch.no_grad():
            z = f(torch.cat([xm, xr]))
        out = h(z, torch.cat([ym, yr]))
        target = torch.cat([torch.ones(len(xm)), torch.zeros(len(xr))])
        loss = mse(out, target)
        hopt.zero_grad()
        loss.backward()
        before = [p.detach().clone() for _, p in h_layers]
        hopt.step()
        return [(n, p.grad.abs().mean().item(), (p.detach() - b).abs().mean().item()) for (n, p), b in zip(h_layers, before)]

    def f_step(x, y):
        z = f(x)
        loss = nn.functional.cross_entropy(z, y) + a.alpha * (h(z, y).mean() - 0.5)
        opt.zero_grad()
        loss.backward()
        opt.step()

    rows = []
    grads = []
    for epoch in range(a.epochs):
        pm, pr = torch.randperm(len(members[0])), torch.randperm(len(reference[0]))
        xm, ym, xr, yr = members[0][pm], members[1][pm], reference[0][pr], reference[1][pr]
        if epoch == 0:
            for i in range(nf):
                z = f(xm[i * batch:(i + 1) * batch])
                loss = nn.functional.cross_entropy(z, ym[i * batch:(i + 1) * batch])
                opt.zero_grad()
                loss.backward()
                opt.step()
            for _ in range(5):
                for i in range(nh):
                    s = slice(i * batch, (i + 1) * batch)
                    grads = h_step(xm[s], ym[s], xr[s], yr[s])
        else:
            hb = 0
            for c in range(0, nf, 2):
                for _ in range(2 * a.k):
                    s = slice((hb % nh) * batch, (hb % nh + 1) * batch)
                    grads = h_step(xm[s], ym[s], xr[s], yr[s])
                    hb += 1
                for i in range(c, min(c + 2, nf)):
                    s = slice(i * batch, (i + 1) * batch)
                    f_step(xm[s], ym[s])
        gain, hacc, spread, mm, mr = h_report(f, h, members, reference)
        row = {"epoch": epoch + 1, "train_acc": accuracy(f, *members), "test_acc": accuracy(f, *test),
               "val_acc": accuracy(f, *validation) if validation else None, "loss_attack_acc": loss_attack(f, members, test),
               "h_gain": gain, "h_acc": hacc,
               "h_logit": spread, "h_mean_members": mm, "h_mean_reference": mr,
               "grad": {n: g for n, g, _ in grads}, "update": {n: u for n, _, u in grads}}
        rows.append(row)
        print(f"epoch {epoch + 1:2d}  train {row['train_acc']:.3f}  test {row['test_acc']:.3f}  val {row['val_acc'] or float('nan'):.3f}  "
              f"loss attack {row['loss_attack_acc']:.3f}  h: G {gain:+.6f} "
              f"(2 ln 1/2 = {2 * math.log(0.5):+.6f})  acc {hacc:.3f}  max|logit| {spread:.3g}", flush=True)
        print("          mean |grad| per h layer: " + " ".join(f"{n.split('.')[0][:4]}{n.split('.')[1]}{n[-1]}={g:.1e}" for n, g, _ in grads
                                                          if n.endswith("weight")), flush=True)
        print("          mean |Adam update|:     " + " ".join(f"{u:.1e}" for n, _, u in grads if n.endswith("weight")), flush=True)
    # The checkpoint PrivLab's notebook keeps: the game epoch (after the first) of best validation
    # accuracy; the authors' code keeps the best test accuracy instead.
    game = [r for r in rows if r["epoch"] > 1] or rows
    if validation:
        kept = max(game, key=lambda r: r["val_acc"])
        print(f"validation-selected epoch {kept['epoch']}: train {kept['train_acc']:.3f}  test {kept['test_acc']:.3f}  "
              f"loss attack {kept['loss_attack_acc']:.3f}", flush=True)
    best = max(game, key=lambda r: r["test_acc"])
    print(f"test-selected epoch {best['epoch']}: test {best['test_acc']:.3f}  loss attack {best['loss_attack_acc']:.3f}", flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"args": vars(a), "torch": torch.__version__, "rows": rows}, fh)


if __name__ == "__main__":
    sys.exit(main())

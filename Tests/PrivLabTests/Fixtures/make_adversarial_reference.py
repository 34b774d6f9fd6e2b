"""Reference steps for PrivLab's adversarial regularisation (Nasr, Shokri & Houmansadr, CCS 2018),
written from the paper and the authors' released code (SPIN-UMass/ML-Privacy-Regulization,
PPN_Purchase_GIT.py): one classifier step and three inference-model steps on fixed weights and data.
Run with any Python that has PyTorch (PyTorch is not a PrivLab dependency), e.g.

    python Tests/PrivLabTests/Fixtures/make_adversarial_reference.py

What is being checked, written out:
- the inference model h as the authors build it (InferenceAttack_HZ): the classifier's output
  vector through a 1024-512-64 branch, the one-hot label through a 128-64 branch (ReLU after every
  layer), both concatenated through 512-256-128-64 to the score — here every width times 1/32, and
  the score as a two-logit softmax (PrivLab's parametrisation of the code's sigmoid);
- the classifier's loss: mean cross-entropy + λ · mean over the batch of h's member probability
  (train_privatly, line 369), h reading the logits (the code) or the softmax (the paper); the
  gradient in the logits and the classifier's parameters after one SGD step (lr 0.5);
- h's step: the squared error of h against 1 (members) / 0 (reference records), averaged (the
  code's nn.MSELoss), or mean −log h on members plus mean −log(1 − h) on reference records (the
  paper's gain G, negated); three Adam steps (lr 1e-2) on the same batches; h's parameters after them and the gain
  G before the last;
- h measured as the training history reports it (attack_gain, attack_accuracy, attack_logit): the
  gain G, balanced accuracy and largest |membership logit| on the members and reference records.
Layout: per dense layer the weight (fan-in × units) then the bias; h's layers in the order
prediction branch, label branch, combining part. Float32 throughout.
"""
import json
import os

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261203)
K, F, N, LAMBDA, H_STEPS = 3, 4, 8, 3.0, 3
W = 1 / 32


def w(n):
    return max(1, int(round(n * W)))


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class H(nn.Module):
    def __init__(self):
        super().__init__()
        self.prediction = mlp([K, w(1024), w(512), w(64)])
        self.label = mlp([K, w(128), w(64)])
        self.combine = mlp([2 * w(64), w(512), w(256), w(128), w(64), 2])

    def forward(self, v, y):
        a = torch.relu(self.prediction(v))
        b = torch.relu(self.label(nn.functional.one_hot(y, K).float()))
        return torch.softmax(self.combine(torch.cat([a, b], 1)), 1)[:, 1]


def layout(module):
    out = []
    for m in module.modules():
        if isinstance(m, nn.Linear):
            out += [m.weight.detach().T.reshape(-1).tolist(), m.bias.detach().reshape(-1).tolist()]
    return out


def randomise(module, scale):
    # Positive biases keep most ReLUs alive on these few records, so every path carries gradient.
    with torch.no_grad():
        for n, p in module.named_parameters():
            low = 0.0 if n.endswith("bias") else -scale
            p.copy_(torch.tensor(rng.uniform(low, scale, size=tuple(p.shape)), dtype=torch.float32))


def h_layout(h):
    return layout(h.prediction) + layout(h.label) + layout(h.combine)


classifier = nn.Sequential(nn.Linear(F, 6), nn.Tanh(), nn.Linear(6, K))
h = H()
randomise(classifier, 0.8)
randomise(h, 0.6)
x = torch.tensor(rng.uniform(0, 1, size=(N, F)), dtype=torch.float32)
y = torch.tensor(rng.integers(0, K, size=N))
xr = torch.tensor(rng.uniform(0, 1, size=(N, F)), dtype=torch.float32)
yr = torch.tensor(rng.integers(0, K, size=N))
f0, h0 = [p.detach().clone() for p in classifier.parameters()], [p.detach().clone() for p in h.parameters()]


def restore():
    with torch.no_grad():
        for p, v in zip(classifier.parameters(), f0):
            p.copy_(v)
        for p, v in zip(h.parameters(), h0):
            p.copy_(v)


def view(z, mode):
    return z if mode == "logits" else torch.softmax(z, 1)


cases = []
for mode, hloss in [("logits", "squared_error"), ("probabilities", "squared_error"), ("logits", "cross_entropy"), ("probabilities", "cross_entropy")]:
    restore()
    # The classifier's extra term and its gradient in the logits.
    z = classifier(x).detach().requires_grad_(True)
    term = LAMBDA * h(view(z, mode), y).mean()
    (dz,) = torch.autograd.grad(term, z)
    # One classifier step: cross-entropy + λ · mean h, h fixed. Plain SGD, so that every gradient
    # value shows in the result (Adam's first step moves each parameter by ±lr whatever its size).
    opt = torch.optim.SGD(classifier.parameters(), lr=0.5)
    opt.zero_grad()
    z = classifier(x)
    loss = nn.functional.cross_entropy(z, y) + LAMBDA * h(view(z, mode), y).mean()
    loss.backward()
    opt.step()
    classifier_after = layout(classifier)
    # One h step against the initial classifier: members x, non-members xr.
    restore()
    with torch.no_grad():
        vm, vr = view(classifier(x), mode), view(classifier(xr), mode)
    # Three Adam steps on the same batches (from the second on, the update depends on the gradient's values).
    hopt = torch.optim.Adam(h.parameters(), lr=1e-2)
    for _ in range(H_STEPS):
        hopt.zero_grad()
        sm, sr = h(vm, y), h(vr, yr)
        gain = torch.log(sm).mean() + torch.log(1 - sr).mean()
        if hloss == "cross_entropy":
            (-gain).backward()
        else:   # the code's nn.MSELoss on the sigmoid output, averaged over all rows
            ((torch.cat([sm, sr]) - torch.cat([torch.ones(N), torch.zeros(N)])) ** 2).mean().backward()
        hopt.step()
    cases.append({
        "attack_input": mode,
        "attack_loss": hloss,
        "term": term.item() * N,            # PrivLab returns the summed term (λ · Σ h)
        "term_gradient": dz.reshape(-1).tolist(),
        "classifier_after": classifier_after,
        "gain": gain.item(),
        "h_after": h_layout(h),
    })

# h measured as InferenceGame.measure does (the history's attack_gain, attack_accuracy,
# attack_logit): on the members x and reference records xr, h reading the logits, from the membership
# logit d = o₁ − o₀ in float64: G = mean log σ(d) on members + mean log σ(−d) on reference records,
# balanced accuracy of d > 0, the largest |d|.
restore()
with torch.no_grad():
    def membership_logit(inputs, labels):
        v = classifier(inputs)
        a = torch.relu(h.prediction(v))
        b = torch.relu(h.label(nn.functional.one_hot(labels, K).float()))
        o = h.combine(torch.cat([a, b], 1)).double()
        return o[:, 1] - o[:, 0]
    dm, dr = membership_logit(x, y), membership_logit(xr, yr)
measure = {
    "gain": (nn.functional.logsigmoid(dm).mean() + nn.functional.logsigmoid(-dr).mean()).item(),
    "accuracy": 0.5 * ((dm > 0).double().mean() + (dr <= 0).double().mean()).item(),
    "logit": max(dm.abs().max().item(), dr.abs().max().item()),
}

restore()
out = {
    "lambda": LAMBDA, "width": W, "classes": K, "h_steps": H_STEPS,
    "x": x.reshape(-1).tolist(), "y": y.tolist(), "xr": xr.reshape(-1).tolist(), "yr": yr.tolist(),
    "classifier": layout(classifier), "h": h_layout(h),
    "torch": torch.__version__,
    "cases": cases,
    "measure": measure,
}
with open(os.path.join(here, "adversarial_reference.json"), "w") as fh:
    json.dump(out, fh)
print("wrote adversarial_reference.json:", [(c["attack_input"], round(c["term"], 4), round(c["gain"], 4)) for c in cases])

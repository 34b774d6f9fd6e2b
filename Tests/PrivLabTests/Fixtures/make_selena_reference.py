"""Reference values for SELENA (Tang et al., USENIX Security 2022), computed the way the authors'
released code does (inspire-group/MIAdefenseSELENA, commit 855c627), written again here from
reading it (no code copied):

- Split-AI's adaptive inference for a training record (`purchase/SELENA/Split_AI/eval.py`,
  `splitai_test`, mode 1): the mean of the softmax outputs of the record's L non-models;
- for any other query (mode 2): the mean over the L non-models of one training record (the authors
  draw it with `np.random.randint`; PrivLab picks it by a hash of the query, so the test gives the
  chosen record's index and checks only the mean);
- the self-distillation loss (`purchase/SELENA/Distillation/train.py`, `distill_train`):
  −Σ t · log softmax(z) / B over a batch, t = Split-AI's soft label, and its gradient in the logits
  (PyTorch autograd on exactly that expression).

Run with any Python that has numpy and torch (e.g. a throw-away virtualenv):

    python Tests/PrivLabTests/Fixtures/make_selena_reference.py

It writes selena_reference.json next to itself.

With `--pipeline DIR` it writes nothing and instead runs the authors' whole Purchase-100 pipeline,
as their scripts do it, on records exported by notebooks/reproductions/selena2022.lua
(`-P export=DIR`: tr.csv, te.csv, reference.csv, test.csv, label first): the undefended
network, Split-AI (`generation10.py`'s L-sets from `np.random.seed(1000)`, `Split_AI/train.py`),
the mode-1/mode-2 answers (`Split_AI/eval.py`), the student (`Distillation/train.py`), the four
threshold attacks of `attack/dsq_attack.py` (calibrated on tr/reference, measured on te/test), and
the student's agreement with Split-AI on members and test records — to tell a defect of ours from
a property of the data. `--epochs/--distill_epochs/--batch` default to the notebook's scale-down
(20, 40, 128, last epoch); `--select best_test --epochs 30 --distill_epochs 60 --batch 512` is the
authors' literal setting (the epoch with the best test accuracy kept).
"""
import json
import os

import numpy as np
import torch



def pipeline_main(argv):
    """The authors' pipeline on exported records (see the module docstring)."""
    import argparse
    import sys
    import torch.nn as nn
    import torch.nn.functional as F

    ap = argparse.ArgumentParser()
    ap.add_argument("--pipeline", required=True)
    ap.add_argument("--K", type=int, default=25)
    ap.add_argument("--L", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--distill_epochs", type=int, default=40)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--select", default="last", choices=["last", "best_test"])
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    torch.manual_seed(a.seed)
    gen = np.random.default_rng(a.seed)
    X, Y = {}, {}
    for k in ["tr", "te", "reference", "test"]:
        t = np.loadtxt(os.path.join(a.pipeline, k + ".csv"), delimiter=",", dtype=np.float32)
        X[k], Y[k] = t[:, 1:], t[:, 0].astype(np.int64)
    classes = int(max(Y[k].max() for k in Y)) + 1
    xtr, ytr = np.concatenate([X["tr"], X["te"]]), np.concatenate([Y["tr"], Y["te"]])

    def network():  # models/purchase.py: 600-1024-512-256-128-classes, tanh
        d = xtr.shape[1]
        return nn.Sequential(nn.Linear(d, 1024), nn.Tanh(), nn.Linear(1024, 512), nn.Tanh(), nn.Linear(512, 256), nn.Tanh(),
                             nn.Linear(256, 128), nn.Tanh(), nn.Linear(128, classes))

    def proba(m, x):
        with torch.no_grad():
            return F.softmax(m(torch.from_numpy(x)), dim=1).numpy()

    def train(x, target, epochs, soft=False):  # Adam 1e-3, reshuffled every epoch
        m = network()
        opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        best, state = -1.0, None
        for _ in range(epochs):
            r = gen.permutation(len(x))
            for b in range(0, len(x), a.batch):
                i = r[b:b + a.batch]
                z = m(torch.from_numpy(x[i]))
                if soft:  # distill_train: -sum t log softmax(z) / B
                    loss = -(torch.from_numpy(target[i]) * torch.log(F.softmax(z, dim=1))).sum() / len(i)
                else:
                    loss = F.cross_entropy(z, torch.from_numpy(target[i]))
                opt.zero_grad()
                loss.backward()
                opt.step()
            if a.select == "best_test":
                acc = (proba(m, X["test"]).argmax(1) == Y["test"]).mean()
                if acc > best:
                    best, state = acc, {k: v.clone() for k, v in m.state_dict().items()}
        if state is not None:
            m.load_state_dict(state)
        return m

    def best_threshold(mem, non):  # maximises #(members >= t) + #(non-members < t)
        v = np.sort(np.concatenate([mem, non]))
        gain = (len(mem) - np.searchsorted(np.sort(mem), v, "left")) + np.searchsorted(np.sort(non), v, "left")
        return v[np.argmax(gain)] if len(v) else 0.0

    def attack(s, name, per_class):
        cm, cn, em, en = s["tr"], s["reference"], s["te"], s["test"]
        g = best_threshold(cm, cn)
        acc = ((em >= g).sum() + (en < g).sum()) / (len(em) + len(en))
        if per_class:
            t = np.zeros(classes)
            for c in range(classes):
                t[c] = best_threshold(cm[Y["tr"] == c], cn[Y["reference"] == c])
            acc = max(acc, ((em >= t[Y["te"]]).sum() + (en < t[Y["test"]]).sum()) / (len(em) + len(en)))
        return acc

    def statistics(p, y):
        py = p[np.arange(len(y)), y]
        lg = lambda v: np.log(np.maximum(v, 1e-30))
        ment = -(p * lg(1 - p)).sum(1) + py * lg(1 - py) - (1 - py) * lg(py)
        return {"confidence": py, "entropy": (p * lg(p)).sum(1), "mentropy": -ment, "correctness": (p.argmax(1) == y).astype(float)}

    def report(name, P):
        st = {k: statistics(P[k], Y[k]) for k in P}
        r = {n: attack({k: st[k][n] for k in st}, n, n != "correctness") for n in ["confidence", "entropy", "mentropy", "correctness"]}
        train_acc = (np.concatenate([P["tr"], P["te"]]).argmax(1) == ytr).mean()
        print(f"{name:10s} train {train_acc:.3f} test {(P['test'].argmax(1) == Y['test']).mean():.3f}  "
              + "  ".join(f"{k} {v:.3f}" for k, v in r.items()) + f"  best {max(r.values()):.3f}")
        sys.stdout.flush()

    u = train(xtr, ytr, a.epochs)
    report("undefended", {k: proba(u, X[k]) for k in X})
    lsets = np.random.RandomState(1000)  # generation10.py: per record shuffle(arange(K))[:L]
    non = np.zeros((len(xtr), a.L), dtype=int)
    for i in range(len(xtr)):
        t = np.arange(a.K)
        lsets.shuffle(t)
        non[i] = t[:a.L]
    subs = [train(xtr[[i for i in range(len(xtr)) if m not in non[i]]], ytr[[i for i in range(len(xtr)) if m not in non[i]]], a.epochs)
            for m in range(a.K)]
    on_train = np.stack([proba(s, xtr) for s in subs])
    mode1 = np.stack([on_train[non[i], i].mean(0) for i in range(len(xtr))]).astype(np.float32)

    def mode2(k):  # a training record drawn at random per query, its L-set answers
        out = np.stack([proba(s, X[k]) for s in subs])
        pick = gen.integers(0, len(xtr), size=len(X[k]))
        return np.stack([out[non[pick[q]], q].mean(0) for q in range(len(X[k]))])

    split = {"tr": mode1[:len(X["tr"])], "te": mode1[len(X["tr"]):], "reference": mode2("reference"), "test": mode2("test")}
    report("Split-AI", split)
    student = train(xtr, mode1, a.distill_epochs, soft=True)
    sp = {k: proba(student, X[k]) for k in X}
    report("SELENA", sp)
    for part, (ps, pt, y) in {"members": (np.concatenate([sp["tr"], sp["te"]]), mode1, ytr), "test": (sp["test"], split["test"], Y["test"])}.items():
        i = np.arange(len(y))
        print(f"agreement {part:8s} top-1 {(ps.argmax(1) == pt.argmax(1)).mean():.3f}  |dp_y| {np.abs(ps[i, y] - pt[i, y]).mean():.3f}  "
              f"p_y student {ps[i, y].mean():.3f} Split-AI {pt[i, y].mean():.3f}  accuracy student {(ps.argmax(1) == y).mean():.3f} Split-AI {(pt.argmax(1) == y).mean():.3f}")


if "--pipeline" in __import__("sys").argv:
    pipeline_main(__import__("sys").argv[1:])
    raise SystemExit(0)

rng = np.random.default_rng(20261203)
K, L, N, C, Q, B = 7, 3, 9, 5, 4, 6

# Sub-model outputs on N training records and Q other queries (rows are probability vectors).
def softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

train_out = softmax(rng.normal(0, 2, size=(K, N, C))).astype(np.float32)
query_out = softmax(rng.normal(0, 2, size=(K, Q, C))).astype(np.float32)

# The authors' partition (`purchase/SELENA/generation10.py`): per record, shuffle arange(K), keep
# the first L as its non-models.
non_models = []
for _ in range(N):
    t = np.arange(K)
    rng.shuffle(t)
    non_models.append(sorted(int(v) for v in t[:L]))

mode1 = np.stack([train_out[non_models[i], i, :].mean(axis=0) for i in range(N)])
chosen = [int(v) for v in rng.integers(0, N, size=Q)]
mode2 = np.stack([query_out[non_models[chosen[q]], q, :].mean(axis=0) for q in range(Q)])

# The distillation step's loss and gradient on a batch of B records.
logits = torch.tensor(rng.normal(0, 1.5, size=(B, C)).astype(np.float32), requires_grad=True)
targets = torch.tensor(mode1[:B].astype(np.float32))
loss = -torch.sum(targets * torch.log(torch.softmax(logits, dim=1))) / B
loss.backward()

out = {
    "models": K, "excluded": L, "records": N, "classes": C, "queries": Q, "batch": B,
    "train_outputs": train_out.reshape(K, -1).tolist(),
    "query_outputs": query_out.reshape(K, -1).tolist(),
    "non_models": non_models,
    "split_ai_members": mode1.reshape(-1).tolist(),
    "chosen": chosen,
    "split_ai_queries": mode2.reshape(-1).tolist(),
    "logits": logits.detach().numpy().reshape(-1).tolist(),
    "distill_loss": float(loss.item()),
    "distill_gradient": logits.grad.numpy().reshape(-1).tolist(),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "selena_reference.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path)

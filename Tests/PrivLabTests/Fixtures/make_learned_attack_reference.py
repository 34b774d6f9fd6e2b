"""Writes learned_attack_reference.json: scikit-learn's side of
MembershipInferenceTests.testTheLearnedAttackIsNotWeakerThanTheLossThreshold (issue 33, item 6).

The population is the tests' LeakyPopulation: PrivLab's seeded blobs (1000 records, 30 features,
4 classes, std 5, box 3, seed 21) split into 200 members, 200 non-members and 600 attacker records
(the release binary prints the records, so both sides see the same numbers, checked by id in the
test). scikit-learn then trains its own target of the same shape (MLPClassifier(64), Adam, lr 3e-3,
batch 32, 150 epochs, no weight penalty — the tests' over-fitting MLP) and runs, independently of PrivLab,
the loss threshold and Shokri et al.'s shadow attack as PrivLab's options describe it: 4 shadows,
each trained on 200 attacker records with 200 others as its non-members (min(200, 600/2), as PrivLab sizes shadows); attack features are the
log-probability vector (sorted for one global model, unsorted per class) plus the true class's
log-probability, computed stably from the network's logits as PrivLab computes them (not from
clipped probabilities: a saturated member's other classes reach log-probabilities far below
log 1e-30); attack models are gradient boosting (100 stages of depth 3) and logistic
regression (L2 1e-4 on the mean loss, on standardised features), per class and global.
One split's AUC varies by ≈ 0.02 with the seed, so the reference is the mean (and standard
deviation) over eight seeds of target and shadows.

Run from the repository root after `swift build -c release`, with numpy and scikit-learn in a
throw-away virtualenv (never a runtime dependency), e.g. bench/.venv:

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_learned_attack_reference.py
"""
import json
import os
import subprocess
import warnings

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
EXPORT = r'''
local all = pl.data.blobs{n = 1000, features = 30, classes = 4, std = 5, box = 3, seed = 21}
local rest, members = all:split{test = 200, seed = 2}
local attacker, nonmembers = rest:split{test = 200, seed = 3}
for _, part in ipairs{{"members", members}, {"attacker", attacker}, {"nonmembers", nonmembers}} do
  for _, id in ipairs(part[2]:ids()) do
    local r = part[2]:record(id)
    local f = {}
    for j, v in ipairs(r.features) do f[j] = string.format("%.9g", v) end
    print(string.format('{"set": "%s", "id": %d, "label": %d, "x": [%s]}', part[1], id, r.label, table.concat(f, ",")))
  end
end
'''
SEEDS = range(1, 9)
SHADOWS, SHADOW_SIZE, L2 = 4, 200, 1e-4


def target(seed):
    return MLPClassifier(hidden_layer_sizes=(64,), solver="adam", learning_rate_init=3e-3, batch_size=32,
                         max_iter=150, alpha=0, random_state=seed)


def log_probabilities(m, x):
    """log softmax of the MLP's logits (ReLU hidden layers, linear output), computed stably."""
    a = x
    for w, b in zip(m.coefs_[:-1], m.intercepts_[:-1]):
        a = np.maximum(a @ w + b, 0)
    z = a @ m.coefs_[-1] + m.intercepts_[-1]
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def features(lp, y, sort):
    v = -np.sort(-lp, axis=1) if sort else lp
    return np.c_[v, lp[np.arange(len(y)), y]]


def attack_auc(kind, per_class, sx, sy, sin, pe, ye, member):
    scores = np.full(len(ye), 0.5)
    groups = range(4) if per_class else [None]
    for c in groups:
        tr = np.ones(len(sy), bool) if c is None else sy == c
        te = np.ones(len(ye), bool) if c is None else ye == c
        if len(set(sin[tr])) < 2:
            continue
        ftr, fte = features(sx[tr], sy[tr], not per_class), features(pe[te], ye[te], not per_class)
        if kind == "boosting":
            m = GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0)
        else:
            m = make_pipeline(StandardScaler(), LogisticRegression(C=1 / (L2 * tr.sum()), max_iter=1000))
        scores[te] = m.fit(ftr, sin[tr]).predict_proba(fte)[:, 1]
    return roc_auc_score(member, scores)


def run(seed, data):
    (xm, ym), (xa, ya), (xn, yn) = data["members"], data["attacker"], data["nonmembers"]
    t = target(seed).fit(xm, ym)
    member = np.r_[np.ones(len(ym)), np.zeros(len(yn))]
    xe, ye = np.r_[xm, xn], np.r_[ym, yn]
    pe = log_probabilities(t, xe)
    out = {"seed": seed, "train_accuracy": t.score(xm, ym), "test_accuracy": t.score(xn, yn),
           "loss": roc_auc_score(member, pe[np.arange(len(ye)), ye])}
    rng = np.random.default_rng(seed)
    sx, sy, sin = [], [], []
    for s in range(SHADOWS):
        pick = rng.permutation(len(ya))[:2 * SHADOW_SIZE]
        i, o = pick[:SHADOW_SIZE], pick[SHADOW_SIZE:]
        m = target(100 * seed + s).fit(xa[i], ya[i])
        sx.append(np.r_[log_probabilities(m, xa[i]), log_probabilities(m, xa[o])])
        sy.append(np.r_[ya[i], ya[o]])
        sin.append(np.r_[np.ones(SHADOW_SIZE), np.zeros(SHADOW_SIZE)])
    sx, sy, sin = np.concatenate(sx), np.concatenate(sy), np.concatenate(sin)
    for kind in ["boosting", "logistic"]:
        out[kind + "_per_class"] = attack_auc(kind, True, sx, sy, sin, pe, ye, member)
        out[kind + "_global"] = attack_auc(kind, False, sx, sy, sin, pe, ye, member)
    return out


lines = subprocess.run([os.path.join(ROOT, ".build", "release", "privlab"), "exec", "-"], input=EXPORT,
                       check=True, capture_output=True, text=True).stdout
records = [json.loads(l) for l in lines.splitlines() if l.startswith("{")]
data, ids = {}, {}
for part in ["members", "attacker", "nonmembers"]:
    rs = [r for r in records if r["set"] == part]
    data[part] = (np.array([r["x"] for r in rs]), np.array([r["label"] for r in rs]))
    ids[part] = [r["id"] for r in rs]
runs = [run(s, data) for s in SEEDS]
keys = [k for k in runs[0] if k != "seed"]
summary = {k: {"mean": float(np.mean([r[k] for r in runs])), "sd": float(np.std([r[k] for r in runs], ddof=1))} for k in keys}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "learned_attack_reference.json"), "w") as f:
    json.dump({"ids": ids, "runs": runs, "summary": summary}, f)
    f.write("\n")
for k, v in summary.items():
    print(f"{k}: {v['mean']:.4f} ± {v['sd']:.4f}")

"""scikit-learn's side of the attack-strength comparison (issue 14): the same digits records, split
as `bench/attack_strength.lua` split them (record ids read from its JSON lines on standard input,
one per split), a scikit-learn target of the same shape (StandardScaler → MLPClassifier(256), Adam,
lr 1e-3, batch 200, 200 epochs), and the attacks computed independently with scikit-learn: the loss
threshold; Shokri et al.'s shadow attack with 8 shadows and per-class gradient-boosting attack
models on the probability vectors (the independent implementation the issue quotes); and one
logistic regression on sorted log-probabilities plus the true class's (PrivLab's default).
Prints one JSON line per split. Run by `python3 bench/run.py --attack-strength` in bench/.venv.
"""
import json
import os
import sys
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
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = np.loadtxt(os.path.join(ROOT, "data", "digits.csv"), delimiter=",", skiprows=1)
X, Y = DATA[:, :-1], DATA[:, -1].astype(int)


def model(seed):
    return make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(256,), max_iter=200, batch_size=200,
                                                         learning_rate_init=1e-3, random_state=seed))


def log_p(p):
    return np.log(np.clip(p, 1e-30, 1))


def run(split):
    part = lambda key: (X[np.array(split[key]) - 1], Y[np.array(split[key]) - 1])  # ids are 1-based rows
    (xm, ym), (xa, ya), (xn, yn) = part("members"), part("attacker"), part("nonmembers")
    seed = split["split"]
    target = model(seed).fit(xm, ym)
    out = {"split": seed, "train_accuracy": target.score(xm, ym), "test_accuracy": target.score(xn, yn)}
    member = np.r_[np.ones(len(ym)), np.zeros(len(yn))]
    xe, ye = np.r_[xm, xn], np.r_[ym, yn]
    pe = target.predict_proba(xe)
    out["loss"] = roc_auc_score(member, log_p(pe)[np.arange(len(ye)), ye])

    rng = np.random.default_rng(seed)
    size = min(len(ym), len(ya) // 2)
    sx, sy, sin = [], [], []
    for s in range(8):
        pick = rng.permutation(len(ya))[:2 * size]
        i, o = pick[:size], pick[size:]
        m = model(100 * seed + s).fit(xa[i], ya[i])
        sx.append(np.r_[m.predict_proba(xa[i]), m.predict_proba(xa[o])])
        sy.append(np.r_[ya[i], ya[o]])
        sin.append(np.r_[np.ones(size), np.zeros(size)])
    sx, sy, sin = np.concatenate(sx), np.concatenate(sy), np.concatenate(sin)

    scores = np.full(len(ye), 0.5)
    for c in range(10):
        tr, te = sy == c, ye == c
        if len(set(sin[tr])) == 2:
            scores[te] = GradientBoostingClassifier(random_state=0).fit(sx[tr], sin[tr]).predict_proba(pe[te])[:, 1]
    out["shadow_gb_per_class"] = roc_auc_score(member, scores)

    def features(p, y):
        lp = log_p(p)
        return np.c_[-np.sort(-lp, axis=1), lp[np.arange(len(y)), y]]
    a = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(features(sx, sy), sin)
    out["shadow_logistic_global"] = roc_auc_score(member, a.predict_proba(features(pe, ye))[:, 1])
    return out


for line in sys.stdin:
    if line.strip().startswith("{"):
        print(json.dumps(run(json.loads(line))), flush=True)

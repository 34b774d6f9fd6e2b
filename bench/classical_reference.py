"""scikit-learn's side of the classical-pipeline comparison (issue 17): reads bench/classical.lua's
JSON lines on standard input and, for each, runs scikit-learn's identical pipeline
(StandardScaler → LinearDiscriminantAnalysis; FeatureUnion(PCA(3), SelectKBest(f_classif, k=6)) →
LogisticRegression(max_iter=10000); StandardScaler → LogisticRegression) on the same folds (PredefinedSplit), timing `rounds` full
cross-validations (n_jobs=1, and n_jobs=2 — joblib worker processes) and fits. Prints one JSON line
per pipeline. Run by `python3 bench/run.py --classical` in bench/.venv.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import PredefinedSplit, cross_val_predict, cross_validate
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = int(os.environ.get("PRIVLAB_BENCH_ROUNDS", "5"))


def load(name):
    d = np.loadtxt(os.path.join(ROOT, "data", f"{name}.csv"), delimiter=",", skiprows=1)
    return d[:, :-1].astype(np.float32).astype(np.float64), d[:, -1].astype(int)


def pipeline(kind):
    if kind == "lda":
        return Pipeline([("scale", StandardScaler()), ("lda", LinearDiscriminantAnalysis())])
    if kind == "logistic":
        return Pipeline([("scale", StandardScaler()), ("logistic", LogisticRegression(max_iter=10000))])
    return Pipeline([("features", FeatureUnion([("pca", PCA(n_components=3)), ("select", SelectKBest(k=6))])),
                     ("logistic", LogisticRegression(max_iter=10000))])


def timed(f):
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


for line in sys.stdin:
    if not line.startswith("{"):
        continue
    o = json.loads(line)
    if "pca_components" in o:
        x, _ = load("breast_cancer")
        z = ((x - x.mean(axis=0)) / x.std(axis=0)).astype(np.float32).astype(np.float64)
        comps = PCA(n_components=5).fit(z).components_
        ours = np.array(o["pca_components"])
        diff = max(min(np.abs(a - b).max(), np.abs(a + b).max()) for a, b in zip(ours, comps))
        print(json.dumps({"pca_max_difference_up_to_sign": float(diff)}))
        continue
    x, y = load(o["data"])
    split = PredefinedSplit(np.array(o["fold"]) - 1)
    pred = cross_val_predict(pipeline(o["pipeline"]), x, y, cv=split)
    print(json.dumps({
        "data": o["data"], "pipeline": o["pipeline"], "accuracy": float((pred == y).mean()),
        "agreement": float((pred == np.array(o["predictions"])).mean()),
        "cv_seconds": timed(lambda: cross_validate(pipeline(o["pipeline"]), x, y, cv=split, n_jobs=1)),
        "cv_seconds_2_jobs": timed(lambda: cross_validate(pipeline(o["pipeline"]), x, y, cv=split, n_jobs=2)),
        "fit_seconds": timed(lambda: pipeline(o["pipeline"]).fit(x, y)),
    }), flush=True)

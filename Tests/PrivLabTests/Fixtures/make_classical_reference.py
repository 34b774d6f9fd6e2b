"""Reference values for the classical models, transformers and cross-validation: scikit-learn on the
data sets PrivLab ships (data/*.csv), read as float32 as PrivLab reads them. Run in a throw-away
virtualenv (scikit-learn is not a PrivLab dependency):

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_classical_reference.py

The tests read the same CSV files; standardised data are computed on both sides in float64 from the
float32 values and rounded to float32 (digits: the first 600 records). Logistic regression is run to a far tighter tolerance than scikit-learn's default
so that its objective value is the optimum to compare with.
"""
import csv
import importlib.metadata as md
import json
import os

import numpy as np
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.feature_selection import SelectKBest, chi2, f_classif, mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import PredefinedSplit, cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, "..", "..", "..")


def load(name):
    with open(os.path.join(root, "data", f"{name}.csv")) as f:
        rows = list(csv.reader(f))[1:]
    x = np.array([[float(v) for v in r[:-1]] for r in rows], dtype=np.float32).astype(np.float64)
    return x, np.array([int(r[-1]) for r in rows])


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def standardise(x):
    sd = x.std(axis=0)
    sd[sd == 0] = 1
    return f32((x - x.mean(axis=0)) / sd)


def objective(model, x, y):
    """C·Σ −log p(y|x) + ½‖W‖² at the fitted model."""
    p = model.predict_proba(x)
    return float(model.C * -np.log(p[np.arange(len(y)), y]).sum() + 0.5 * (model.coef_ ** 2).sum())


out = {"sklearn": md.version("scikit-learn")}
wine_x, wine_y = load("wine")
cancer_x, cancer_y = load("breast_cancer")
digits_x, digits_y = load("digits")
wine_z, cancer_z = standardise(wine_x), standardise(cancer_x)
digits_x, digits_y = digits_x[:600], digits_y[:600]

# Logistic regression at its optimum: binary (one weight vector) and multinomial.
for name, x, y, c in [("binary", cancer_z, cancer_y, 1.0), ("multinomial", wine_z, wine_y, 0.5)]:
    m = LogisticRegression(C=c, tol=1e-12, max_iter=100000).fit(x, y)
    out[f"logistic_{name}"] = {"C": c, "objective": objective(m, x, y), "coef": m.coef_.tolist(),
                               "intercept": m.intercept_.tolist(), "proba": m.predict_proba(x).tolist()}

# LDA: svd on digits (constant pixels: a singular within-class covariance), lsqr with
# Ledoit-Wolf and with a fixed shrinkage on wine.
lda = LinearDiscriminantAnalysis().fit(digits_x, digits_y)
out["lda_svd_digits"] = {"predict": lda.predict(digits_x).tolist(), "decision": lda.decision_function(digits_x[:50]).tolist()}
for name, shrink in [("auto", "auto"), ("fixed", 0.3)]:
    m = LinearDiscriminantAnalysis(solver="lsqr", shrinkage=shrink).fit(wine_z, wine_y)
    out[f"lda_lsqr_{name}"] = {"coef": m.coef_.tolist(), "intercept": m.intercept_.tolist(),
                               "proba": m.predict_proba(wine_z).tolist()}
m = LinearDiscriminantAnalysis().fit(wine_z, wine_y)
out["lda_svd_wine"] = {"proba": m.predict_proba(wine_z).tolist()}

out["gaussian_nb"] = {"proba": GaussianNB().fit(wine_x, wine_y).predict_proba(wine_x).tolist()}
out["knn"] = {k: KNeighborsClassifier(n_neighbors=5, weights=k).fit(wine_z[:120], wine_y[:120]).predict_proba(wine_z[120:]).tolist()
              for k in ["uniform", "distance"]}

# PCA components (scikit-learn's sign convention) and explained variance.
p = PCA(n_components=5).fit(wine_z)
out["pca"] = {"components": p.components_.tolist(), "explained_variance": p.explained_variance_.tolist(),
              "ratio": p.explained_variance_ratio_.tolist(), "whitened": PCA(n_components=3, whiten=True).fit(wine_z).transform(wine_z[:10]).tolist()}

# Univariate scores: f_classif and chi2 on the raw wine data; mutual information on continuous
# data with no repeated values (where scikit-learn's 1e-10 jitter cannot matter).
rng = np.random.default_rng(3)
mx = f32(rng.normal(size=(300, 4)))
my = (mx[:, 0] + 0.5 * mx[:, 1] ** 2 + rng.normal(scale=0.5, size=300) > 0.5).astype(int) + (mx[:, 2] > 1).astype(int)
out["select"] = {"f_classif": f_classif(wine_x, wine_y)[0].tolist(), "chi2": chi2(wine_x, wine_y)[0].tolist(),
                 "mi_x": mx.tolist(), "mi_y": my.tolist(),
                 "mutual_info": mutual_info_classif(mx, my, random_state=0).tolist()}

# The article's two pipelines, cross-validated on given folds (record i in fold i mod 10).
folds = np.arange(len(cancer_y)) % 10
split = PredefinedSplit(folds)
lda_pipe = Pipeline([("scale", StandardScaler()), ("lda", LinearDiscriminantAnalysis())])
union_pipe = Pipeline([("features", FeatureUnion([("pca", PCA(n_components=3)), ("select", SelectKBest(k=6))])),
                       ("logistic", LogisticRegression(max_iter=10000))])
out["cv"] = {"fold": folds.tolist(),
             "lda": cross_val_predict(lda_pipe, cancer_x, cancer_y, cv=split).tolist(),
             "union": cross_val_predict(union_pipe, cancer_x, cancer_y, cv=split).tolist()}

with open(os.path.join(here, "classical_reference.json"), "w") as f:
    json.dump(out, f)
print("ok", out["sklearn"])

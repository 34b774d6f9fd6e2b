"""Reference M2 and M3 of Hartley & Tsaftaris (2022) with their tests, computed as the authors'
code does (jasminium/feature-memorisation, um/metrics.py `metric_2` and `metric_3_alt`, and
um/experiment.py `eval_with_augmentation_on_index`): Keras's KLDivergence per probe — both
arguments clipped to [1e-7, 1], Σ p·log(p/q) (written out in NumPy here instead of importing
TensorFlow) —, M2 = mean KL(clean ‖ feature) − mean KL(clean ‖ random), M3 = mean KL(e_y ‖ feature)
− mean KL(e_y ‖ random), and SciPy's `ttest_rel(kl_random, kl_feature, alternative="greater")` and
`mannwhitneyu(kl_random, kl_feature, alternative="greater")` for M3 (asymptotic, as SciPy uses for
samples this large); for M2 the same two tests with the sides swapped (ours: the authors test M3
only). The authors' M3 keeps only probes whose label equals the canary's; the engine takes every
probe given to it, so the cases here are probes already filtered. Run with any Python that has
NumPy and SciPy:

    python Tests/PrivLabTests/Fixtures/make_memorisation_reference.py
"""
import json
import os

import numpy as np
from scipy import stats


def keras_kl(p, q):
    p = np.clip(p.astype(np.float64), 1e-7, 1)
    q = np.clip(q.astype(np.float64), 1e-7, 1)
    return np.sum(p * np.log(p / q), axis=-1)


rng = np.random.default_rng(11)
cases = []
for n, classes, label, pull, ties in [(40, 10, 3, 0.0, False), (60, 10, 7, 2.0, False), (25, 4, 0, 0.8, False), (30, 10, 5, 1.0, True)]:
    clean = rng.dirichlet(np.ones(classes) * 0.7, n)
    # The feature pulls the outputs towards `label` by `pull` (in logits); the random patch moves them at random.
    logits = np.log(clean) + rng.normal(0, 0.3, (n, classes))
    logits[:, label] += pull
    feature = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    random = rng.dirichlet(np.ones(classes) * 0.7, n) * 0.3 + clean * 0.7
    if ties:  # repeated rows: tied KL values, which the Mann–Whitney variance corrects for
        feature[n // 2:] = feature[0]
        random[n // 2:] = random[0]
        clean[n // 2:] = clean[0]
    clean, feature, random = (a.astype(np.float32) for a in (clean, feature, random))
    kl1, kl2 = keras_kl(clean, feature), keras_kl(clean, random)
    onehot = np.zeros((n, classes), dtype=np.float32)
    onehot[:, label] = 1
    k3f, k3r = keras_kl(onehot, feature), keras_kl(onehot, random)
    t2 = stats.ttest_rel(kl1, kl2, alternative="greater")
    t3 = stats.ttest_rel(k3r, k3f, alternative="greater")
    cases.append({
        "clean": clean.tolist(), "feature": feature.tolist(), "random": random.tolist(), "label": label,
        "m2": float(kl1.mean() - kl2.mean()), "m2_p": float(t2.pvalue), "m2_t": float(t2.statistic),
        "m2_mw_p": float(stats.mannwhitneyu(kl1, kl2, alternative="greater", method="asymptotic").pvalue),
        "m3": float(k3f.mean() - k3r.mean()), "m3_p": float(t3.pvalue), "m3_t": float(t3.statistic),
        "m3_mw_p": float(stats.mannwhitneyu(k3r, k3f, alternative="greater", method="asymptotic").pvalue),
    })
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "memorisation_reference.json"), "w") as f:
    json.dump({"cases": cases}, f)
print([(round(c["m2"], 4), c["m2_mw_p"], round(c["m3"], 4), c["m3_p"], c["m3_mw_p"]) for c in cases])

"""Reference values for the attacks' scoring, recomputed with NumPy/SciPy on the same shadow
outputs PrivLab scores (the outputs are random here and stored, so both sides read the same
numbers). Run in a throw-away virtualenv:

    bench/.venv/bin/python Tests/PrivLabTests/Fixtures/make_attack_reference.py

- LiRA (Carlini et al. 2022): PrivLab's documented estimator — per-record means and unbiased
  variances floored at 1e-6, pooled variances for records with fewer than two observations or with
  the global-variance option, the mean IN − OUT gap for a record with no IN (OUT) observation —
  written out with scipy.stats.norm.logpdf; and the authors' own estimator (median, np.std, from
  research/mi_lira_2021/plot.py's generate_ours) on the records where it is defined, which the test
  compares by rank correlation only (the estimators differ on purpose).
- The logit-scaled confidence φ = log p_y − log(1 − p_y) from logits, with scipy's logsumexp.
- Song & Mittal's risk score: equal-frequency histograms per class (edge k = the pooled value at rank
  ⌊k·N/bins⌋, np.searchsorted side="right"), add-one smoothing, P(in) = h_in / (h_in + h_out).
"""
import importlib.metadata as md
import json
import os

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def lira_ours(target, ins, outs, online, global_var):
    def mv(v):
        v = np.asarray(v, dtype=float)
        return v.mean(), (v.var(ddof=1) if len(v) > 1 else np.nan)

    g_out = [mv(o)[1] for o in outs if len(o) > 1]
    g_in = [mv(i)[1] for i in ins if len(i) > 1]
    g_out = max(np.mean(g_out) if g_out else 1.0, 1e-6)
    g_in = max(np.mean(g_in) if g_in else g_out, 1e-6)
    both = [k for k in range(len(target)) if ins[k] and outs[k]]
    shift = np.mean([mv(ins[k])[0] - mv(outs[k])[0] for k in both]) if both else 0.0
    res = []
    for k, x in enumerate(target):
        mo, vo = (mv(ins[k])[0] - shift, np.nan) if not outs[k] else mv(outs[k])
        vo = g_out if global_var or not np.isfinite(vo) else max(vo, 1e-6)
        if not online:
            res.append((x - mo) / np.sqrt(vo))
            continue
        mi, vi = (mo + shift, np.nan) if not ins[k] else mv(ins[k])
        vi = g_in if global_var or not np.isfinite(vi) else max(vi, 1e-6)
        res.append(norm.logpdf(x, mi, np.sqrt(vi)) - norm.logpdf(x, mo, np.sqrt(vo)))
    return res


def lira_authors(target, ins, outs):
    # generate_ours: medians, np.std, score = −logpdf_in + logpdf_out (lower = member); negated here
    # so that higher means member, as PrivLab's score does.
    res = []
    for x, i, o in zip(target, ins, outs):
        pr_in = -norm.logpdf(x, np.median(i), np.std(i) + 1e-30)
        pr_out = -norm.logpdf(x, np.median(o), np.std(o) + 1e-30)
        res.append(-(pr_in - pr_out))
    return res


def lira_case():
    records, shadows = 80, 24
    difficulty = rng.normal(0, 1.5, size=records)
    member = rng.random(records) < 0.5
    keep = rng.random((shadows, records)) < 0.5
    keep[:, 0] = False          # never IN: borrows OUT's mean plus the gap
    keep[:, 1] = True           # never OUT
    keep[:, 2] = False
    keep[3, 2] = True           # one IN observation: the pooled IN variance
    obs = difficulty + 1.2 * keep + rng.normal(0, 0.6 + 0.3 * rng.random(records), size=(shadows, records))
    target = difficulty + 1.2 * member + rng.normal(0, 0.6, size=records)
    ins = [[float(obs[s, k]) for s in range(shadows) if keep[s, k]] for k in range(records)]
    outs = [[float(obs[s, k]) for s in range(shadows) if not keep[s, k]] for k in range(records)]
    usable = [k for k in range(records) if len(ins[k]) > 1 and len(outs[k]) > 1]
    return {
        "target": target.tolist(), "in": ins, "out": outs, "member": member.tolist(),
        "online_per_record": lira_ours(target, ins, outs, True, False),
        "online_global": lira_ours(target, ins, outs, True, True),
        "offline_per_record": lira_ours(target, ins, outs, False, False),
        "offline_global": lira_ours(target, ins, outs, False, True),
        "authors_records": usable,
        "authors_online": lira_authors([target[k] for k in usable], [ins[k] for k in usable], [outs[k] for k in usable]),
    }


def phi_case():
    z = rng.normal(0, 3, size=(12, 4)).astype(np.float32)
    z[0] = [60, -60, -60, -60]    # p_y rounds to 1 in float64
    z[1] = [-80, 40, 0, 0]        # p_y underflows
    y = rng.integers(0, 4, size=12)
    y[0], y[1] = 0, 0
    z64 = z.astype(np.float64)
    phi = []
    for i in range(len(y)):
        others = np.delete(z64[i], y[i])
        phi.append(float(z64[i, y[i]] - logsumexp(others)))
    return {"logits": z.reshape(-1).tolist(), "labels": y.tolist(), "classes": 4, "phi": phi}


def risk_case():
    bins = 6
    shadow_in, shadow_out = {}, {}
    for c in range(3):
        n_in, n_out = 40 + 10 * c, 30 + 5 * c
        shadow_in[c] = np.round(rng.normal(1.0, 1.0, size=n_in), 1).tolist()    # rounded: ties, edges hit exactly
        shadow_out[c] = np.round(rng.normal(0.0, 1.0, size=n_out), 1).tolist()
    shadow_in[3] = [0.5, 0.7]         # class 3 has no OUT signals: ½
    def edges_of(c):
        pooled = np.sort(np.concatenate([shadow_in[c], shadow_out[c]]))
        k = max(1, min(bins, len(pooled) // 4))
        return k, np.array([pooled[j * len(pooled) // k] for j in range(1, k)])

    signal = np.round(rng.normal(0.5, 1.2, size=40), 1).tolist()
    labels = rng.integers(0, 4, size=40).tolist()
    for c in range(3):             # every edge itself, as a signal of its class
        signal += edges_of(c)[1].tolist()
        labels += [c] * len(edges_of(c)[1])
    expected = []
    for s, c in zip(signal, labels):
        if c not in shadow_out:
            expected.append(0.5)
            continue
        a, b = np.array(shadow_in[c]), np.array(shadow_out[c])
        k, edges = edges_of(c)

        def density(v):
            h = np.ones(k)
            np.add.at(h, np.searchsorted(edges, v, side="right"), 1)
            return h / h.sum()

        j = np.searchsorted(edges, s, side="right")
        pin, pout = density(a), density(b)
        expected.append(float(pin[j] / (pin[j] + pout[j])))
    return {"bins": bins, "shadow_in": {str(k): v for k, v in shadow_in.items()},
            "shadow_out": {str(k): v for k, v in shadow_out.items()}, "signal": signal, "labels": labels, "risk": expected}


def main():
    out = {"generator": f"numpy {md.version('numpy')}, scipy {md.version('scipy')}",
           "lira": lira_case(), "phi": phi_case(), "risk": risk_case()}
    with open(os.path.join(here, "attack_reference.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")


if __name__ == "__main__":
    main()

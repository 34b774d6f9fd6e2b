"""Reference for `privlab bench mia`: the shadow-model membership-inference attack with IBM ART
(adversarial-robustness-toolbox) and scikit-learn, in the same setting and on the same data:
target MLPClassifier(256) on the first 5,000 Fashion-MNIST training images; 16 shadow models of the
same kind over the disjoint next 50,000 (ART's ShadowModels splits them into disjoint in/out
halves); ART's MembershipInferenceBlackBox with its "nn" attack model; 5,000 members + 5,000
non-members (the first test images). Used only by bench/run.py --mia, from a throw-away
virtualenv; never a dependency of PrivLab or its tests.

Prints one JSON object with the phase timings and the attack's AUC.
"""
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import DIR, idx  # noqa: E402  (the same IDX reader as the training benchmark)


def load(prefix):
    x = idx(f"{DIR}/{prefix}-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255.0
    y = idx(f"{DIR}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return x, y


def main():
    args = [int(a) for a in sys.argv[1:]]
    target_size, pool, shadows, epochs = (args + [5000, 50000, 16, 20][len(args):])[:4]
    from art.attacks.inference.membership_inference import MembershipInferenceBlackBox, ShadowModels
    from art.estimators.classification.scikitlearn import ScikitlearnClassifier
    from art.utils import to_categorical
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import roc_auc_score
    from sklearn.neural_network import MLPClassifier

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    x, y = load("train")
    xt, yt = load("t10k")
    xm, ym = x[:target_size], y[:target_size]
    xp, yp = x[target_size:target_size + pool], y[target_size:target_size + pool]
    xn, yn = xt[:target_size], yt[:target_size]

    def mlp(seed):
        # scikit-learn's defaults (Adam, lr 1e-3, batch 200) for a fixed number of epochs.
        return MLPClassifier(hidden_layer_sizes=(256,), max_iter=epochs, random_state=seed)

    t0 = time.perf_counter()
    target = mlp(1).fit(xm, ym)
    t_target = time.perf_counter() - t0
    art_target = ScikitlearnClassifier(target)

    t0 = time.perf_counter()
    # The (fitted) target as the template: ART clones its hyper-parameters for every shadow.
    sm = ShadowModels(art_target, num_shadow_models=shadows, disjoint_datasets=True, random_state=1)
    (mx, my, mp), (nx, ny, npred) = sm.generate_shadow_dataset(xp, to_categorical(yp, 10))
    t_shadows = time.perf_counter() - t0

    t0 = time.perf_counter()
    attack = MembershipInferenceBlackBox(art_target, attack_model_type="nn")
    attack.fit(mx, my, nx, ny, mp, npred)
    t_attack = time.perf_counter() - t0

    t0 = time.perf_counter()
    pm = attack.infer(xm, to_categorical(ym, 10), probabilities=True).reshape(-1)
    pn = attack.infer(xn, to_categorical(yn, 10), probabilities=True).reshape(-1)
    t_eval = time.perf_counter() - t0
    scores = np.concatenate([pm, pn])
    truth = np.concatenate([np.ones_like(pm), np.zeros_like(pn)])
    print(json.dumps({"target_seconds": t_target, "shadows_seconds": t_shadows, "attack_seconds": t_attack,
                      "evaluation_seconds": t_eval, "end_to_end_seconds": t_shadows + t_attack + t_eval,
                      "auc": float(roc_auc_score(truth, scores)),
                      "accuracy": float(((pm > 0.5).mean() + (pn <= 0.5).mean()) / 2),
                      "target_train_accuracy": float(target.score(xm, ym)), "target_test_accuracy": float(target.score(xn, yn))}))


if __name__ == "__main__":
    main()

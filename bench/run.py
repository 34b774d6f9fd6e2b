#!/usr/bin/env python3
"""Runs the training benchmark: PrivLab against PyTorch (CPU) and scikit-learn on the same machine,
data and model, alternating the three sides `--rounds` times and quoting medians (the machines are
shared and noisy). The references are installed into bench/.venv (git-ignored) on first use; they
are never dependencies of PrivLab or its tests.

    python3 bench/run.py [--rounds 3]              the MLP: PrivLab, PyTorch, scikit-learn
    python3 bench/run.py --cnn [--limit N]         the CNN: PrivLab, PyTorch
    python3 bench/run.py --rnn [--lstm] [--limit N] a GRU (LSTM) of 128 units on sequential Fashion-MNIST: PrivLab, PyTorch
    python3 bench/run.py --dp [--cnn] [--hooks]    DP-SGD: PrivLab private and non-private, Opacus
    python3 bench/run.py --mia                     the shadow-model attack: PrivLab, IBM ART
    python3 bench/run.py --attack-strength         attack AUCs on the bundled digits: PrivLab, scikit-learn
    python3 bench/run.py --classical               the article's pipelines, 10-fold CV: PrivLab, scikit-learn (same folds)

Every figure is printed beside the CPU model, the OpenBLAS kernel set PrivLab ran with and who chose it
(OpenBLAS, PrivLab's CPU-feature check, or the user through OPENBLAS_CORETYPE).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# PRIVLAB_BENCH_VENV names an existing virtualenv with the references (e.g. one shared by several
# checkouts); without it they go into bench/.venv.
VENV = os.environ.get("PRIVLAB_BENCH_VENV") or os.path.join(ROOT, "bench", ".venv")
PY = os.path.join(VENV, "bin", "python")


def ensure_venv(mia=False, torch_only=False):
    if not os.path.exists(PY):
        venv.create(VENV, with_pip=True)
    modules = "import torch, numpy" if torch_only else "import torch, sklearn, numpy, opacus" + (", art" if mia else "")
    probe = subprocess.run([PY, "-c", modules], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([PY, "-m", "pip", "install", "-q", "torch", "scikit-learn", "numpy", "opacus", "dp-accounting"]
                       + (["adversarial-robustness-toolbox", "packaging"] if mia else []), check=True)


def run_mia(rounds):
    """Shadow-model membership inference end to end: PrivLab against IBM ART + scikit-learn."""
    keys = ["end_to_end_seconds", "auc"]
    runs = {"privlab": [], "art": []}
    for r in range(rounds):
        p = json.loads(subprocess.run([os.path.join(ROOT, ".build", "release", "privlab"), "bench", "mia", "--json"],
                                      check=True, capture_output=True, text=True, env=PRIVLAB_ENV).stdout)
        a = json.loads(subprocess.run([PY, os.path.join(ROOT, "bench", "mia_reference.py")], check=True,
                                      capture_output=True, text=True).stdout)
        runs["privlab"].append(p)
        runs["art"].append(a)
        print(f"round {r + 1}: privlab {p['end_to_end_seconds']:.2f} s (AUC {p['auc']:.4f}); "
              f"ART {a['end_to_end_seconds']:.2f} s = shadows {a['shadows_seconds']:.2f} + attack model {a['attack_seconds']:.2f} "
              f"+ evaluation {a['evaluation_seconds']:.2f} (AUC {a['auc']:.4f})", flush=True)
    med = {side: {k: statistics.median(x[k] for x in v) for k in keys} for side, v in runs.items()}
    print()
    print("shadow-model attack, Fashion-MNIST: target MLP(256) on 5,000 records, 16 shadows over a disjoint 50,000, 5,000 + 5,000 evaluated")
    for side in runs:
        print(f"{side:<8} end to end {med[side]['end_to_end_seconds']:8.2f} s   AUC {med[side]['auc']:.4f}")
    print(f"speed-up: {med['art']['end_to_end_seconds'] / med['privlab']['end_to_end_seconds']:.1f}×; "
          f"AUC PrivLab − ART: {med['privlab']['auc'] - med['art']['auc']:+.4f}")


def run_attack_strength():
    """Membership-inference strength on the same records: PrivLab's attacks and scikit-learn's."""
    lines = subprocess.run([os.path.join(ROOT, ".build", "release", "privlab"), "exec", os.path.join(ROOT, "bench", "attack_strength.lua")],
                           check=True, capture_output=True, text=True, env=PRIVLAB_ENV).stdout
    ref = subprocess.run([PY, os.path.join(ROOT, "bench", "attack_strength_reference.py")], input=lines, check=True,
                         capture_output=True, text=True).stdout
    ours = [json.loads(l) for l in lines.splitlines() if l.startswith("{")]
    theirs = [json.loads(l) for l in ref.splitlines() if l.startswith("{")]
    cols = [("privlab", "loss"), ("privlab", "shadow_paper"), ("privlab", "shadow_boosting_per_class"), ("privlab", "shadow_default"),
            ("privlab", "shadow_auto"), ("privlab", "lira"), ("sklearn", "loss"), ("sklearn", "shadow_gb_per_class"), ("sklearn", "shadow_logistic_global")]
    print("membership-inference AUC on the bundled digits: 899 members, 449 non-members, target MLP(256) at 100% training accuracy, 8 shadows")
    print("split  " + "  ".join(f"{side[:2]}:{name:<22}" for side, name in cols))
    for o, t in zip(ours, theirs):
        row = {"privlab": o, "sklearn": t}
        print(f"{o['split']:>5}  " + "  ".join(f"{row[side][name]:<25.4f}" for side, name in cols))
    print(" mean  " + "  ".join(f"{statistics.mean({'privlab': o, 'sklearn': t}[side][name] for o, t in zip(ours, theirs)):<25.4f}" for side, name in cols))


def run_classical():
    """The seed article's two pipelines under 10-fold CV on the same folds: accuracy, agreement, speed."""
    lines = subprocess.run([os.path.join(ROOT, ".build", "release", "privlab"), "exec", os.path.join(ROOT, "bench", "classical.lua")],
                           check=True, capture_output=True, text=True, env=PRIVLAB_ENV).stdout
    ref = subprocess.run([PY, os.path.join(ROOT, "bench", "classical_reference.py")], input=lines, check=True,
                         capture_output=True, text=True).stdout
    ours = [json.loads(l) for l in lines.splitlines() if l.startswith("{")]
    theirs = [json.loads(l) for l in ref.splitlines() if l.startswith("{")]
    print("10-fold stratified CV on the same folds (PrivLab's, seed 7); wall clock, median of the rounds; PrivLab on both cores")
    print(f"{'data':<14}{'pipeline':<8}{'acc PL':>8}{'acc SK':>8}{'agree':>8}{'CV PL s':>10}{'CV SK s':>10}{'SK 2 jobs':>11}"
          f"{'fit PL s':>10}{'fit SK s':>10}{'CV speed-up':>13}")
    for o, t in zip(ours[:-1], theirs[:-1]):
        print(f"{o['data']:<14}{o['pipeline']:<8}{o['accuracy']:>8.4f}{t['accuracy']:>8.4f}{t['agreement']:>8.4f}{o['cv_seconds']:>10.4f}"
              f"{t['cv_seconds']:>10.4f}{t['cv_seconds_2_jobs']:>11.4f}{o['fit_seconds']:>10.4f}{t['fit_seconds']:>10.4f}"
              f"{min(t['cv_seconds'], t['cv_seconds_2_jobs']) / o['cv_seconds']:>12.1f}×")
    print(f"PCA (5 components, standardised breast cancer): largest difference from scikit-learn's, up to sign: "
          f"{theirs[-1]['pca_max_difference_up_to_sign']:.2e}")


LIMIT = []  # ["--limit", "N"] to train on the first N images only


# PrivLab's environment. --as-unrecognised makes this CPU look unrecognised to OpenBLAS (Prescott,
# its fallback, treated by the start-up check as OpenBLAS's own choice), so the check's restart is
# what is measured; --fallback keeps Prescott, as a CPU newer than the library ran before the check.
PRIVLAB_ENV = dict(os.environ)


def privlab_epoch(dp=False, cnn=False, model=None):
    cmd = ([os.path.join(ROOT, ".build", "release", "privlab"), "bench", "train", "--runs", "1", "--json"] + (["--dp"] if dp else [])
           + (["--model", "cnn"] if cnn else []) + (["--model", model] if model else []) + LIMIT)
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=PRIVLAB_ENV).stdout)


def print_system():
    """The CPU, the kernel set PrivLab runs and who chose it: printed before every benchmark's figures."""
    out = subprocess.run([os.path.join(ROOT, ".build", "release", "privlab"), "system"], check=True, capture_output=True,
                         text=True, env=PRIVLAB_ENV).stdout
    print("PrivLab: " + "; ".join(" ".join(l.split()) for l in out.splitlines()[1:4]), flush=True)


# With --avx2-reference the references run as on an AVX2-only CPU: PyTorch's own kernels, MKL and
# oneDNN are each told to use nothing newer than AVX2 (what an AVX2-only EPYC of this machine kind
# gives them), as PrivLab's OpenBLAS is by OPENBLAS_CORETYPE=Haswell.
REFERENCE_ENV = dict(os.environ)
AVX2_ONLY = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2", "DNNL_MAX_CPU_ISA": "AVX2"}


def reference(*sides):
    return json.loads(subprocess.run([PY, os.path.join(ROOT, "bench", "reference.py"), *sides, *LIMIT], check=True,
                                     capture_output=True, text=True, env=REFERENCE_ENV).stdout)


def machine(details):
    d = details[-1]
    return (f"CPU {d['cpu']}, OpenBLAS kernels {d['blas_kernels']} ({d.get('blas_choice', 'chosen by OpenBLAS')}), "
            f"{d['blas_threads']} threads; {d['images']:,} images")


def run_dp(rounds, hooks, cnn):
    """DP-SGD epoch: PrivLab private vs PrivLab non-private vs Opacus (ghost clipping, and hooks if asked)."""
    suffix = "_cnn" if cnn else ""
    sides = ["opacus_ghost" + suffix] + (["opacus_hooks" + suffix] if hooks else [])
    times = {"privlab_dp": [], "privlab": [], **{s: [] for s in sides}}
    details = []
    for r in range(rounds):
        details.append(privlab_epoch(dp=True, cnn=cnn))
        times["privlab_dp"].append(details[-1]["median"])
        times["privlab"].append(privlab_epoch(cnn=cnn)["median"])
        for k, v in reference(*sides).items():
            times[k].append(v)
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.3f} s" for k, v in times.items()), flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print()
    if cnn:
        print("one DP epoch, CNN conv16-pool-conv32-pool-dense128, DP-Adam lr 1e-3, σ 1.1, C 1, Poisson sampling (expected batch 64)")
    else:
        print("one DP-SGD epoch, 784-256-10 MLP, σ 1.1, C 1, Poisson sampling (expected batch 128)")
    print(machine(details))
    for k, v in times.items():
        print(f"{k:<14}{med[k]:>8.3f}  " + " ".join(f"{t:.3f}" for t in v))
    fastest = min(med[s] for s in sides)
    print(f"PrivLab DP / PrivLab non-private: {med['privlab_dp'] / med['privlab']:.2f}×; "
          f"speed-up over Opacus's fastest mode: {fastest / med['privlab_dp']:.2f}×")


def run_cnn(rounds):
    """CNN epoch: PrivLab against PyTorch, same layers, Adam lr 1e-3, batch 64, 2 threads each."""
    times = {"privlab": [], "torch_cnn": []}
    details = []
    for r in range(rounds):
        details.append(privlab_epoch(cnn=True))
        times["privlab"].append(details[-1]["median"])
        times["torch_cnn"].append(reference("torch_cnn")["torch_cnn"])
        print(f"round {r + 1}: privlab {times['privlab'][-1]:.3f} s, torch {times['torch_cnn'][-1]:.3f} s", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print()
    print("one epoch, CNN conv16-pool-conv32-pool-dense128 (3×3 same, ReLU, 2×2 max pool), Adam lr 1e-3, batch 64")
    print(machine(details))
    for k, v in times.items():
        print(f"{k:<10}{med[k]:>10.3f}  " + " ".join(f"{t:.3f}" for t in v))
    print(f"speed-up vs PyTorch {med['torch_cnn'] / med['privlab']:.2f}×")


def run_rnn(rounds, cell):
    """Recurrent epoch: PrivLab against PyTorch, one GRU (LSTM) layer of 128 units on sequential
    Fashion-MNIST, the last hidden state into the output layer, Adam lr 1e-3, batch 128, 2 threads each
    (or --threads)."""
    side = "torch_lstm" if cell == "lstm" else "torch_rnn"
    times = {"privlab": [], side: []}
    details = []
    for r in range(rounds):
        details.append(privlab_epoch(model=cell))
        times["privlab"].append(details[-1]["median"])
        times[side].append(reference(side)[side])
        print(f"round {r + 1}: privlab {times['privlab'][-1]:.3f} s, torch {times[side][-1]:.3f} s", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    print()
    print(f"one epoch, {cell.upper()} 128 hidden on sequential Fashion-MNIST (28 steps × 28 pixels), last state → dense 10, Adam lr 1e-3, batch 128; "
          f"PyTorch on {REFERENCE_ENV.get('PRIVLAB_BENCH_THREADS', '2')} thread(s)")
    print(machine(details))
    for k, v in times.items():
        print(f"{k:<11}{med[k]:>10.3f}  " + " ".join(f"{t:.3f}" for t in v))
    print(f"speed-up vs PyTorch {med[side] / med['privlab']:.2f}×")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dp", action="store_true", help="the DP-SGD benchmark (PrivLab vs Opacus) instead")
    ap.add_argument("--hooks", action="store_true", help="with --dp: also Opacus's hooks mode (≈ 40 s an epoch)")
    ap.add_argument("--mia", action="store_true", help="the membership-inference benchmark (PrivLab vs IBM ART) instead")
    ap.add_argument("--attack-strength", action="store_true", help="attack AUCs on the bundled digits (PrivLab vs scikit-learn)")
    ap.add_argument("--classical", action="store_true", help="the article's pipelines under 10-fold CV (PrivLab vs scikit-learn)")
    ap.add_argument("--cnn", action="store_true", help="the small CNN instead of the MLP (against PyTorch; with --dp, against Opacus)")
    ap.add_argument("--rnn", action="store_true", help="a GRU of 128 units on sequential Fashion-MNIST (against PyTorch)")
    ap.add_argument("--lstm", action="store_true", help="with --rnn: an LSTM instead of the GRU")
    ap.add_argument("--limit", type=int, help="train on the first N images only (CNN and DP runs)")
    ap.add_argument("--threads", type=int, help="threads on each side (PrivLab's PRIVLAB_THREADS, PyTorch's set_num_threads; default 2)")
    ap.add_argument("--avx2-reference", action="store_true",
                    help="limit PyTorch, MKL and oneDNN to AVX2, as on an AVX2-only CPU (PrivLab: OPENBLAS_CORETYPE=Haswell)")
    ap.add_argument("--as-unrecognised", action="store_true",
                    help="PrivLab as on a CPU OpenBLAS does not recognise: Prescott, replaced by the start-up check")
    ap.add_argument("--fallback", action="store_true",
                    help="PrivLab on OpenBLAS's generic Prescott kernels, as such a CPU ran before the check")
    args = ap.parse_args()
    if args.as_unrecognised:
        PRIVLAB_ENV.update({"OPENBLAS_CORETYPE": "Prescott", "PRIVLAB_BLAS_TEST_UNRECOGNISED": "1"})
    if args.fallback:
        PRIVLAB_ENV.update({"OPENBLAS_CORETYPE": "Prescott"})
    if args.avx2_reference:
        REFERENCE_ENV.update(AVX2_ONLY)
        print("references limited to AVX2: " + " ".join(f"{k}={v}" for k, v in AVX2_ONLY.items()), flush=True)
    if args.threads:
        PRIVLAB_ENV["PRIVLAB_THREADS"] = str(args.threads)
        REFERENCE_ENV["PRIVLAB_BENCH_THREADS"] = str(args.threads)
    if args.limit:
        LIMIT.extend(["--limit", str(args.limit)])
    subprocess.run(["swift", "build", "-c", "release", "--product", "privlab"], cwd=ROOT, check=True)
    ensure_venv(mia=args.mia, torch_only=args.rnn)
    print_system()
    if args.rnn:
        return run_rnn(args.rounds, "lstm" if args.lstm else "gru")
    if args.mia:
        return run_mia(args.rounds)
    if args.attack_strength:
        return run_attack_strength()
    if args.classical:
        return run_classical()
    if args.dp:
        return run_dp(args.rounds, args.hooks, args.cnn)
    if args.cnn:
        return run_cnn(args.rounds)
    times = {"privlab": [], "torch": [], "sklearn": []}
    details = []
    for r in range(args.rounds):
        p = privlab_epoch()
        details.append(p)
        times["privlab"].append(p["median"])
        ref = reference("torch", "sklearn")
        times["torch"].append(ref["torch"])
        times["sklearn"].append(ref["sklearn"])
        print(f"round {r + 1}: privlab {p['median']:.3f} s, torch {ref['torch']:.3f} s, sklearn {ref['sklearn']:.3f} s", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    best_ref = min(med["torch"], med["sklearn"])
    print()
    print("one epoch, 784-256-10 MLP, SGD lr 0.05, batch 128, Fashion-MNIST")
    print(machine(details))
    print(f"{'side':<10}{'median s':>10}  runs")
    for k in ("privlab", "torch", "sklearn"):
        print(f"{k:<10}{med[k]:>10.3f}  " + " ".join(f"{t:.3f}" for t in times[k]))
    print(f"speed-up vs PyTorch {med['torch'] / med['privlab']:.2f}×, vs scikit-learn {med['sklearn'] / med['privlab']:.2f}×, "
          f"vs the faster of the two {best_ref / med['privlab']:.2f}×")
    g = statistics.median(d["gflops"] for d in details)
    peak = statistics.median(d["gemm_peak_gflops"] for d in details)
    mem = max(d["peak_memory_mib"] for d in details)
    print(f"PrivLab achieved {g:.1f} GFLOP/s against a two-core sgemm peak of {peak:.1f} GFLOP/s measured in the same run "
          f"({100 * g / peak:.0f}%); peak memory {mem:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs the training benchmark: PrivLab against PyTorch (CPU) and scikit-learn on the same machine,
data and model, alternating the three sides `--rounds` times and quoting medians (the machines are
shared and noisy). The references are installed into bench/.venv (git-ignored) on first use; they
are never dependencies of PrivLab or its tests.

    python3 bench/run.py [--rounds 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench", ".venv")
PY = os.path.join(VENV, "bin", "python")


def ensure_venv():
    if not os.path.exists(PY):
        venv.create(VENV, with_pip=True)
    probe = subprocess.run([PY, "-c", "import torch, sklearn, numpy"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([PY, "-m", "pip", "install", "-q", "torch", "scikit-learn", "numpy"], check=True)


def privlab_epoch():
    out = subprocess.run([os.path.join(ROOT, ".build", "release", "privlab"), "bench", "train", "--runs", "1", "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "privlab"], cwd=ROOT, check=True)
    ensure_venv()
    times = {"privlab": [], "torch": [], "sklearn": []}
    details = []
    for r in range(args.rounds):
        p = privlab_epoch()
        details.append(p)
        times["privlab"].append(p["median"])
        ref = json.loads(subprocess.run([PY, os.path.join(ROOT, "bench", "reference.py")], check=True,
                                        capture_output=True, text=True).stdout)
        times["torch"].append(ref["torch"])
        times["sklearn"].append(ref["sklearn"])
        print(f"round {r + 1}: privlab {p['median']:.3f} s, torch {ref['torch']:.3f} s, sklearn {ref['sklearn']:.3f} s", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    best_ref = min(med["torch"], med["sklearn"])
    print()
    print("one epoch, 784-256-10 MLP, SGD lr 0.05, batch 128, 60,000 Fashion-MNIST images, 2 threads")
    print(f"{'side':<10}{'median s':>10}  runs")
    for k in ("privlab", "torch", "sklearn"):
        print(f"{k:<10}{med[k]:>10.3f}  " + " ".join(f"{t:.3f}" for t in times[k]))
    print(f"speed-up vs PyTorch {med['torch'] / med['privlab']:.2f}×, vs scikit-learn {med['sklearn'] / med['privlab']:.2f}×, "
          f"vs the faster of the two {best_ref / med['privlab']:.2f}×")
    g = statistics.median(d["gflops"] for d in details)
    peak = statistics.median(d["gemm_peak_gflops"] for d in details)
    mem = max(d["peak_memory_mib"] for d in details)
    print(f"PrivLab achieved {g:.1f} GFLOP/s against a measured sgemm peak of {peak:.1f} GFLOP/s; peak memory {mem:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())

"""Reference fingerprints for winnowing (Schleimer, Wilkerson & Aiken, "Winnowing: Local
Algorithms for Document Fingerprinting", SIGMOD 2003), written from the paper's definitions and
checked against its worked example, for PrivLab's `Winnowing` (Sources/PrivLabLua/Similarity).
Standard library only:

    python3 Tests/PrivLabTests/Fixtures/make_winnowing_reference.py

- Definition 1 (§3): in each window of w consecutive hashes select the minimum, the rightmost on a
  tie; record each selected (hash, position) once. Written here as the plain O(n·w) scan over
  every window (PrivLab's code is a separate implementation).
- Robust winnowing (same paper): on a tie keep the previous window's choice if it is still in the
  window, otherwise the rightmost minimum.
- The paper's Figure 2 example: hashes 77 74 42 17 98 50 17 98 8 88 67 39 77 74 42 17 98 with
  w = 4 give the fingerprints [17,3] [17,6] [8,8] [39,11] [17,15] (0-based positions); asserted.
- k-gram hashes: the polynomial Σ c_j·B^(k−1−j) mod 2^64 evaluated directly for every k-gram (no
  rolling), then SplitMix64's finaliser — what PrivLab's rolling hash must equal.
- Sequences shorter than one window are one window.
"""
import json
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
M = 1 << 64
BASE = 0x100000001B3


def winnow(hashes, w, robust):
    out, selected = [], -1
    windows = max(len(hashes) - w + 1, 1) if hashes else 0
    for start in range(windows):
        window = list(range(start, min(start + w, len(hashes))))
        low = min(hashes[j] for j in window)
        m = max(j for j in window if hashes[j] == low)
        if robust and selected >= start and hashes[selected] == low:
            m = selected
        if m != selected:
            out.append([hashes[m], m])
            selected = m
    return out


def splitmix_finish(x):
    z = (x + 0x9E3779B97F4A7C15) % M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % M
    return z ^ (z >> 31)


def kgram_hashes(codes, k):
    return [splitmix_finish(sum(c * pow(BASE, k - 1 - j, M) for j, c in enumerate(codes[i:i + k])) % M)
            for i in range(len(codes) - k + 1)]


paper = [77, 74, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 74, 42, 17, 98]
assert winnow(paper, 4, False) == [[17, 3], [17, 6], [8, 8], [39, 11], [17, 15]]

rng = random.Random(2003)
cases = [{"hashes": paper, "w": 4}]
for n, w, alphabet in [(50, 4, 6), (200, 8, 5), (200, 8, 1 << 40), (7, 10, 3), (1, 3, 2), (120, 1, 4), (300, 16, 3)]:
    cases.append({"hashes": [rng.randrange(alphabet) for _ in range(n)], "w": w})
for c in cases:
    c["rightmost"] = winnow(c["hashes"], c["w"], False)
    c["robust"] = winnow(c["hashes"], c["w"], True)

kgrams = []
for n, k in [(30, 5), (40, 12), (12, 12), (5, 1)]:
    codes = [rng.randrange(M) for _ in range(n)]
    kgrams.append({"codes": [str(c) for c in codes], "k": k, "hashes": [str(h) for h in kgram_hashes(codes, k)]})

with open(os.path.join(here, "winnowing_reference.json"), "w") as f:
    json.dump({"source": "make_winnowing_reference.py (paper's Definition 1, robust winnowing, Figure 2 example)",
               "winnow": cases, "kgram": kgrams}, f, indent=1)
    f.write("\n")
print("wrote winnowing_reference.json:", len(cases), "winnowing cases,", len(kgrams), "k-gram cases")

#!/usr/bin/env python3
"""Generates a class of submissions for the dp-sgd assignment, for timing `privlab grade` on a
whole class (issue 32, item 3). Standard library only; deterministic for a given --seed.

    python3 bench/grading/make_submissions.py OUT_DIR [--count 200] [--seed 1]

Writes OUT_DIR/assignment.lua (assignments/dp-sgd/assignment.lua with every question's time limit
set to --time seconds (default 10), so that a runaway submission costs seconds rather than the course's 30 s —
the only change) and OUT_DIR/submissions/sNNN.lua. The mix (fixed fractions of --count):

- right   (40%): the reference solution, reformatted (renamed locals, comments, spacing), so no
                 two files are byte-identical;
- wrong   (25%): one or two questions answered with a plausible mistake (no clipping, a missing
                 1/(α−1), δ instead of log(1/δ), a fixed σ);
- partial (20%): one to three questions left as the hand-out's todo();
- hostile (15%): an infinite loop at the top of a question's code or inside a function, a flood of
                 printed output, a runaway allocation, an error at load, os/io/require calls, a
                 syntax error.
"""
import argparse
import os
import random
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, "assignments", "dp-sgd", "assignment.lua")

WRONG = {
    "dp_step": """  local d, B = #noise, #grads
  local sum = {}
  for j = 1, d do sum[j] = 0 end
  for _, g in ipairs(grads) do for j = 1, d do sum[j] = sum[j] + g[j] end end
  for j = 1, d do sum[j] = (sum[j] + sigma * clip * noise[j]) / B end
  return sum""",
    "rdp": """  local s = 0
  for k = 0, alpha do
    local c = 1
    for i = 1, k do c = c * (alpha - i + 1) / i end
    s = s + c * (1 - q) ^ (alpha - k) * q ^ k * math.exp((k * k - k) / (2 * sigma * sigma))
  end
  return math.log(s)""",
    "epsilon": """  local best = math.huge
  for alpha = 2, 256 do
    local e = steps * rdp(q, sigma, alpha) + delta / (alpha - 1)
    if e < best then best = e end
  end
  return best""",
    "pick_sigma": """  return 1.0""",
}

HOSTILE = [
    ("loop-top", "while true do end"),
    ("loop-function", None),
    ("flood", "for i = 1, 2000000 do print(('spam '):rep(20) .. i) end"),
    ("memory", "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end"),
    ("error", "error('boom at load time')"),
    ("os", "os.execute('echo pwned')"),
    ("io", "local f = io.open('/etc/passwd') print(f:read('a'))"),
    ("require", "local os = require('os') os.exit(1)"),
    ("syntax", "function broken( return end"),
]


def blocks(text):
    """[(function name, start, end)] of the solution blocks, in file order."""
    out = []
    for m in re.finditer(r"^function (\w+)\([^\n]*\)\n  -- BEGIN SOLUTION\n(.*?)\n  -- END SOLUTION\n", text, re.M | re.S):
        out.append((m.group(1), m.start(2), m.end(2)))
    return out


def replace(text, name, body):
    for n, s, e in blocks(text):
        if n == name:
            return text[:s] + body + text[e:]
    raise KeyError(name)


def student_file(text):
    """What a student hands in: no hidden check blocks, no solution markers."""
    text = re.sub(r"^--@ check \w+ hidden .*?^--@ end\n", "", text, flags=re.M | re.S)
    return text.replace("  -- BEGIN SOLUTION\n", "").replace("  -- END SOLUTION\n", "")


def reformat(text, rng, k):
    names = {"sum": "acc", "best": "smallest", "terms": "logs", "logbinom": "lb", "mid": "middle"}
    for old, new in names.items():
        if rng.random() < 0.5:
            text = re.sub(r"\b%s\b" % old, new + str(k % 7), text)
    text = text.replace("\n  return", "\n  -- my answer\n  return", 1)
    return "-- submission %d\n" % k + text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time", type=float, default=10, help="each question's time limit in the copy of the assignment")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    source = open(SOURCE, encoding="utf-8").read()
    subs = os.path.join(args.out, "submissions")
    os.makedirs(subs, exist_ok=True)
    limited = re.sub(r"^(--@ question \w+ [0-9.]+)", r"\1 time=%g" % args.time, source, flags=re.M)
    with open(os.path.join(args.out, "assignment.lua"), "w", encoding="utf-8") as f:
        f.write(limited)
    names = [n for n, _, _ in blocks(source)]
    n = args.count
    kinds = ["right"] * int(0.40 * n) + ["wrong"] * int(0.25 * n) + ["partial"] * int(0.20 * n)
    kinds += ["hostile"] * (n - len(kinds))
    rng.shuffle(kinds)
    counts = {}
    hostile = 0
    for k, kind in enumerate(kinds):
        text = source
        if kind == "wrong":
            for name in rng.sample(names, rng.choice([1, 2])):
                text = replace(text, name, WRONG[name])
        elif kind == "partial":
            for name in rng.sample(names, rng.choice([1, 2, 3])):
                text = replace(text, name, "  todo()  -- your code here (replace this line)")
        text = student_file(text)
        if kind == "hostile":
            label, code = HOSTILE[hostile % len(HOSTILE)]
            hostile += 1
            kind = "hostile-" + label
            if code is None:
                text = text.replace("function rdp(q, sigma, alpha)\n", "function rdp(q, sigma, alpha)\n  while true do end\n", 1)
            else:
                # At the top of a random question's code (after its marker line).
                markers = [m.end() for m in re.finditer(r"^--@ question .*\n", text, re.M)]
                at = rng.choice(markers)
                text = text[:at] + code + "\n" + text[at:]
        text = reformat(text, rng, k)
        counts[kind] = counts.get(kind, 0) + 1
        with open(os.path.join(subs, "s%03d.lua" % (k + 1)), "w", encoding="utf-8") as f:
            f.write(text)
    print("wrote %d submissions to %s: %s" % (n, subs, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times `privlab grade` on a generated class (issue 32, item 3): wall time, time per submission
and peak memory. Standard library only.

    python3 bench/grading/make_submissions.py /tmp/gbench          # once: 200 submissions
    python3 bench/grading/run.py /tmp/gbench [--privlab .build/release/privlab] [--jobs N] [--fresh]

Grades DIR/submissions against DIR/assignment.lua into DIR/graded (--fresh removes it first, so
nothing is reused from an earlier run; without it a second run measures re-grading with nothing
changed). Prints the wall time, the median / 90th percentile / maximum time per submission, the peak
resident memory of any one process (getrusage of the waited-for children: the grader and every
worker it waited for), their CPU time (which depends far less than wall time on how busy the
shared machine is) and the score distribution. Per-submission times come from the grader's
summary.json when it writes one; otherwise (an older privlab, one submission at a time) from the
modification times of the reports it writes as each submission finishes.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--privlab", default=os.path.join(ROOT, ".build", "release", "privlab"))
    ap.add_argument("--jobs", type=int, help="passed as --jobs (omit for an older privlab without it)")
    ap.add_argument("--fresh", action="store_true", help="remove DIR/graded first")
    ap.add_argument("--extra", nargs="*", default=[], help="more arguments for privlab grade")
    args = ap.parse_args()
    out = os.path.join(args.dir, "graded")
    if args.fresh and os.path.exists(out):
        shutil.rmtree(out)
    cmd = ["stdbuf", "-oL", args.privlab, "grade", os.path.join(args.dir, "assignment.lua"),
           os.path.join(args.dir, "submissions"), "-o", out] + args.extra
    if args.jobs:
        cmd += ["--jobs", str(args.jobs)]
    print("$ " + " ".join(cmd[2:]), flush=True)
    start = time.monotonic()
    start_wall = time.time()
    stamps = []
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        stamps.append((time.monotonic() - start, line.rstrip("\n")))
    p.wait()
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024  # KiB → MiB
    # CPU time barely depends on how busy the (shared) machine is; wall time does.
    cpu = usage.ru_utime + usage.ru_stime
    summary_path = os.path.join(out, "summary.json")
    per = []
    if os.path.exists(summary_path):
        with open(summary_path, encoding="utf-8") as f:
            summary = json.load(f)
        per = [s["seconds"] for s in summary.get("submissions", []) if s.get("seconds") is not None and not s.get("reused")]
    else:
        # An older privlab grades one submission at a time and writes its report when done: the
        # reports' modification times, in order, give each submission's time.
        times = sorted(os.path.getmtime(os.path.join(out, f)) for f in os.listdir(out)
                       if f.endswith(".md") and f != "summary.md")
        last = start_wall
        for t in times:
            per.append(t - last)
            last = t
    print("exit status: %d" % p.returncode)
    print("wall time: %.1f s for %d graded submissions" % (wall, len(per)))
    if per:
        per.sort()
        p90 = per[min(len(per) - 1, int(0.9 * len(per)))]
        print("per submission: median %.2f s, 90th percentile %.2f s, max %.2f s, sum %.1f s"
              % (statistics.median(per), p90, per[-1], sum(per)))
    print("CPU time of the grader and all its workers: %.1f s (%.2f s per submission)" % (cpu, cpu / max(1, len(per) or 1)))
    print("load average at the end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    print("peak resident memory of one process: %.0f MiB" % peak)
    book = os.path.join(out, "gradebook.csv")
    if os.path.exists(book):
        with open(book, encoding="utf-8") as f:
            rows = f.read().splitlines()[1:]
        scores = {}
        for r in rows:
            s = r.split(",")[1]
            scores[s] = scores.get(s, 0) + 1
        print("scores: " + ", ".join("%s×%d" % (k, v) for k, v in sorted(scores.items(), key=lambda kv: -float(kv[0] or 0))))
    return p.returncode


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# The adversarial-regularisation authors' schedule (PyTorch) at their full scale, on the records
# notebooks/reproductions/nasr2018.lua uses with -P members=19732, kept beside the reproduction.
#
#   PYTHON=/path/to/venv/bin/python scripts/nasr2018_authors_code.sh
#
# scripts/nasr2018_split.lua prints the notebook's split at the authors' size (19,732 members,
# 29,598 reference records, 2,000 test and 1,000 validation records); scripts/nasr2018_torch.py,
# written from the authors' PPN_Purchase_GIT.py, then trains on it twice: undefended (α = 0, no h
# steps: the classifier's own schedule) and with the authors' h start at α = 3, k = 22, full
# width. The per-epoch logs go to results/reproductions/nasr2018_authors_code.txt with the commit
# and versions they ran on, so that the notebook's comparison of the two implementations at full
# scale can be checked and regenerated (about an hour on 2 cores). PYTHON must have numpy and
# torch (a throw-away virtualenv; never a runtime dependency).
source "$(dirname "$0")/authors-code-common.sh" || exit 1
out=results/reproductions/nasr2018_authors_code.txt
"$bin" exec scripts/nasr2018_split.lua -P members=19732 > "$dir/split.csv"
# One thread each, the two runs side by side: single-threaded PyTorch on CPU repeats itself exactly.
# Each wait on its own line: under set -e a failing run then stops the script before the kept
# file is written (a failure left of && would not).
"$py" scripts/nasr2018_torch.py "$dir/split.csv" --threads 1 --alpha 0 --k 0 > "$dir/plain.log" &
plain=$!
"$py" scripts/nasr2018_torch.py "$dir/split.csv" --threads 1 --alpha 3 --k 22 > "$dir/authors.log" &
authors=$!
wait "$plain"
wait "$authors"
{
  kept_header "Nasr et al. 2018: the authors' schedule (PyTorch, scripts/nasr2018_torch.py) at full scale on nasr2018.lua's records (-P members=19732)" \
    scripts/nasr2018_split.lua scripts/nasr2018_torch.py Sources
  echo
  echo "## undefended: the same classifier schedule, α = 0 and no h steps (--alpha 0 --k 0)"
  cat "$dir/plain.log"
  echo
  echo "## the authors' setting: h from their N(0, 0.01²) start, full width, α = 3, k = 22 (--alpha 3 --k 22)"
  cat "$dir/authors.log"
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "kept: $out"
